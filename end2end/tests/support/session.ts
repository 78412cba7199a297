import type { Page } from "@playwright/test";

/** The demo customer with two saved cards and open invoices. */
export const maria = { email: "maria.gonzalez@example.com", password: "brightside-maria-demo" };

/** Signs in on `path` (the portal's or the office's sign-in page) and waits to leave it. */
export async function signIn(page: Page, path: string, email: string, password: string, button: string) {
  await page.goto(path);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: button }).click();
  await page.waitForURL((url) => !url.pathname.endsWith("login"));
}
