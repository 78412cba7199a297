import { expect, test, type Locator, type Page } from "@playwright/test";
import { officeAdmin, officePassword } from "../playwright.config";
import { cardFields, consentBox, typeCard } from "./support/card";

// The demo's second portal customer starts with no saved cards; Maria Gonzalez has two.
const linh = { email: "linh.tran@example.com", password: "brightside-linh-demo" };
const maria = { email: "maria.gonzalez@example.com", password: "brightside-maria-demo" };

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Login" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Resolves once the WASM has loaded ("Add Payment Method" is enabled only after hydration). */
async function openCards(page: Page) {
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Saved Payment Methods" }).click();
  await expect(page.getByRole("heading", { name: "Saved Payment Methods", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add Payment Method" })).toBeEnabled();
}

type Card = { number: string; expiry?: string; cvc?: string; primary?: boolean };

async function fillCard(page: Page, card: Card) {
  await page.getByRole("button", { name: "Add Payment Method" }).click();
  const dialog = page.getByRole("dialog", { name: "Add New Card" });
  await expect(dialog).toBeVisible();
  await typeCard(dialog, { name: "Linh Tran", ...card });
  await consentBox(dialog).check();
  if (card.primary) await dialog.getByLabel("Make this my primary card").check();
  return dialog;
}

/** The "Primary" badge of a card row (the row also holds a "Set as Primary" button). */
function primaryBadge(row: Locator) {
  return row.getByText("Primary", { exact: true });
}

function row(page: Page, label: string) {
  return page.getByRole("list", { name: "Saved cards" }).getByRole("listitem").filter({ hasText: label });
}

test("a customer adds, switches and deletes cards, and the office sees every step", async ({ page }) => {
  const tokenRequests: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/gateway/v1/setup_intents/")) tokenRequests.push(r.postData() ?? "");
  });
  await signIn(page, linh);
  await openCards(page);
  await expect(page.getByText("No saved cards yet")).toBeVisible();

  // The first card is primary even without the box ticked; the number is grouped as typed, in
  // the processor's frame (the page itself has no card field).
  let dialog = await fillCard(page, { number: "4242424242424242" });
  await expect(cardFields(dialog).getByLabel("Card number")).toHaveValue("4242 4242 4242 4242");
  await expect(cardFields(dialog).getByRole("img", { name: "Visa" })).toBeVisible();
  await expect(dialog.locator("input:not([type=checkbox])")).toHaveCount(1);
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Visa •••• 4242 was added" })).toBeVisible();
  await expect(primaryBadge(row(page, "Visa •••• 4242"))).toBeVisible();

  // A second card with "Make this my primary card" takes over.
  dialog = await fillCard(page, { number: "5555555555554444", primary: true });
  await expect(cardFields(dialog).getByRole("img", { name: "Mastercard" })).toBeVisible();
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog).toBeHidden();
  await expect(primaryBadge(row(page, "Mastercard •••• 4444"))).toBeVisible();
  await expect(primaryBadge(row(page, "Visa •••• 4242"))).toHaveCount(0);

  // Set as Primary on the Visa.
  await row(page, "Visa •••• 4242").getByRole("button", { name: "Set as Primary" }).click();
  await expect(primaryBadge(row(page, "Visa •••• 4242"))).toBeVisible();
  await expect(primaryBadge(row(page, "Mastercard •••• 4444"))).toHaveCount(0);

  // Delete the Visa (after a confirmation naming it): the Mastercard becomes primary, and we're told.
  await row(page, "Visa •••• 4242").getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Visa •••• 4242?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("status")).toContainText(
    "Visa •••• 4242 was deleted. Mastercard •••• 4444 is now the primary card.",
  );
  await expect(row(page, "Visa •••• 4242")).toHaveCount(0);
  await expect(primaryBadge(row(page, "Mastercard •••• 4444"))).toBeVisible();

  // The same card again, then the sandbox's refusals, each with its own message.
  dialog = await fillCard(page, { number: "5555555555554444", expiry: "11/31" });
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog.getByText("This card is already saved.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  dialog = await fillCard(page, { number: "4000000000000069" });
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog.getByText("This card has expired. Please use a different card.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  dialog = await fillCard(page, { number: "4000000000000127" });
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(dialog.getByText("The security code is incorrect.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // A typo is caught in the processor's frame: no request leaves for its setup endpoint.
  const before = tokenRequests.length;
  dialog = await fillCard(page, { number: "4242424242424241" });
  const fields = cardFields(dialog);
  await fields.getByLabel("Expiry (MM/YY)").focus();
  await expect(fields.getByText("This card number isn't valid. Check it for typos.")).toBeVisible();
  await dialog.getByRole("button", { name: "Add Card" }).click();
  await expect(fields.getByLabel("Card number")).toBeFocused();
  expect(tokenRequests.length).toBe(before);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Keyboard only: open, fill, submit; then open again and Escape closes and returns focus.
  const add = page.getByRole("button", { name: "Add Payment Method" });
  await add.focus();
  await page.keyboard.press("Enter");
  dialog = page.getByRole("dialog", { name: "Add New Card" });
  // Focus moves into the card fields once the processor's frame is ready.
  await expect(cardFields(dialog).getByLabel("Name on card")).toBeFocused();
  await page.keyboard.type("Linh Tran");
  await page.keyboard.press("Tab");
  await page.keyboard.type("378282246310005");
  await page.keyboard.press("Tab");
  await page.keyboard.type("1230");
  await page.keyboard.press("Tab");
  await page.keyboard.type("1234");
  await page.keyboard.press("Tab");
  await page.keyboard.type("94107");
  // Enter sends the form; the terms were not agreed to, so focus goes to their box.
  await page.keyboard.press("Enter");
  await expect(dialog.getByText("Tick the box to agree to the card-on-file terms.")).toBeVisible();
  await expect(consentBox(dialog)).toBeFocused();
  await page.keyboard.press(" ");
  await dialog.getByRole("button", { name: "Add Card" }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(row(page, "American Express •••• 0005")).toBeVisible();
  await add.focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(add).toBeFocused();

  // Edit in place: a new expiry for the Mastercard.
  await row(page, "Mastercard •••• 4444").getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Mastercard •••• 4444" });
  await edit.getByLabel("Expiry (MM/YY)").fill("10/32");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toBeHidden();
  await expect(row(page, "Mastercard •••• 4444")).toContainText("Expires 10/32");
  await expect(page.getByRole("status")).toContainText("Mastercard •••• 4444 was updated.");

  // The customer's own history.
  await page.getByText("History", { exact: true }).click();
  await expect(page.locator("details.history")).toContainText("Deleted · Visa •••• 4242 · by Customer");

  // The office: the record lists the cards, View History every step with its actor.
  await page.goto("/office/login");
  await page.getByLabel("Email").fill(officeAdmin);
  await page.getByLabel("Password").fill(officePassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Search by name, email or phone").fill("linh.tran");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Linh Tran" }).click();
  const methods = page.getByRole("region", { name: "Payment Methods" });
  await expect(methods).toContainText("Mastercard •••• 4444");
  await expect(methods).toContainText("American Express •••• 0005");
  await expect(primaryBadge(methods.getByRole("listitem").filter({ hasText: "Mastercard •••• 4444" }))).toBeVisible();

  // The office adds a card through the same dialog; it is recorded with the staff member's name.
  const officeDialog = await fillCard(page, { number: "6011111111111117" });
  await officeDialog.getByRole("button", { name: "Add Card" }).click();
  await expect(officeDialog).toBeHidden();
  await expect(methods).toContainText("Discover •••• 1117");
  await methods.getByRole("link", { name: "View History" }).click();
  const timeline = page.getByRole("list").filter({ hasText: "Added · Visa •••• 4242" });
  for (const step of [
    "Added · Visa •••• 4242 · by Customer",
    "Added · Mastercard •••• 4444 · by Customer",
    "Set as primary · Mastercard •••• 4444 · by Customer",
    "Set as primary · Visa •••• 4242 · by Customer",
    "Deleted · Visa •••• 4242 · by Customer",
    "Added · American Express •••• 0005 · by Customer",
    "Updated · Mastercard •••• 4444 · by Customer",
    "Added · Discover •••• 1117 · by Erin Admin · With the customer's spoken consent",
  ]) {
    await expect(timeline).toContainText(step);
  }
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("Set as Primary and Delete work as plain form posts and say what they did; a stale Delete is refused", async ({ page }) => {
    await signIn(page, maria);
    await page.goto("/payment-methods");
    await expect(primaryBadge(row(page, "Visa •••• 4242"))).toBeVisible();

    await row(page, "Mastercard •••• 4444").getByRole("button", { name: "Set as Primary" }).click();
    await expect(page).toHaveURL(/\/payment-methods\??$/);
    await expect(page.getByRole("status").filter({ hasText: "Mastercard •••• 4444 is now the primary card." })).toBeVisible();
    await expect(primaryBadge(row(page, "Mastercard •••• 4444"))).toBeVisible();
    await expect(primaryBadge(row(page, "Visa •••• 4242"))).toHaveCount(0);

    // The same page in a second tab, still listing the card the first tab deletes.
    const stale = await page.context().newPage();
    await stale.goto("/payment-methods");

    await row(page, "Visa •••• 4242").getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete Visa •••• 4242?" });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(page).toHaveURL(/\/payment-methods\??$/);
    await expect(row(page, "Visa •••• 4242")).toHaveCount(0);
    await expect(page.getByRole("status").filter({ hasText: "Visa •••• 4242 was deleted." })).toBeVisible();
    await expect(primaryBadge(row(page, "Mastercard •••• 4444"))).toBeVisible();
    // The message is said once: loading the page again shows the list only.
    await page.reload();
    await expect(page.getByText("Visa •••• 4242 was deleted.")).toHaveCount(0);

    // Deleting it again from the stale tab is refused with a plain sentence; nothing changes.
    await row(stale, "Visa •••• 4242").getByRole("button", { name: "Delete" }).click();
    await stale.getByRole("dialog", { name: "Delete Visa •••• 4242?" }).getByRole("button", { name: "Delete" }).click();
    await stale.waitForLoadState("load");
    await expect(stale.getByRole("alert").filter({ hasText: "We couldn't find that. It may have been removed." })).toBeVisible();
    await expect(row(stale, "Mastercard •••• 4444")).toHaveCount(1);
  });
});
