import type { Locator } from "@playwright/test";

/**
 * The card fields of an "Add New Card" dialog: they live in the payment processor's frame (the
 * sandbox's stand-in for Stripe's Payment Element), never in Porchlight's page.
 */
export function cardFields(dialog: Locator) {
  return dialog.frameLocator('iframe[title="Secure payment input frame"]');
}

export type CardDetails = { name?: string; number: string; expiry?: string; cvc?: string; zip?: string };

/** Types a card into the processor's fields of `dialog`, as a customer would. */
export async function typeCard(dialog: Locator, card: CardDetails) {
  const fields = cardFields(dialog);
  await fields.getByLabel("Name on card").fill(card.name ?? "Maria Gonzalez");
  await fields.getByLabel("Card number").pressSequentially(card.number.replace(/ /g, ""));
  await fields.getByLabel("Expiry (MM/YY)").fill(card.expiry ?? "12/30");
  await fields.getByLabel("Security code (CVC)").fill(card.cvc ?? "123");
  await fields.getByLabel("Billing ZIP code").fill(card.zip ?? "94107");
}

/** The consent box of an "Add New Card" dialog: the customer's (card-on-file terms) or the office's (spoken consent). */
export function consentBox(dialog: Locator) {
  return dialog.getByRole("checkbox", {
    name: /^(I agree to keep this card on file under these terms|The customer agreed, on the phone or in person, to keep this card on file)$/,
  });
}

/** Types a card and ticks the consent box, as a customer keeping the card does. */
export async function typeCardAndAgree(dialog: Locator, card: CardDetails) {
  await typeCard(dialog, card);
  await consentBox(dialog).check();
}
