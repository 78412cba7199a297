import { expect, test } from "@playwright/test";
import { linkFromNewEmail } from "./support/outbox";
import { signIn } from "./support/session";

// The demo's Lakeside Property Management has a primary Visa that expired last month; the
// server's reminder job emails it at start-up. Nothing here changes data.
const lakeside = { email: "maintenance@lakesidepm.example", password: "brightside-lakeside-demo" };

test("the expiry reminder's Update card link opens Edit for that card, after signing in", async ({ page }) => {
  const link = new URL(await linkFromNewEmail(lakeside.email, "/payment-methods?edit=", new Set()));
  // Signed out, the link asks for the sign-in first and then lands where it pointed.
  await signIn(page, link.pathname + link.search, lakeside.email, lakeside.password, "Login");
  await expect(page).toHaveURL(/\/payment-methods\?edit=\d+$/);
  const edit = page.getByRole("dialog", { name: "Edit Visa •••• 4242" });
  await expect(edit).toBeVisible();
  await expect(edit.getByLabel("Expiry (MM/YY)")).toBeVisible();
});
