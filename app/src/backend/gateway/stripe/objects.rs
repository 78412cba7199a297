//! The parts of Stripe's objects Porchlight reads, as Stripe's API returns them (JSON); unknown
//! fields are ignored, so newer API versions that add fields do not break reading.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A Stripe Customer (`cus_…`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Customer {
    /// `cus_…`.
    pub id: String,
    /// The customer's settings for invoices and off-session payments.
    #[serde(default)]
    pub invoice_settings: InvoiceSettings,
    /// Porchlight's own references.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// A customer's `invoice_settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct InvoiceSettings {
    /// The payment method used when none is named (an id, or the object when expanded).
    #[serde(default)]
    pub default_payment_method: Option<Expandable<PaymentMethod>>,
}

/// A field that holds an id, or the whole object when the request asked to expand it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    /// Only the id.
    Id(String),
    /// The object.
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    /// The id, either way.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }

    /// The object, when it was expanded.
    pub fn object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }
}

/// An object with a Stripe id.
pub trait HasId {
    /// Its id.
    fn id(&self) -> &str;
}

impl HasId for PaymentMethod {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A SetupIntent (`seti_…`): saving a card for later, confirmed in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SetupIntent {
    /// `seti_…`.
    pub id: String,
    /// `requires_payment_method`, `requires_confirmation`, `requires_action`, `processing`,
    /// `canceled` or `succeeded`.
    pub status: String,
    /// Given to Stripe.js in the browser; never logged.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The customer the card is saved for.
    #[serde(default)]
    pub customer: Option<String>,
    /// The card, once confirmed (expanded when asked).
    #[serde(default)]
    pub payment_method: Option<Expandable<PaymentMethod>>,
    /// Why the last confirmation failed.
    #[serde(default)]
    pub last_setup_error: Option<ErrorDetail>,
}

/// A PaymentMethod (`pm_…`) of type card.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// The card's details (present for type `card`).
    #[serde(default)]
    pub card: Option<Card>,
    /// Name and address given with the card.
    #[serde(default)]
    pub billing_details: BillingDetails,
    /// The customer it is attached to, if any.
    #[serde(default)]
    pub customer: Option<String>,
}

/// `payment_method.card`: what Stripe shows of a card (never the number).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Card {
    /// `visa`, `mastercard`, `amex`, `discover`, `diners`, `jcb`, `unionpay`, … or `unknown`.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: i32,
    /// Equal for the same card number within one Stripe account.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// `billing_details`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BillingDetails {
    /// Cardholder name.
    #[serde(default)]
    pub name: Option<String>,
    /// Billing address.
    #[serde(default)]
    pub address: Option<Address>,
}

/// The part of an address Porchlight keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Address {
    /// ZIP or postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
}

/// A PaymentIntent (`pi_…`): one payment, charged under one idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// `requires_payment_method`, `requires_confirmation`, `requires_action`, `processing`,
    /// `requires_capture`, `canceled` or `succeeded`.
    pub status: String,
    /// Cents.
    pub amount: i64,
    /// Three-letter code, lower case.
    #[serde(default)]
    pub currency: String,
    /// For `handleNextAction` in the browser (3-D Secure); never logged.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The charge that moved the money (`ch_…`), once there is one.
    #[serde(default)]
    pub latest_charge: Option<String>,
    /// Why the last attempt failed.
    #[serde(default)]
    pub last_payment_error: Option<ErrorDetail>,
    /// Porchlight's own references (the attempt id).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// The payment method charged (`pm_…`).
    #[serde(default)]
    pub payment_method: Option<Expandable<PaymentMethod>>,
}

/// One page of a list (`GET /v1/payment_intents`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct List<T> {
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether older objects follow (ask again `starting_after` the last one).
    #[serde(default)]
    pub has_more: bool,
}

/// A Charge (`ch_…`): the money a succeeded PaymentIntent moved, with its refunds and dispute.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Charge {
    /// `ch_…`.
    pub id: String,
    /// Cents charged.
    pub amount: i64,
    /// Cents refunded so far.
    #[serde(default)]
    pub amount_refunded: i64,
    /// Whether the cardholder disputed it.
    #[serde(default)]
    pub disputed: bool,
}

/// Stripe's error object (in an error answer, and as `last_payment_error`/`last_setup_error`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorDetail {
    /// `card_error`, `invalid_request_error`, `idempotency_error`, `api_error`, …
    #[serde(default, rename = "type")]
    pub kind: String,
    /// e.g. `card_declined`, `expired_card`, `incorrect_cvc`, `resource_missing`.
    #[serde(default)]
    pub code: Option<String>,
    /// For `card_declined`: the bank's reason, e.g. `insufficient_funds`, `lost_card`.
    #[serde(default)]
    pub decline_code: Option<String>,
    /// Stripe's sentence (for the log; customers read Porchlight's own).
    #[serde(default)]
    pub message: Option<String>,
    /// The request parameter at fault.
    #[serde(default)]
    pub param: Option<String>,
    /// The PaymentIntent a card error happened on.
    #[serde(default)]
    pub payment_intent: Option<Box<PaymentIntent>>,
}

/// An error answer's body: `{"error": {…}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setup_intent_reads_with_its_payment_method_as_id_or_expanded() {
        let plain: SetupIntent = serde_json::from_str(
            r#"{"id":"seti_1","object":"setup_intent","status":"succeeded","payment_method":"pm_1","usage":"off_session"}"#,
        )
        .expect("setup intent");
        assert_eq!(
            plain.payment_method.as_ref().map(Expandable::id),
            Some("pm_1")
        );
        let expanded: SetupIntent = serde_json::from_str(
            r#"{"id":"seti_1","status":"succeeded","payment_method":{"id":"pm_1","object":"payment_method","type":"card",
            "card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2034,"fingerprint":"Xt5EWLLDS7FJjR1c","funding":"credit"},
            "billing_details":{"name":"Ada","address":{"postal_code":"94107","city":null}},"customer":"cus_1"}}"#,
        )
        .expect("expanded setup intent");
        let card = expanded
            .payment_method
            .as_ref()
            .and_then(Expandable::object);
        assert_eq!(
            card.and_then(|pm| pm.card.as_ref())
                .map(|c| c.last4.as_str()),
            Some("4242")
        );
    }

    #[test]
    fn a_card_error_carries_its_payment_intent() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds",
            "message":"Your card has insufficient funds.","payment_intent":{"id":"pi_1","status":"requires_payment_method","amount":100,"currency":"usd"}}}"#,
        )
        .expect("error body");
        assert_eq!(
            body.error.decline_code.as_deref(),
            Some("insufficient_funds")
        );
        assert_eq!(
            body.error.payment_intent.map(|pi| pi.id),
            Some("pi_1".to_owned())
        );
    }
}
