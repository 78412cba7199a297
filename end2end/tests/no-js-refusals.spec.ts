import { expect, test, type Page } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { linkFromNewEmail, seenEmails } from "./support/outbox";
import { maria } from "./support/session";

// Without JavaScript every form is a plain post; a refused one comes back to its page with the
// message next to its field and what was typed still there (never a password). Nothing here
// changes data the other tests rely on.
test.use({ javaScriptEnabled: false });

async function submit(page: Page, button: string) {
  await page.getByRole("button", { name: button }).click();
  await page.waitForLoadState("load");
}

/** Signs in to the portal with a plain form post. */
async function portalSignIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await submit(page, "Login");
}

/** Signs in to the office with a plain form post. */
async function officeSignIn(page: Page) {
  await page.goto("/office/login");
  await page.getByLabel("Email").fill(officeAdmin);
  await page.getByLabel("Password").fill(officePassword);
  await submit(page, "Sign in");
}

test("a refused sign-in shows its message and keeps the email, not the password", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(maria.email);
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await submit(page, "Login");
  // The refusal travels in a signed one-time cookie, never in the address.
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect." })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(maria.email);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
});

test("a refused invitation request shows the email's problem next to it, with what was typed", async ({ page }) => {
  await page.goto("/request-invitation");
  await page.getByLabel("Email").fill("maria at example");
  await submit(page, "Send invitation");
  await expect(page.getByLabel("Email")).toHaveValue("maria at example");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#invite-email-error")).not.toBeEmpty();
});

test("a refused new password on the reset page stays on that page, link and all", async ({ page }) => {
  const seen = seenEmails();
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(maria.email);
  await submit(page, "Send reset link");
  // What the page says after the post, as with JavaScript.
  await expect(page.getByRole("status").filter({ hasText: "Check your email" })).toBeVisible();
  const link = new URL(await linkFromNewEmail(maria.email, "/reset-password?token=", seen));
  await page.goto(link.pathname + link.search);
  await page.getByLabel("New password", { exact: true }).fill("a long enough password");
  await page.getByLabel("Confirm new password").fill("a different password");
  await submit(page, "Change password");
  await expect(page).toHaveURL(new RegExp(`/reset-password\\?token=${link.searchParams.get("token")}$`));
  await expect(page.locator("#confirm-password-error")).not.toBeEmpty();
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");
});

test("a refused card edit comes back with its dialog open, the message and what was typed", async ({ page }) => {
  await portalSignIn(page, maria);
  await page.goto("/payment-methods");
  // Edit opens without JavaScript (an invoker command); an impossible month changes nothing.
  const card = page.getByRole("list", { name: "Saved cards" }).getByRole("listitem").first();
  const label = (await card.locator(".pm__number").textContent()) ?? "";
  await card.getByRole("button", { name: "Edit" }).click();
  let edit = page.getByRole("dialog", { name: `Edit ${label}` });
  await expect(edit).toBeVisible();
  await edit.getByLabel("Expiry (MM/YY)").fill("13/30");
  await edit.getByLabel("Nickname (optional)").fill("Van card");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await page.waitForLoadState("load");
  edit = page.getByRole("dialog", { name: `Edit ${label}` });
  await expect(edit).toBeVisible();
  await expect(edit.getByLabel("Expiry (MM/YY)")).toHaveValue("13/30");
  await expect(edit.getByLabel("Expiry (MM/YY)")).toHaveAttribute("aria-invalid", "true");
  await expect(edit.getByLabel("Nickname (optional)")).toHaveValue("Van card");
  await expect(edit.locator('[id$="-expiry-error"]')).not.toBeEmpty();
  await edit.getByRole("button", { name: "Cancel" }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole("list", { name: "Saved cards" })).not.toContainText("Van card");
});

// Lakeside's invoice stays open through the whole suite (Maria's are paid by pay-invoices).
const lakeside = { email: "maintenance@lakesidepm.example", password: "brightside-lakeside-demo" };

