import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { maria, signIn } from "./support/session";

// axe-core at WCAG 2.1 AA on every kind of page, signed out, as a customer and in the office, on
// the desktop and the phone viewport (each project runs this file).

async function violations(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("signed-out pages have no WCAG 2.1 AA violations", async ({ page }) => {
  const found: string[] = [];
  for (const path of ["/login", "/forgot-password", "/request-invitation", "/office/login", "/no-such-page"]) {
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
  expect(found).toEqual([]);
});

test("the office's pages have no WCAG 2.1 AA violations", async ({ page }) => {
  await signIn(page, "/office/login", officeAdmin, officePassword, "Sign in");
  await page.goto("/office/customers");
  const record = await page.locator('a[href^="/office/customers/"]').first().getAttribute("href");
  const found: string[] = [];
  for (const path of ["/office/customers", record ?? "/office/customers/1", "/office/settings/online-payments", "/office/staff", "/office/call-booking"]) {
    found.push(...(await violations(page, path)));
  }
  expect(found).toEqual([]);
});
