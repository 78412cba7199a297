import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";

/** Opens `path` (unless it is open already) and lists axe-core's WCAG 2.1 AA violations there;
 * `ready` (e.g. a dialog that opens after hydration) is waited for first. */
export async function violations(page: Page, path: string, ready?: (page: Page) => Locator) {
  if (new URL(page.url(), "http://x").pathname + new URL(page.url(), "http://x").search !== path) {
    await page.goto(path);
  }
  await page.waitForLoadState("networkidle");
  if (ready) await ready(page).waitFor({ state: "visible" });
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
