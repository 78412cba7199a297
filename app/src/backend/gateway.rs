//! The payment processor seam: Porchlight talks to a [`Gateway`]; the embedded [`sandbox`] is the
//! default (a processor's test mode), and a real processor's adapter implements the same trait.

pub mod http;
pub mod sandbox;
pub mod stripe;
pub mod webhook_signature;

use crate::domain::{
    Cents,
    card::{Brand, Expiry, Last4},
    tokenization::PaymentToken,
};
use std::fmt;

/// What the processor knows about a tokenized card: never the number or security code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardDetails {
    /// The card network.
    pub brand: Brand,
    /// Last four digits.
    pub last4: Last4,
    /// Expiry month.
    pub expiry: Expiry,
    /// Keyed hash of the number: equal for two tokens of the same card.
    pub fingerprint: String,
    /// Name on the card.
    pub cardholder: String,
    /// Billing ZIP.
    pub zip: String,
}

/// Why a charge or a card was declined, with the sentence the customer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decline {
    /// Declined without a reason.
    Generic,
    /// Not enough money on the account.
    InsufficientFunds,
    /// Reported lost.
    LostCard,
    /// Reported stolen.
    StolenCard,
    /// Past its expiry date.
    ExpiredCard,
    /// The security code did not match.
    IncorrectCvc,
    /// The processor failed; trying again may work.
    ProcessingError,
}

impl Decline {
    /// The machine-readable code (as processors name them).
    pub fn code(self) -> &'static str {
        match self {
            Decline::Generic => "card_declined",
            Decline::InsufficientFunds => "insufficient_funds",
            Decline::LostCard => "lost_card",
            Decline::StolenCard => "stolen_card",
            Decline::ExpiredCard => "expired_card",
            Decline::IncorrectCvc => "incorrect_security_code",
            Decline::ProcessingError => "processing_error",
        }
    }

    /// The plain sentence for the customer.
    pub fn message(self) -> &'static str {
        match self {
            Decline::Generic | Decline::LostCard | Decline::StolenCard => {
                "Your card was declined. Please use a different card or contact your bank."
            }
            Decline::InsufficientFunds => "Your card has insufficient funds.",
            Decline::ExpiredCard => "This card has expired. Please use a different card.",
            Decline::IncorrectCvc => {
                "The security code is incorrect. Check the 3 or 4 digits on your card."
            }
            Decline::ProcessingError => {
                "We couldn't process this card just now. Please try again in a moment."
            }
        }
    }

    /// The card-form field the message belongs next to, if any.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Decline::ExpiredCard => Some("expiry"),
            Decline::IncorrectCvc => Some("cvc"),
            _ => None,
        }
    }
}

/// The result of a charge the processor accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Money moved; the processor's reference.
    Approved {
        /// Reference to quote on receipts.
        reference: String,
    },
    /// Refused by the card's bank.
    Declined(Decline),
}

/// Why a gateway call failed.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The token is unknown, expired, already used or detached.
    #[error("token unusable")]
    InvalidToken,
    /// The card was declined when attaching or updating.
    #[error("declined: {}", .0.code())]
    Declined(Decline),
    /// The same idempotency key was used with a different request.
    #[error("idempotency key reused with different parameters")]
    KeyReuse,
    /// The processor could not be reached or failed; the cause is for the log.
    #[error("gateway unavailable: {0}")]
    Unavailable(String),
}

/// Whether payments through a gateway move real money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A processor's test mode (or the sandbox): cards are checked, nobody is charged.
    Test,
    /// Real charges to real cards.
    Live,
}

/// A payment processor, as Porchlight uses it (tokenization happens in the browser).
#[async_trait::async_trait]
pub trait Gateway: Send + Sync + fmt::Debug {
    /// Test or live.
    fn mode(&self) -> Mode;
    /// The processor's name as the office reads it, e.g. "Porchlight sandbox".
    fn name(&self) -> &'static str;
    /// Claims a fresh token for a customer's wallet and returns the card behind it.
    async fn attach(&self, token: &PaymentToken) -> Result<CardDetails, GatewayError>;
    /// The card behind an attached token.
    async fn retrieve(&self, token: &PaymentToken) -> Result<CardDetails, GatewayError>;
    /// Changes an attached card's expiry and billing ZIP.
    async fn update(
        &self,
        token: &PaymentToken,
        expiry: Expiry,
        zip: &str,
    ) -> Result<CardDetails, GatewayError>;
    /// Charges an attached card once per idempotency key (a retry returns the first outcome).
    async fn charge(
        &self,
        token: &PaymentToken,
        amount: Cents,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, GatewayError>;
    /// Releases a token; it can never be charged again.
    async fn detach(&self, token: &PaymentToken) -> Result<(), GatewayError>;
}