test("a refused payment keeps the amount typed and says why", async ({ page }) => {
  await portalSignIn(page, lakeside);
  const pay = await page.getByRole("region", { name: "Open invoices" }).getByRole("link", { name: /^Pay INV-/ }).first().getAttribute("href");
  await page.goto(pay ?? "/");
  await page.getByLabel("Amount").fill("99999.00");
  await submit(page, "Pay");
  await expect(page.getByLabel("Amount")).toHaveValue("99999.00");
  await expect(page.getByText(/The amount can't be more than the balance of \$/)).toBeVisible();
});

test("a refused Call Booking keeps the name and marks the email", async ({ page }) => {
  await officeSignIn(page);
  await page.goto("/office/call-booking");
  await page.getByLabel("Name").fill("Dana Whitfield");
  await page.getByLabel("Email").fill("dana at example");
  await submit(page, "Create customer");
  await expect(page.getByLabel("Name")).toHaveValue("Dana Whitfield");
  await expect(page.getByLabel("Email")).toHaveValue("dana at example");
  await expect(page.locator("#customer-email-error")).not.toBeEmpty();
});

test("a refused password change says why and keeps no password", async ({ page }) => {
  await portalSignIn(page, maria);
  await page.goto("/account");
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password", { exact: true }).fill("a long enough password");
  await page.getByLabel("Confirm new password").fill("a long enough password");
  await submit(page, "Change password");
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator("#current-password-error")).not.toBeEmpty();
  await expect(page.getByLabel("Current password")).toHaveValue("");
});

test("refused office forms keep what was typed: a staff member, a job on the customer record", async ({ page }) => {
  await officeSignIn(page);
  await page.goto("/office/staff");
  await page.getByLabel("Name").fill("Sam Rivera");
  await page.getByLabel("Email").fill("sam at office");
  await page.getByLabel("Temporary password").fill("a temporary password");
  await submit(page, "Add staff member");
  await expect(page.getByLabel("Name")).toHaveValue("Sam Rivera");
  await expect(page.locator("#staff-email-error")).not.toBeEmpty();
  await expect(page.getByLabel("Temporary password")).toHaveValue("");

  const record = await page.goto("/office/customers").then(() => page.locator('a[href^="/office/customers/"]').first().getAttribute("href"));
  await page.goto(record ?? "/office/customers/1");
  // Opened from the keyboard (a <details>, so it needs no JavaScript).
  await page.getByText("Add a job").focus();
  await page.keyboard.press("Enter");
  // A date but no work described: refused for the missing summary.
  await page.locator("#job-date").fill("2026-12-07");
  await page.getByLabel("Technician").fill("Jordan Lee");
  await submit(page, "Add job");
  await expect(page.getByLabel("Technician")).toHaveValue("Jordan Lee");
  await expect(page.locator("#job-date")).toHaveValue("2026-12-07");
  await expect(page.locator("#job-summary-error")).not.toBeEmpty();
});


test("refused office forms keep what was typed: an invoice, a customer's details, the settings, the card terms", async ({ page }) => {
  await officeSignIn(page);
  const record = await page.goto("/office/customers").then(() => page.locator('a[href^="/office/customers/"]').first().getAttribute("href"));
  await page.goto(record ?? "/office/customers/1");
  // An invoice with a line but no due date: refused, the form open again with the line.
  await page.getByText("Create an invoice").focus();
  await page.keyboard.press("Enter");
  await page.locator("#invoice-description_1").fill("Filter change");
  await page.locator("#invoice-quantity_1").fill("2");
  await page.locator("#invoice-price_1").fill("12.50");
  await submit(page, "Create invoice");
  await expect(page.locator("#invoice-due-error")).not.toBeEmpty();
  await expect(page.locator("#invoice-description_1")).toHaveValue("Filter change");
  await expect(page.locator("#invoice-quantity_1")).toHaveValue("2");
  await expect(page.locator("#invoice-price_1")).toHaveValue("12.50");

  // The customer's details with an email that is not one.
  await page.goto(`${record}/edit`);
  const name = await page.getByLabel("Name").inputValue();
  await page.getByLabel("Email").fill("not an email");
  await page.getByLabel("Commercial").check();
  await submit(page, "Save changes");
  await expect(page.locator("#customer-email-error")).not.toBeEmpty();
  await expect(page.getByLabel("Email")).toHaveValue("not an email");
  await expect(page.getByLabel("Name")).toHaveValue(name);
  await expect(page.getByLabel("Commercial")).toBeChecked();

  // A reply-to address that is not one, with a switch turned off: refused, nothing saved, the
  // form as it was sent.
  await page.goto("/office/settings/online-payments");
  await page.getByRole("switch", { name: "Saved payments in Customer Portal (beta)" }).uncheck();
  await page.getByLabel("Reply-to email").fill("office at brightside");
  await submit(page, "Save settings");
  await expect(page.locator("#reply-to-error")).not.toBeEmpty();
  await expect(page.getByLabel("Reply-to email")).toHaveValue("office at brightside");
  await expect(page.getByRole("switch", { name: "Saved payments in Customer Portal (beta)" })).not.toBeChecked();
  await expect(page.getByRole("switch", { name: "Enable online payments" })).toBeChecked();
  await page.goto("/office/settings/online-payments");
  await expect(page.getByRole("switch", { name: "Saved payments in Customer Portal (beta)" })).toBeChecked();

  // Terms too short to tell a customer anything.
  await page.goto("/office/settings/online-payments");
  await page.locator("#card-terms-text").fill("Too short.");
  await submit(page, "Save terms");
  await expect(page.locator("#card-terms-error")).not.toBeEmpty();
  await expect(page.locator("#card-terms-text")).toHaveValue("Too short.");
});

test("an office form that worked says so without JavaScript, once", async ({ page }) => {
  await officeSignIn(page);
  await page.goto("/office/settings/online-payments");
  await submit(page, "Test connection");
  const answer = page.getByRole("status").filter({ hasText: "answered: the connection works." });
  await expect(answer).toBeVisible();
  await page.reload();
  await expect(answer).toHaveCount(0);
});
