import { expect, test } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { consentBox } from "./support/card";
import { maria, signIn } from "./support/session";

// An admin rewrites the card-on-file terms (a new version; the default stays as version 1), and
// the customer's Add New Card dialog shows the new version and refuses a card until it is agreed to.
test("new card-on-file terms are a new version that the Add New Card dialog asks customers to agree to", async ({ page }) => {
  await signIn(page, "/office/login", officeAdmin, officePassword, "Sign in");
  await page.goto("/office/settings/online-payments");
  const section = page.getByRole("region", { name: "Card-on-file terms" });
  const text = section.getByLabel(/^Terms \(customers now agree to version \d+\)$/);
  await expect(text).toHaveValue(/Brightside/);
  const terms =
    "By keeping this card on file you allow Brightside to charge it for invoices you pay in the portal. Remove it any time under Saved Payment Methods.";
  await text.fill(terms);
  await section.getByRole("button", { name: "Save terms" }).click();
  await expect(section.getByRole("status")).toContainText("Saved as version 2.");
  const versions = section.getByRole("region", { name: "Earlier versions of the terms" });
  await expect(versions).toContainText("v2");
  await expect(versions.getByRole("row").filter({ hasText: "v1" })).toContainText("Default");
  // Too short: refused next to the field, nothing saved.
  await section.getByLabel(/^Terms/).fill("Short");
  await section.getByRole("button", { name: "Save terms" }).click();
  await expect(section.getByText(/Write the terms in 40 to 5000 characters/)).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, "/login", maria.email, maria.password, "Login");
  await page.goto("/payment-methods");
  await expect(page.getByRole("button", { name: "Add Payment Method" })).toBeEnabled();
  await page.getByRole("button", { name: "Add Payment Method" }).click();
  const dialog = page.getByRole("dialog", { name: "Add New Card" });
  await expect(dialog.getByText("Card-on-file terms (version 2)")).toBeVisible();
  await expect(dialog.getByRole("region", { name: "Card-on-file terms (version 2)" })).toHaveText(terms);
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog.getByText("Tick the box to agree to the card-on-file terms.")).toBeVisible();
  await expect(consentBox(dialog)).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});
