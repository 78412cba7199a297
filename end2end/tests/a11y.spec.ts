import { expect, test } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { violations } from "./support/axe";
import { maria, signIn } from "./support/session";
import { cardFields } from "./support/card";

// axe-core at WCAG 2.1 AA on every kind of page, signed out, as a customer and in the office, on
// the desktop and the phone viewport (each project runs this file), dialogs open as well as
// closed. The receipt page is checked where a payment makes one (pay-invoices.spec.ts).

test("signed-out pages have no WCAG 2.1 AA violations", async ({ page }) => {
  const found: string[] = [];
  for (const path of [
    "/login",
    "/forgot-password",
    "/request-invitation",
    "/verify?token=not-a-real-token",
    "/reset-password?token=not-a-real-token",
    "/office/login",
    "/no-such-page",
  ]) {
    found.push(...(await violations(page, path)));
  }
  expect(found).toEqual([]);
});

test("a customer's pages have no WCAG 2.1 AA violations", async ({ page }) => {
  await signIn(page, "/login", maria.email, maria.password, "Login");
  const invoice = await page.locator('a[href^="/invoices/"]').first().getAttribute("href");
  const invoicePath = invoice?.match(/^\/invoices\/\d+/)?.[0] ?? "/invoices/1";
  const found: string[] = [];
  for (const path of ["/", "/payment-methods", "/account", invoicePath, `${invoicePath}/pay`]) {
    found.push(...(await violations(page, path)));
  }
  // With Add New Card open (as the office's card request opens it), and with Edit open.
  // The processor's card fields are checked too (axe-core goes into the frame).
  found.push(
    ...(await violations(page, "/payment-methods?add=1", (p) =>
      cardFields(p.getByRole("dialog", { name: "Add New Card" })).getByLabel("Card number"),
    )),
  );
  await page.goto("/payment-methods");
  const edit = await page.locator('dialog[id^="edit-card-"]').first().getAttribute("id");
  const card = edit?.replace("edit-card-", "") ?? "1";
  found.push(...(await violations(page, `/payment-methods?edit=${card}`, (p) => p.getByRole("dialog", { name: /^Edit / }))));
  expect(found).toEqual([]);
});

test("the office's pages have no WCAG 2.1 AA violations", async ({ page }) => {
  await signIn(page, "/office/login", officeAdmin, officePassword, "Sign in");
  await page.goto("/office/customers");
  const record = await page.locator('a[href^="/office/customers/"]').first().getAttribute("href");
  const found: string[] = [];
  const recordPath = record ?? "/office/customers/1";
  for (const path of [
    "/office/customers",
    recordPath,
    `${recordPath}/edit`,
    `${recordPath}/history`,
    "/office/settings/online-payments",
    "/office/staff",
    "/office/call-booking",
  ]) {
    found.push(...(await violations(page, path)));
  }
  expect(found).toEqual([]);
});
