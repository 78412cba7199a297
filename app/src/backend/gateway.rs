//! The payment processor seam: Porchlight talks to a [`Gateway`]; the embedded [`sandbox`] is the
//! default (a processor's test mode), and a real processor's adapter implements the same trait.

pub mod events;
pub mod http;
pub mod sandbox;
pub mod stripe;
pub mod webhook_signature;

pub use crate::domain::tokenization::{CardSetup, ProcessorScript};
use crate::domain::{
    Cents, CustomerId, InstallId,
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
    /// The card's bank wanted the cardholder to authenticate, and that did not happen.
    AuthenticationFailed,
}

impl Decline {
    /// Every reason, for reading codes back.
    pub const ALL: [Decline; 8] = [
        Decline::Generic,
        Decline::InsufficientFunds,
        Decline::LostCard,
        Decline::StolenCard,
        Decline::ExpiredCard,
        Decline::IncorrectCvc,
        Decline::ProcessingError,
        Decline::AuthenticationFailed,
    ];

    /// The reason a [`Decline::code`] stands for.
    pub fn from_code(code: &str) -> Option<Decline> {
        Decline::ALL.into_iter().find(|d| d.code() == code)
    }

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
            Decline::AuthenticationFailed => "authentication_required",
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
            Decline::AuthenticationFailed => {
                "Your bank couldn't confirm this payment with you. Please try again or use a different card."
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

/// The result of a charge the processor accepted (`Debug` hides the client secret).
#[derive(Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Money moved; the processor's reference.
    Approved {
        /// Reference to quote on receipts.
        reference: String,
    },
    /// Refused by the card's bank.
    Declined(Decline),
    /// The card's bank asks the cardholder to authenticate (3-D Secure) before money moves.
    RequiresAction {
        /// The processor's id of the charge.
        charge: String,
        /// What the customer's browser needs to authenticate (never logged).
        client_secret: String,
    },
    /// Accepted, not settled yet (Stripe's `processing`): read it again later by its id.
    Pending {
        /// The processor's id of the charge.
        charge: String,
    },
}

impl fmt::Debug for ChargeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChargeOutcome::Approved { reference } => write!(f, "Approved({reference})"),
            ChargeOutcome::Declined(d) => write!(f, "Declined({})", d.code()),
            ChargeOutcome::RequiresAction { charge, .. } => write!(f, "RequiresAction({charge})"),
            ChargeOutcome::Pending { charge } => write!(f, "Pending({charge})"),
        }
    }
}

/// An approved charge as the processor has it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargeRecord {
    /// The total refunded so far.
    pub refunded: Cents,
    /// Whether the cardholder disputed it with their bank.
    pub disputed: bool,
}

/// A customer's record at the processor (e.g. Stripe's `cus_…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessorCustomer(String);

impl ProcessorCustomer {
    /// Accepts a processor's reference: 3–255 letters, digits or `_`.
    pub fn parse(input: &str) -> Option<Self> {
        ((3..=255).contains(&input.len())
            && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| Self(input.to_owned()))
    }

    /// The reference text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who a processor customer is created for.
#[derive(Debug, Clone, Copy)]
pub struct CustomerProfile<'a> {
    /// Porchlight's customer.
    pub id: CustomerId,
    /// Their name.
    pub name: &'a str,
    /// Their email address.
    pub email: &'a str,
    /// This installation, whose keys the processor must never confuse with another's.
    pub install: &'a InstallId,
}

/// A card the processor saved for a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedMethod {
    /// The processor's reference for the card (Stripe's `pm_…`).
    pub method: PaymentToken,
    /// What the processor tells about it.
    pub details: CardDetails,
}

/// One charge of a saved card.
#[derive(Debug, Clone, Copy)]
pub struct ChargeRequest<'a> {
    /// Whose card.
    pub customer: &'a ProcessorCustomer,
    /// The card.
    pub method: &'a PaymentToken,
    /// How much.
    pub amount: Cents,
    /// Makes the charge happen once, however often it is asked for (the attempt's key; a
    /// processor shared by several installs gets it prefixed with [`ChargeRequest::install`]).
    pub idempotency_key: &'a str,
    /// Porchlight's payment attempt, for the processor's records (and for finding its charge).
    pub attempt: i64,
    /// This installation.
    pub install: &'a InstallId,
}

