import { expect, test, type ConsoleMessage, type Page } from "@playwright/test";

/**
 * Collects console errors and failed requests so a test can assert there were none.
 * `expectedStatus` lists HTTP statuses the test provokes on purpose (Chromium logs those too).
 */
function watchForErrors(page: Page, expectedStatus: number[] = []): string[] {
  const errors: string[] = [];
  const expected = expectedStatus.map((s) => `the server responded with a status of ${s} `);
  page.on("console", (msg: ConsoleMessage) => {
    if (msg.type() !== "error") return;
    if (expected.some((e) => msg.text().includes(e))) return;
    errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`page: ${err.message}`));
  page.on("requestfailed", (req) => errors.push(`request: ${req.url()} ${req.failure()?.errorText}`));
  return errors;
}

/** Resolves once the WASM has hydrated the page (the body gets no marker, so wait for the module). */
async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    performance.getEntriesByType("resource").some((r) => r.name.endsWith(".wasm")),
  );
  await page.waitForLoadState("networkidle");
}

test("the login page hydrates: Show password only works once the WASM has loaded", async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in to your account" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Login" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Request an invitation" })).toBeVisible();

  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("type", "password");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Show password" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "Hide password" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Hide password" }).click();
  await expect(password).toHaveAttribute("type", "password");

  expect(errors).toEqual([]);
});

test("the login form reports a malformed email next to the field", async ({ page }) => {
  const errors = watchForErrors(page, [400]);
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("whatever-it-is");
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page.getByText("Enter an email address like name@example.com.")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a visitor is sent to Login and sees the business name from the demo settings", async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("banner")).toContainText("Brightside Heating & Plumbing");
  await expect(page.getByRole("heading", { name: "Sign in to your account" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("while the sandbox runs, the portal and the office say Test mode, also after navigating", async ({ page }) => {
  const errors = watchForErrors(page);
  const banner = page.getByRole("complementary", { name: "Test mode" });
  await page.goto("/login");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("no real money moves");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Request an invitation" }).click();
  await expect(page).toHaveURL(/\/request-invitation$/);
  await expect(banner).toBeVisible();
  await page.goto("/office/login");
  await expect(banner).toBeVisible();
  expect(errors).toEqual([]);
});

test("an unknown address shows the not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the Customer Portal" }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test("the skip link moves keyboard users straight to the content", async ({ page }) => {
  await page.goto("/login");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});
