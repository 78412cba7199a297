import { expect, test, type Page } from "@playwright/test";
import { officeAccountant, officeAdmin, officePassword } from "../playwright.config";

async function signIn(page: Page, email: string) {
  await page.goto("/office/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(officePassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/office\/customers$/);
}

test("an admin turns payments on, books a customer, bills them and finds the record", async ({ page }) => {
  await signIn(page, officeAdmin);
  const office = page.getByRole("navigation", { name: "Office" });
  await expect(office).toContainText("Erin Admin");

  // Settings › Invoicing › Online Payments: switch both off, then on again.
  await office.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Online Payments" })).toBeVisible();
  const online = page.getByRole("switch", { name: "Enable online payments" });
  const beta = page.getByRole("switch", { name: "Saved payments in Customer Portal (beta)" });
  await online.uncheck();
  await beta.uncheck();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  const history = page.getByRole("region", { name: "Change history" });
  const change = (setting: string, change: string) =>
    history.getByRole("row").filter({ hasText: setting }).filter({ hasText: change }).filter({ hasText: "Erin Admin" });
  await expect(change("Enable online payments", "true → false")).toHaveCount(1);
  await online.check();
  await beta.check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(change("Enable online payments", "false → true")).toHaveCount(1);
  await expect(change("Saved payments in Customer Portal (beta)", "false → true")).toHaveCount(1);
  await page.reload();
  await expect(online).toBeChecked();
  await expect(beta).toBeChecked();

  // Call Booking.
  // Base 36 keeps the address unique without a 13-digit run the PCI scan would have to judge.
  const email = `dana.whitfield.${Date.now().toString(36)}@example.com`;
  await office.getByRole("link", { name: "Call Booking" }).click();
  await page.getByLabel("Name").fill("Dana Whitfield");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Phone").fill("(555) 404-1212");
  await page.getByLabel("Service address").fill("77 Harbor Road, Springfield, IL 62704");
  await page.getByLabel("Commercial").check();
  await page.getByRole("button", { name: "Create customer" }).click();
  await page.getByRole("link", { name: "Open the customer record" }).click();
  await expect(page.getByRole("heading", { name: "Dana Whitfield" })).toBeVisible();

  // A job, then an invoice for it.
  await page.getByText("Add a job").click();
  await page.getByLabel("Date", { exact: true }).fill("2026-11-20");
  await page.getByLabel("Work to do or done").fill("Water heater flush");
  await page.getByLabel("Technician").fill("Priya Shah");
  await page.getByLabel("Status").selectOption("completed");
  await page.getByRole("button", { name: "Add job" }).click();
  const jobs = page.getByRole("region", { name: "Jobs" });
  await expect(jobs.getByRole("row").filter({ hasText: "Water heater flush" })).toBeVisible();

  await page.getByText("Create an invoice").click();
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Due date").fill(due);
  await page.getByLabel("For job (optional)").selectOption({ label: "2026-11-20 · Water heater flush" });
  const line = page.getByRole("group", { name: "Line 1" });
  await line.getByLabel("Description").fill("Water heater flush");
  await line.getByLabel("Quantity").fill("1");
  await line.getByLabel("Unit price ($)").fill("189.00");
  await page.getByRole("button", { name: "Create invoice" }).click();
  const invoices = page.getByRole("region", { name: "Invoices" });
  await expect(invoices.getByRole("row").filter({ hasText: "$189.00" }).filter({ hasText: "Open" })).toBeVisible();

  // Find them again by part of their email.
  await office.getByRole("link", { name: "Customers" }).click();
  await page.getByLabel("Search by name, email or phone").fill(email.slice(0, 18));
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Dana Whitfield" }).click();
  await expect(page.getByRole("heading", { name: "Dana Whitfield" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Jobs" })).toContainText("Water heater flush");
  await expect(page.getByRole("region", { name: "Contact" })).toContainText("$189.00");
  const methods = page.getByRole("region", { name: "Payment Methods" });
  await expect(methods).toContainText("No saved payment methods");
  await methods.getByRole("link", { name: "View History" }).click();
  await expect(page.getByRole("heading", { name: "Payment method history" })).toBeVisible();
  await expect(page.getByText("No payment method changes yet.")).toBeVisible();
});

test("an accountant has no Settings and is told so on a direct visit", async ({ page }) => {
  await signIn(page, officeAccountant);
  const office = page.getByRole("navigation", { name: "Office" });
  await expect(office.getByRole("link", { name: "Customers" })).toBeVisible();
  await expect(office.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await page.goto("/office/settings/online-payments");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.getByRole("switch")).toHaveCount(0);
});

test("a visitor to an office page is sent to the office sign-in", async ({ page }) => {
  await page.goto("/office/customers");
  await expect(page).toHaveURL(/\/office\/login\?next=\/office\/customers$/);
});
