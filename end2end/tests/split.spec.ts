import { expect, test, type Page, type Route } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { officeAdmin, officePassword } from "../playwright.config";
import { maria, signIn } from "./support/session";

// The wasm is split by route: porchlight.wasm holds the router and the shells, every page is a
// chunk of its own that loads when its route is first opened. The release binary serves them
// under /pkg/{build hash}/.

/** The chunk files `path` needs, from the manifest the build writes (what the server preloads). */
function manifest(): Record<string, string[]> {
  const site = process.env.PORCHLIGHT_E2E_SITE ?? path.join(__dirname, "..", "..", "target", "site");
  return JSON.parse(readFileSync(path.join(site, "pkg", "__wasm_split_manifest.json"), "utf8"));
}

test("the build writes one chunk per lazy page and the split manifest lists them", () => {
  const routes = Object.keys(manifest());
  for (const name of ["login", "payment_methods", "pay", "customer_record", "office_login", "staff"]) {
    expect(routes.some((r) => r.startsWith(`__${name}_route_view`)), `${name} in ${routes.join(", ")}`).toBe(true);
  }
});

test("the sign-in page downloads no card or office code", async ({ page }) => {
  const wasm: string[] = [];
  page.on("requestfinished", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(path.basename(new URL(r.url()).pathname));
  });
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Show password" }).click();
  await expect(page.getByRole("button", { name: "Hide password" })).toBeVisible();
  const chunks = Object.entries(manifest());
  const files = (pattern: RegExp) =>
    new Set(chunks.filter(([route]) => pattern.test(route)).flatMap(([, stems]) => stems.map((s) => `${s}.wasm`)));
  const login = files(/^__login_route_view/);
  const cardOrOffice = [...files(/^__(payment_methods|pay|receipt|office_login|customers|customer_record|edit_customer|payment_history|call_booking|online_payments|staff)_route_view/)].filter(
    (f) => !login.has(f),
  );
  expect(cardOrOffice.length, "card and office pages have chunks of their own").toBeGreaterThan(0);
  expect(wasm.filter((f) => cardOrOffice.includes(f)), `loaded: ${wasm.join(", ")}`).toEqual([]);
});

test("a page whose code fails to download says so and offers a reload", async ({ page }) => {
  // Every chunk fails; the main module (router and shells) still loads.
  await page.route(/\/pkg\/.+\.wasm$/, (route) =>
    route.request().url().endsWith("/porchlight.wasm") ? route.continue() : route.abort(),
  );
  await page.goto("/login");
  const notice = page.getByRole("alert").filter({ hasText: "did not load" });
  await expect(notice).toBeVisible();
  await page.unroute(/\/pkg\/.+\.wasm$/);
  await notice.getByRole("link", { name: "Reload the page" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to your account" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("alert").filter({ hasText: "did not load" })).toHaveCount(0);
  await page.getByRole("button", { name: "Show password" }).click();
  await expect(page.getByRole("button", { name: "Hide password" })).toBeVisible();
});

test("opening a lazy page from a link after the session ended lands on sign-in, then back on it", async ({ page, context }) => {
  await signIn(page, "/login", maria.email, maria.password, "Login");
  await page.waitForLoadState("networkidle");
  // The session ends elsewhere; the page's links still point into the portal.
  await context.clearCookies();
  await page.getByRole("link", { name: "Saved Payment Methods" }).first().click();
  await page.waitForURL(/\/login\?next=(%2F|\/)payment-methods$/);
  await page.getByLabel("Email").fill(maria.email);
  await page.getByLabel("Password", { exact: true }).fill(maria.password);
  await page.getByRole("button", { name: "Login" }).click();
  await page.waitForURL(/\/payment-methods$/);
  await expect(page.getByRole("heading", { name: "Saved Payment Methods" })).toBeVisible();
});

/** Holds every chunk request from now on until `release()`, like a very slow network would. */
async function holdChunks(page: Page) {
  const held: Route[] = [];
  let holding = false;
  await page.route(/\/pkg\/(.+\/)?(chunk|split)_[^/]+\.wasm$/, (route) => (holding ? held.push(route) : route.continue()));
  return {
    start: () => {
      holding = true;
    },
    count: () => held.length,
    release: async () => {
      holding = false;
      // The page may have been replaced meanwhile; its requests then have nowhere to go.
      for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    },
  };
}

for (const area of [
  { login: "/login", email: maria.email, password: maria.password, button: "Login", landed: /\/$/, nav: "Account", link: "Saved Payment Methods", to: /\/payment-methods$/, heading: "Saved Payment Methods" },
  { login: "/office/login", email: officeAdmin, password: officePassword, button: "Sign in", landed: /\/office\/customers$/, nav: "Office", link: "Settings", to: /\/office\/settings\/online-payments$/, heading: "Online Payments" },
]) {
  test(`a header link clicked right after signing in on ${area.login}, while the next page's code downloads, opens that link`, async ({ page }) => {
    const chunks = await holdChunks(page);
    await page.goto(area.login);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill(area.email);
    await page.getByLabel("Password", { exact: true }).fill(area.password);
    chunks.start();
    await page.getByRole("button", { name: area.button }).click();
    await page.waitForURL(area.landed);
    // The router is now waiting for the first signed-in page's chunks, which are held.
    await expect.poll(chunks.count).toBeGreaterThan(0);
    await page.getByRole("navigation", { name: area.nav }).getByRole("link", { name: area.link }).click();
    await chunks.release();
    await expect(page).toHaveURL(area.to);
    await expect(page.getByRole("heading", { name: area.heading, level: 1 })).toBeVisible();
  });
}
