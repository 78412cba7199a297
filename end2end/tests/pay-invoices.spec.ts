import { expect, test, type Page } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { violations } from "./support/axe";
import { seenEmails, waitForEmail } from "./support/outbox";
import { typeCard, typeCardAndAgree } from "./support/card";

// The demo's Maria Gonzalez has Visa •••• 4242 (primary) and Mastercard •••• 4444 saved, and one
// open invoice, INV-01002, for $254.50.
const maria = { email: "maria.gonzalez@example.com", password: "brightside-maria-demo" };

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(maria.email);
  await page.getByLabel("Password", { exact: true }).fill(maria.password);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page).toHaveURL(/\/$/);
}

async function openPayPage(page: Page) {
  await page.goto("/");
  await page.getByRole("region", { name: "Open invoices" }).getByRole("link", { name: "Pay INV-01002" }).click();
  await expect(page.getByRole("heading", { name: "Pay invoice INV-01002" })).toBeVisible();
  await page.waitForLoadState("networkidle");
}

test("a customer pays an invoice in part and in full with the primary card; a declining card changes nothing", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("region", { name: "Balance due" })).toContainText("$254.50");

  // The primary card is preselected; a partial payment of $1.00, with the keyboard alone (as
  // keyboard.spec.ts does the card flows): Enter on the link, typing the amount, Enter on Pay.
  await page.goto("/");
  await page.getByRole("region", { name: "Open invoices" }).getByRole("link", { name: "Pay INV-01002" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Pay invoice INV-01002" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.getByLabel(/Visa •••• 4242 \(primary\)/)).toBeChecked();
  await expect(page.getByLabel("Amount")).toHaveValue("254.50");
  await page.getByLabel("Amount").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("1.00");
  await expect(page.getByText("Pay $1.00 with Visa •••• 4242")).toBeVisible();
  let seen = seenEmails();
  await page.getByRole("button", { name: "Pay", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("$1.00");
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("Visa •••• 4242");
  await waitForEmail(maria.email, ["Receipt for your payment", "INV-01002"], seen);
  // The receipt page passes axe-core (WCAG 2.1 AA) like every other page (a11y.spec.ts).
  expect(await violations(page, new URL(page.url()).pathname)).toEqual([]);
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Balance due" })).toContainText("$253.50");

  // $2.00 with a new card that is not kept.
  await openPayPage(page);
  await page.getByLabel("Amount").fill("2.00");
  await expect(page.getByRole("button", { name: "Use a new card" })).toBeEnabled();
  await page.getByRole("button", { name: "Use a new card" }).click();
  const newCard = page.getByRole("dialog", { name: "Add New Card" });
  await typeCard(newCard, { number: "6011111111111117", zip: "62704" });
  await expect(newCard.getByLabel("Save this card for future payments")).not.toBeChecked();
  await newCard.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("Discover •••• 1117");
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Balance due" })).toContainText("$251.50");

  // A card that attaches but declines every charge: the plain message, the balance unchanged.
  await page.goto("/payment-methods");
  await expect(page.getByRole("button", { name: "Add Payment Method" })).toBeEnabled();
  await page.getByRole("button", { name: "Add Payment Method" }).click();
  const dialog = page.getByRole("dialog", { name: "Add New Card" });
  await typeCardAndAgree(dialog, { number: "4000000000000341", zip: "62704" });
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog).toBeHidden();
  await openPayPage(page);
  await page.getByLabel(/Visa •••• 0341/).check();
  await expect(page.getByText("Pay $251.50 with Visa •••• 0341")).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText("Your card was declined.")).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: "$251.50" })).toBeVisible();

  // A card whose bank asks the cardholder to confirm each payment (3-D Secure): the processor's
  // bank page opens over the pay page; "Complete" pays, "Fail" declines with the bank's reason.
  await page.goto("/payment-methods");
  await expect(page.getByRole("button", { name: "Add Payment Method" })).toBeEnabled();
  await page.getByRole("button", { name: "Add Payment Method" }).click();
  await typeCardAndAgree(dialog, { number: "4000002500003155", zip: "62704" });
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog).toBeHidden();
  for (const [answer, outcome] of [
    ["Complete", "paid"],
    ["Fail", "declined"],
  ]) {
    await openPayPage(page);
    await page.getByLabel(/Visa •••• 3155/).check();
    await page.getByLabel("Amount").fill("1.00");
    await page.getByRole("button", { name: "Pay", exact: true }).click();
    const bank = page.getByRole("dialog", { name: "Confirm this payment with your bank" });
    await expect(bank).toBeVisible();
    await bank.frameLocator('iframe[title="Your bank\'s payment check"]').getByRole("button", { name: answer }).click();
    await expect(bank).toBeHidden();
    if (outcome === "paid") {
      await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
      await expect(page.getByRole("region", { name: "Receipt" })).toContainText("Visa •••• 3155");
    } else {
      await expect(page.getByRole("alert").filter({ hasText: "Your bank couldn't confirm this payment with you." })).toBeVisible();
      await expect(page.getByRole("definition").filter({ hasText: "$250.50" })).toBeVisible();
    }
  }

  // The whole balance with the primary card.
  await openPayPage(page);
  await expect(page.getByLabel(/Visa •••• 4242 \(primary\)/)).toBeChecked();
  seen = seenEmails();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("$250.50");
  await waitForEmail(maria.email, ["Receipt for your payment", "$250.50"], seen);
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Balance due" })).toContainText("$0.00");
  await expect(page.getByRole("region", { name: "Paid invoices" })).toContainText("INV-01002");
  await expect(page.getByRole("region", { name: "Open invoices" })).toContainText("Nothing to pay");

  // The invoice page lists the charges and every online payment with its card and outcome.
  await page.getByRole("region", { name: "Paid invoices" }).getByRole("link", { name: "INV-01002" }).click();
  await expect(page.getByRole("heading", { name: "Invoice INV-01002" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Charges" })).toContainText("Anode rod");
  const payments = page.getByRole("region", { name: "Payments" });
  await expect(payments.getByRole("row").filter({ hasText: "$1.00" }).filter({ hasText: "Visa •••• 4242" })).toContainText("Paid");
  await expect(payments.getByRole("row").filter({ hasText: "Visa •••• 3155" }).filter({ hasText: "Declined" })).toHaveCount(1);
  await expect(payments.getByRole("row").filter({ hasText: "Visa •••• 0341" })).toContainText("Declined");

  // Tidy up the cards added here (the saved-cards tests expect Maria's two cards).
  await page.goto("/payment-methods");
  for (const added of ["Visa •••• 0341", "Visa •••• 3155"]) {
    const row = page.getByRole("list", { name: "Saved cards" }).getByRole("listitem").filter({ hasText: added });
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog", { name: `Delete ${added}?` }).getByRole("button", { name: "Delete" }).click();
    await expect(row).toHaveCount(0);
  }

  // The office: the invoice is paid, and View History says the card was used.
  await page.goto("/office/login");
  await page.getByLabel("Email").fill(officeAdmin);
  await page.getByLabel("Password").fill(officePassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Search by name, email or phone").fill("maria.gonzalez");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Maria Gonzalez" }).click();
  await expect(
    page.getByRole("region", { name: "Invoices" }).getByRole("row").filter({ hasText: "INV-01002" }),
  ).toContainText("Paid");
  const online = page.getByRole("region", { name: "Online payments" });
  await expect(online.getByRole("row").filter({ hasText: "$250.50" }).filter({ hasText: "Visa •••• 4242" }).first()).toContainText("Paid");
  await expect(online.getByRole("row").filter({ hasText: "Visa •••• 3155" }).filter({ hasText: "Paid" })).toHaveCount(1);
  await expect(online.getByRole("row").filter({ hasText: "Visa •••• 3155" }).filter({ hasText: "Declined" })).toHaveCount(1);
  await expect(online.getByRole("row").filter({ hasText: "Visa •••• 0341" })).toContainText("Declined");
  await page.getByRole("region", { name: "Payment Methods" }).getByRole("link", { name: "View History" }).click();
  await expect(page.getByRole("list").filter({ hasText: "Used for payment" })).toContainText(
    "Used for payment · Visa •••• 4242 · by Customer",
  );
});
