//! The types of online payments: attempts, their reservation and result, receipts and pages.

use crate::backend::store::StoreError;
use crate::domain::{
    Cents, CustomerId, InvoiceId, PaymentId, PaymentMethodId, Timestamp, card::MaskedCard,
    status::AttemptStatus, tokenization::PaymentToken,
};

/// What [`Store::reserve_attempt`](crate::backend::store::Store::reserve_attempt) found or stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The attempt under the key.
    pub attempt: PaymentAttempt,
    /// Whether this call stored it (`false`: the key had been used before).
    pub fresh: bool,
}

/// A payment as its receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReceipt {
    /// The invoice it paid, e.g. "INV-01001".
    pub invoice_number: String,
    /// How much.
    pub amount: Cents,
    /// "Visa •••• 4242".
    pub card: String,
    /// The processor's reference.
    pub reference: String,
    /// When the payment was approved.
    pub paid_at: Timestamp,
}

/// Which of a customer's attempts to list, and which page of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptQuery {
    /// Only this invoice's attempts.
    pub invoice: Option<InvoiceId>,
    /// Leave out attempts still waiting for the processor.
    pub settled_only: bool,
    /// The page asked for (clamped to the pages there are; `None` is the first).
    pub page: Option<u32>,
    /// Attempts per page.
    pub per_page: u32,
}

/// One page of attempts, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptPage {
    /// The attempts on this page.
    pub attempts: Vec<PaymentAttempt>,
    /// This page's number and how many pages there are (at least one).
    pub paging: (u32, u32),
}

/// One try to pay an invoice: what was tried, and how it stands. It reads as its
/// [`AttemptDetails`] (`attempt.amount`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentAttempt {
    /// Keys the attempt's finish (approve, decline, reconcile).
    pub id: i64,
    /// What was tried.
    pub details: AttemptDetails,
    /// Where it stands.
    pub status: AttemptStatus,
    /// The decline's code, when declined or failed.
    pub decline_code: String,
    /// The gateway's reference, when approved.
    pub reference: String,
    /// The recorded payment, when approved.
    pub payment_id: Option<PaymentId>,
    /// When the attempt was made.
    pub created_at: Timestamp,
    /// The processor's charge, once it waits for the card's bank (3-D Secure).
    pub processor_charge: Option<String>,
    /// How much of the payment was refunded since.
    pub refunded: Cents,
    /// Whether the cardholder disputed the payment with their bank.
    pub disputed: bool,
}

/// What [`super::Store::sync_charge`] changed on a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeSync {
    /// The payment.
    pub payment_id: PaymentId,
    /// Whose it is.
    pub customer_id: CustomerId,
    /// The invoice it paid.
    pub invoice_id: InvoiceId,
    /// Refunded now that was not before (zero when nothing new).
    pub refund_added: Cents,
    /// Whether the dispute is new.
    pub newly_disputed: bool,
}

impl std::ops::Deref for PaymentAttempt {
    type Target = AttemptDetails;

    fn deref(&self) -> &AttemptDetails {
        &self.details
    }
}

/// An attempt to store: who pays what, with which card, under which idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptDetails {
    /// The idempotency key.
    pub key: String,
    /// Who pays.
    pub customer_id: CustomerId,
    /// What is paid.
    pub invoice_id: InvoiceId,
    /// The saved card used, if any.
    pub payment_method_id: Option<PaymentMethodId>,
    /// The token to charge.
    pub token: PaymentToken,
    /// Brand and last 4.
    pub card: MaskedCard,
    /// How much.
    pub amount: Cents,
}

/// Why an attempt could not be reserved.
#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    /// No such invoice for this customer.
    #[error("invoice not found")]
    NotFound,
    /// The invoice was voided.
    #[error("invoice void")]
    Void,
    /// Nothing is left to pay (counting payments in progress).
    #[error("invoice already paid")]
    AlreadyPaid,
    /// More than what is left to pay.
    #[error("amount exceeds the balance of {0}")]
    ExceedsBalance(Cents),
    /// The key was used for a different payment.
    #[error("idempotency key reused for a different payment")]
    KeyMismatch,
    /// A database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ReserveError {
    fn from(e: sqlx::Error) -> Self {
        ReserveError::Store(StoreError::Database(e))
    }
}

/// The gateway's answer, to record.
#[derive(Debug, Clone)]
pub enum AttemptResult {
    /// Charged, with the gateway's reference.
    Approved(String),
    /// Declined with this code.
    Declined(String),
    /// Not chargeable with this code.
    Failed(String),
}

/// A payment recorded against an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPayment {
    /// In the receipt's address (`/payments/:id/receipt`).
    pub id: PaymentId,
    /// How much was paid.
    pub amount: Cents,
    /// "Visa •••• 4242".
    pub card: String,
    /// The processor's reference.
    pub reference: String,
    /// When it was paid.
    pub paid_at: Timestamp,
}
