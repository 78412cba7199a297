import { expect, test } from "@playwright/test";
import { signIn } from "./support/session";

// The demo's Lakeside Property Management: its primary Visa expired last month, its Mastercard
// is valid, and it has an open invoice. Nothing here changes data, so it runs on both projects.
const lakeside = { email: "maintenance@lakesidepm.example", password: "brightside-lakeside-demo" };

test("with an expired primary card the pay page chooses the newest card that can pay and says why", async ({ page }) => {
  await signIn(page, "/login", lakeside.email, lakeside.password, "Login");
  await page.getByRole("region", { name: "Open invoices" }).getByRole("link", { name: /^Pay INV-/ }).first().click();
  await expect(page.getByRole("heading", { name: /^Pay invoice INV-/ })).toBeVisible();
  await expect(
    page.getByRole("status").filter({
      hasText: "Your primary card, Visa •••• 4242, has expired, so Mastercard •••• 4444 is chosen.",
    }),
  ).toBeVisible();
  await expect(page.getByRole("radio", { name: /^Mastercard •••• 4444 · expires/ })).toBeChecked();
  await expect(page.getByRole("radio", { name: /^Visa •••• 4242 \(primary\) · expired/ })).toBeDisabled();
  await expect(page.getByText(/^Pay \$[\d,.]+ with Mastercard •••• 4444$/)).toBeVisible();
});

test("an expired card shows Expired and offers no Set as Primary; a valid one does", async ({ page }) => {
  await signIn(page, "/login", lakeside.email, lakeside.password, "Login");
  await page.goto("/payment-methods");
  const cards = page.getByRole("list", { name: "Saved cards" }).getByRole("listitem");
  const visa = cards.filter({ hasText: "Visa •••• 4242" });
  const mastercard = cards.filter({ hasText: "Mastercard •••• 4444" });
  await expect(visa).toContainText("Expired");
  await expect(visa.getByRole("button", { name: /Set as Primary/ })).toHaveCount(0);
  await expect(mastercard).not.toContainText("Expired");
  await expect(mastercard.getByRole("button", { name: /Set as Primary/ })).toHaveCount(1);
});
