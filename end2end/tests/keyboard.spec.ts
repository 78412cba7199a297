import { expect, test, type Page } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { cardFields, consentBox } from "./support/card";
import { maria, signIn } from "./support/session";

// The card flows with the keyboard alone: controls are reached by focus (as Tab does) and
// worked with Enter, Space and Escape; dialogs take focus and give it back to their opener.
// Maria's cards end as they began (other tests change them, so the primary is read first).

function row(page: Page, label: string) {
  return page.getByRole("list", { name: "Saved cards" }).getByRole("listitem").filter({ hasText: label });
}

/** Focuses a card field in the processor's frame and types into it. */
async function typeInto(page: Page, label: string, text: string) {
  await cardFields(page.getByRole("dialog", { name: "Add New Card" })).getByLabel(label).focus();
  await page.keyboard.type(text);
}

test("keyboard only: add a card as primary, switch back, and delete it after its confirmation", async ({ page }) => {
  await signIn(page, "/login", maria.email, maria.password, "Login");
  await page.goto("/payment-methods");
  const add = page.getByRole("button", { name: "Add Payment Method" });
  await expect(add).toBeEnabled();
  const primaryText = await page
    .getByRole("list", { name: "Saved cards" })
    .getByRole("listitem")
    .filter({ has: page.getByText("Primary", { exact: true }) })
    .textContent();
  const primary = primaryText?.match(/(Visa|Mastercard|American Express|Discover|Diners Club) •••• \d{4}/)?.[0];
  expect(primary, `the primary card's name in: ${primaryText}`).toBeTruthy();
  const before = primary as string;

  // Enter opens the dialog with focus inside it; Escape closes it and focus returns to the opener.
  await add.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Add New Card" });
  await expect(dialog).toBeVisible();
  // Focus is inside it: in the processor's card fields once their frame is ready.
  await expect(cardFields(dialog).getByLabel("Name on card")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(add).toBeFocused();

  // Space opens it again; every field is typed, the box ticked with Space, the form sent with Enter.
  await page.keyboard.press(" ");
  await expect(dialog).toBeVisible();
  await typeInto(page, "Name on card", "Maria Gonzalez");
  await typeInto(page, "Card number", "6011111111111117");
  await typeInto(page, "Expiry (MM/YY)", "0930");
  await typeInto(page, "Security code (CVC)", "123");
  await typeInto(page, "Billing ZIP code", "94107");
  await consentBox(dialog).focus();
  await page.keyboard.press(" ");
  await expect(consentBox(dialog)).toBeChecked();
  await dialog.getByLabel("Make this my primary card").focus();
  await page.keyboard.press(" ");
  await expect(dialog.getByLabel("Make this my primary card")).toBeChecked();
  await dialog.getByRole("button", { name: "Add Card" }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Discover •••• 1117 was added" })).toBeVisible();
  await expect(row(page, "Discover •••• 1117").getByText("Primary", { exact: true })).toBeVisible();

  // Set as Primary with Enter, on the card that was primary before.
  await row(page, before).getByRole("button", { name: "Set as Primary" }).focus();
  await page.keyboard.press("Enter");
  await expect(row(page, before).getByText("Primary", { exact: true })).toBeVisible();
  await expect(row(page, "Discover •••• 1117").getByText("Primary", { exact: true })).toHaveCount(0);

  // Delete asks first; Escape keeps the card and gives focus back to Delete.
  const del = row(page, "Discover •••• 1117").getByRole("button", { name: "Delete" });
  await del.focus();
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: "Delete Discover •••• 1117?" });
  await expect(confirm).toBeVisible();
  await expect(confirm.locator(":focus")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(del).toBeFocused();
  await expect(row(page, "Discover •••• 1117")).toHaveCount(1);

  // Then Enter on Delete and Enter on the confirmation's Delete removes it.
  await page.keyboard.press("Enter");
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete" }).focus();
  await page.keyboard.press("Enter");
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("status")).toContainText("Discover •••• 1117 was deleted.");
  await expect(row(page, "Discover •••• 1117")).toHaveCount(0);
  await expect(row(page, before).getByText("Primary", { exact: true })).toBeVisible();
});

test("keyboard only: pay an invoice with the primary card", async ({ page, browser }) => {
  // The office bills Maria $5.00 (in its own browser), which she then pays in full: her balance
  // ends where it began.
  const office = await browser.newPage();
  await signIn(office, "/office/login", officeAdmin, officePassword, "Sign in");
  await office.getByLabel("Search by name, email or phone").fill("Maria Gonzalez");
  await office.getByRole("button", { name: "Search" }).click();
  await office.getByRole("link", { name: "Maria Gonzalez" }).click();
  await office.getByText("Create an invoice").click();
  await office.getByLabel("Due date").fill(new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
  const line = office.getByRole("group", { name: "Line 1" });
  await line.getByLabel("Description").fill("Thermostat check");
  await line.getByLabel("Quantity").fill("1");
  await line.getByLabel("Unit price ($)").fill("5.00");
  await office.getByRole("button", { name: "Create invoice" }).click();
  const billed = office.getByRole("region", { name: "Invoices" }).getByRole("row").filter({ hasText: "$5.00" }).filter({ hasText: "Open" });
  await expect(billed).toHaveCount(1);
  const number = (await billed.textContent())?.match(/INV-\d{5}/)?.[0];
  expect(number, "the new invoice's number").toBeTruthy();
  await office.close();

  // Enter on the invoice's Pay link, the primary card already chosen, Enter on Pay.
  await signIn(page, "/login", maria.email, maria.password, "Login");
  await page.getByRole("region", { name: "Open invoices" }).getByRole("link", { name: `Pay ${number}` }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: `Pay invoice ${number}` })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.getByLabel(/\(primary\)/)).toBeChecked();
  await expect(page.getByLabel("Amount")).toHaveValue("5.00");
  await page.getByRole("button", { name: "Pay", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("$5.00");
});