/// Why a gateway call failed.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The card, setup or token is unknown, expired, not confirmed, another customer's or detached.
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

/// The origins beyond Porchlight's own that pages may load from while the processor's card form
/// is in use (for the Content-Security-Policy); empty for the embedded sandbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowserSources {
    /// Scripts (`script-src`).
    pub script: Vec<String>,
    /// Frames (`frame-src`).
    pub frame: Vec<String>,
    /// Requests from the page (`connect-src`).
    pub connect: Vec<String>,
}

/// A payment processor, as Porchlight uses it: the browser hands card details to the processor
/// only, Porchlight keeps the processor's references.
#[async_trait::async_trait]
pub trait Gateway: Send + Sync + fmt::Debug {
    /// Test or live.
    fn mode(&self) -> Mode;
    /// The processor's name as the office reads it, e.g. "Porchlight sandbox".
    fn name(&self) -> &'static str;
    /// The processor account customer references belong to, e.g. `sandbox` or `stripe-test`.
    fn account(&self) -> &'static str;
    /// Creates the processor's customer for a Porchlight customer (once per customer, however
    /// often it is asked).
    async fn create_customer(
        &self,
        profile: &CustomerProfile<'_>,
    ) -> Result<ProcessorCustomer, GatewayError>;
    /// Starts saving a card for `customer`; the browser confirms the setup with the processor.
    async fn begin_setup(&self, customer: &ProcessorCustomer) -> Result<CardSetup, GatewayError>;
    /// The card a confirmed setup of `customer` saved.
    async fn finish_setup(
        &self,
        customer: &ProcessorCustomer,
        setup_id: &str,
    ) -> Result<SavedMethod, GatewayError>;
    /// Changes a saved card's expiry and billing ZIP.
    async fn update(
        &self,
        method: &PaymentToken,
        expiry: Expiry,
        zip: &str,
    ) -> Result<CardDetails, GatewayError>;
    /// Makes a card the customer's default at the processor (Porchlight's primary flag leads).
    async fn set_default(
        &self,
        customer: &ProcessorCustomer,
        method: &PaymentToken,
    ) -> Result<(), GatewayError>;
    /// Charges a saved card once per idempotency key (a retry returns the first outcome).
    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, GatewayError>;
    /// The charge made for `request`'s attempt, as it stands now, if the processor has one;
    /// creates nothing. Asked before charging an attempt that may have been sent already (the
    /// processor forgets idempotency keys after a while; its objects stay).
    async fn find_charge(
        &self,
        request: &ChargeRequest<'_>,
    ) -> Result<Option<ChargeOutcome>, GatewayError>;
    /// Where a charge that waited for the card's bank stands now (read by its id).
    async fn charge_status(&self, charge: &str) -> Result<ChargeOutcome, GatewayError>;
    /// Gives up on a charge still waiting for the card's bank; it can never move money after.
    async fn cancel_charge(&self, charge: &str) -> Result<(), GatewayError>;
    /// What happened to an approved charge since (refunds, a dispute), by its reference.
    async fn charge_record(&self, charge: &str) -> Result<ChargeRecord, GatewayError>;
    /// Removes a card from its customer; it can never be charged again.
    async fn detach(&self, method: &PaymentToken) -> Result<(), GatewayError>;
    /// Whether the processor answers with the configured credentials.
    async fn check(&self) -> Result<(), GatewayError>;
    /// A saved card as the processor has it now; `None` once it is detached.
    async fn card(&self, method: &PaymentToken) -> Result<Option<CardDetails>, GatewayError>;
    /// The secrets this processor's webhooks may be signed with (several while one is rolled).
    fn webhook_secrets(&self) -> Vec<String>;
    /// The browser script that shows this processor's card form and its bank checks.
    fn script(&self) -> ProcessorScript;
    /// What pages must allow for this processor's browser script and card frame.
    fn browser_sources(&self) -> BrowserSources {
        BrowserSources::default()
    }
    /// Checks a webhook's `Stripe-Signature` with this processor's secrets and reads its event.
    fn parse_webhook(
        &self,
        signature: &str,
        body: &[u8],
        now_unix: i64,
    ) -> Result<events::WebhookEvent, events::WebhookError> {
        let secrets = self.webhook_secrets();
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        events::parse(signature, body, &secrets, now_unix)
    }
}
