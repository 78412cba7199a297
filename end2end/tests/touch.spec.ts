import { expect, test, type Page } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { maria, signIn } from "./support/session";

// Touch targets on the phone viewport (the desktop project ignores this file): every control and
// every link that stands on its own is at least 44×44 px; links inside running text are exempt,
// as WCAG 2.5.8 allows.

/** Controls and links smaller than 44×44 px on `path`, links inside running text excepted. */
async function smallTargets(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const found = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("a, button, input, select, summary, textarea"))) {
      if (el instanceof HTMLInputElement && el.type === "hidden") continue;
      if (el.tagName === "A" && el.closest("p, li") && !el.closest("nav, .aside")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.classList.contains("skip-link") && r.right < 0) continue;
      if (r.width < 44 || r.height < 44) {
        out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("name") || "").trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
  return found.map((f) => `${path}: ${f}`);
}

test("on a phone every control and stand-alone link is at least 44×44 px", async ({ page }) => {
  const found: string[] = [];
  for (const path of ["/login", "/forgot-password", "/request-invitation"]) found.push(...(await smallTargets(page, path)));
  await signIn(page, "/login", maria.email, maria.password, "Login");
  for (const path of ["/", "/payment-methods", "/account"]) found.push(...(await smallTargets(page, path)));
  expect(found).toEqual([]);
});

test("on a phone no page is wider than the screen: wide tables scroll inside their own box", async ({ page }) => {
  const wider: string[] = [];
  const check = async (path: string) => {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    if (scroll > client) wider.push(`${path}: ${scroll} px wide on a ${client} px screen`);
  };
  for (const path of ["/login", "/request-invitation"]) await check(path);
  await signIn(page, "/login", maria.email, maria.password, "Login");
  const invoice = (await page.locator('a[href^="/invoices/"]').first().getAttribute("href"))?.match(/^\/invoices\/\d+/)?.[0];
  for (const path of ["/", "/payment-methods", "/account", invoice ?? "/", `${invoice}/pay`]) await check(path);
  await signIn(page, "/office/login", officeAdmin, officePassword, "Sign in");
  const record = (await page.locator('a[href^="/office/customers/"]').first().getAttribute("href")) ?? "/office/customers/1";
  // The staff list and the customer record hold the widest tables (they once made the page
  // 700 px wide: a visually hidden label escaped its scrolling box).
  for (const path of ["/office/customers", record, `${record}/history`, "/office/staff", "/office/settings/online-payments", "/office/call-booking"]) {
    await check(path);
  }
  expect(wider).toEqual([]);
});
