//! The types of saved cards: a card on file, a card to save, a change's context and a deletion's
//! result.

use crate::domain::{
    CustomerId, PaymentMethodId, Timestamp,
    card::{Expiry, MaskedCard},
    status::Actor,
    tokenization::PaymentToken,
};

/// A saved card: what was stored, its id, whether it is the primary and when it was saved. It
/// reads as its [`CardOnFile`] (`saved.expiry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    /// Porchlight's id, used in forms; the gateway knows the card only by its token.
    pub id: PaymentMethodId,
    /// The stored details.
    pub on_file: CardOnFile,
    /// Used by default for payments.
    pub is_primary: bool,
    /// When it was saved.
    pub created_at: Timestamp,
}

impl std::ops::Deref for SavedCard {
    type Target = CardOnFile;

    fn deref(&self) -> &CardOnFile {
        &self.on_file
    }
}

/// A card on file: the gateway's token and display data, never the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardOnFile {
    /// Whose card.
    pub customer_id: CustomerId,
    /// The gateway's token (already attached).
    pub token: PaymentToken,
    /// Keyed hash of the number.
    pub fingerprint: String,
    /// Brand and last 4.
    pub card: MaskedCard,
    /// Expiry month.
    pub expiry: Expiry,
    /// Name on the card.
    pub cardholder: String,
    /// Billing ZIP.
    pub zip: String,
    /// Optional label.
    pub nickname: String,
}

/// How, from where and in which browser a card's holder agreed to keep it on file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentGiven {
    /// Online under a terms version, or spoken (the office added the card).
    pub consent: crate::domain::consent::CardConsent,
    /// The address the agreement came from (the staff member's, for spoken consent).
    pub ip: String,
    /// The browser's user agent (at most 255 characters).
    pub user_agent: String,
}

/// Who, when and in which request a change happened (for the history).
#[derive(Debug, Clone)]
pub struct ChangeContext {
    /// Who made the change: the customer, a staff member or the system.
    pub actor: Actor,
    /// When it was made (the history's order).
    pub at: Timestamp,
    /// The request id from the log.
    pub request_id: String,
}

/// The result of deleting a card.
#[derive(Debug, Clone)]
pub struct Deleted {
    /// The card that was removed.
    pub removed: SavedCard,
    /// The card that became primary in its place, if the removed one was primary.
    pub promoted: Option<SavedCard>,
}
