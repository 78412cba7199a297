import { expect, test } from "@playwright/test";
import { linkFromNewEmail, seenEmails } from "./support/outbox";

// James O'Connor is a demo customer the office booked, without a portal account yet.
// The flow runs once (the phone project ignores this file): it creates the account it then uses.
const email = "james.oconnor@example.com";
const firstPassword = "copper kettle morning";
const newPassword = "lantern porch evening";

test.describe.configure({ mode: "serial" });

test("a booked customer requests an invitation, sets a password and lands on the dashboard", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Request an invitation" }).click();
  await expect(page).toHaveURL(/\/request-invitation$/);
  const seen = seenEmails();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const link = await linkFromNewEmail(email, "/verify?token=", seen);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Set your password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill(firstPassword);
  await page.getByLabel("Confirm new password").fill(firstPassword);
  await page.getByRole("button", { name: "Set password and sign in" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Welcome, James O'Connor" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("James O'Connor");

  // The same link a second time only offers a new invitation.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link is no longer valid" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Request a new invitation" })).toBeVisible();
});

test("the customer signs out and signs in again with Login", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(firstPassword);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, James O'Connor" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1$/);
  await expect(page.getByText("You have signed out.")).toBeVisible();

  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=\/account$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(firstPassword);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
});

test("forgot password sends a reset link; the new password works and the old one does not", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  // Hydrated first: a post before it works too, but as a plain form post (see no-js-refusals).
  await page.waitForLoadState("networkidle");
  const seen = seenEmails();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const link = await linkFromNewEmail(email, "/reset-password?token=", seen);
  await page.goto(link);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByText("Your password has been changed.")).toBeVisible();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(firstPassword);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill(newPassword);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, James O'Connor" })).toBeVisible();
});
