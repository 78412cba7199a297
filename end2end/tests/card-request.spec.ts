import { expect, test } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { cardFields } from "./support/card";
import { linkFromNewEmail, seenEmails } from "./support/outbox";

const linh = { email: "linh.tran@example.com", password: "brightside-linh-demo" };

test("the office requests a card on file and the emailed link opens Add New Card after the customer signs in", async ({ page }) => {
  await page.goto("/office/login");
  await page.getByLabel("Email").fill(officeAdmin);
  await page.getByLabel("Password").fill(officePassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/office\/customers$/);
  await page.getByLabel("Search by name, email or phone").fill("linh.tran");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Linh Tran" }).click();

  const seen = seenEmails();
  const requests = page.getByRole("region", { name: "Card on file requests" });
  await requests.getByRole("button", { name: "Request card on file" }).click();
  await expect(requests.getByRole("status")).toHaveText("Card request sent to linh.tran@example.com.");
  await expect(requests.getByRole("list", { name: "Card on file requests" }).getByRole("listitem").first()).toContainText(
    "Card on file requested by Erin Admin",
  );

  const link = new URL(await linkFromNewEmail(linh.email, "/payment-methods?add=", seen));
  await page.context().clearCookies();
  await page.goto(link.pathname + link.search);
  await page.getByLabel("Email").fill(linh.email);
  await page.getByLabel("Password", { exact: true }).fill(linh.password);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page).toHaveURL(/\/payment-methods\?add=1$/);
  const dialog = page.getByRole("dialog", { name: "Add New Card" });
  await expect(dialog).toBeVisible();
  await expect(cardFields(dialog).getByLabel("Card number")).toBeVisible();
});
