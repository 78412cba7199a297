//! Webhook events as processors send them (Stripe's event shape, which the sandbox copies): the
//! signature checked, then only the event's id, type and object read. What the object says is
//! not trusted; the handler reads the object's current state from the processor.

pub use super::webhook_signature::sign;
use super::webhook_signature::{SignatureError, verify};
use crate::domain::tokenization::PaymentToken;
use serde::Deserialize;

/// A signed event, as much of it as Porchlight reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The processor's event id (`evt_…`), recorded once.
    pub id: String,
    /// The event type, e.g. `payment_method.automatically_updated`.
    pub kind: String,
    /// What Porchlight does about it.
    pub action: EventAction,
}

/// What an event asks Porchlight to look at again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventAction {
    /// A saved card changed at the processor (a new expiry or number from the card network).
    CardChanged(PaymentToken),
    /// A saved card was removed outside Porchlight.
    CardDetached(PaymentToken),
    /// A payment settled (succeeded, failed or was canceled): the attempt's id, if Porchlight
    /// made it.
    PaymentSettled(Option<i64>),
    /// An approved charge was refunded or disputed: the charge's reference.
    ChargeChanged(String),
    /// A type Porchlight does not act on.
    Ignored,
}

/// Why a webhook was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The `Stripe-Signature` header is missing, malformed, stale or matches no secret.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Signed, but not an event Porchlight can read.
    #[error("unreadable event: {0}")]
    Unreadable(String),
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: RawObject,
}

#[derive(Deserialize)]
struct RawObject {
    id: String,
    #[serde(default)]
    metadata: std::collections::BTreeMap<String, String>,
    /// A dispute's charge.
    #[serde(default)]
    charge: Option<String>,
}

/// The metadata key naming Porchlight's payment attempt on a processor's payment.
pub const ATTEMPT_METADATA: &str = "porchlight_attempt";

/// Checks `signature` over the raw `body` with any of `secrets` and reads the event.
pub fn parse(
    signature: &str,
    body: &[u8],
    secrets: &[&str],
    now_unix: i64,
) -> Result<WebhookEvent, WebhookError> {
    verify(signature, body, secrets, now_unix)?;
    let raw: RawEvent =
        serde_json::from_slice(body).map_err(|e| WebhookError::Unreadable(e.to_string()))?;
    let object = raw.data.object;
    let method = || {
        PaymentToken::parse(&object.id)
            .ok_or_else(|| WebhookError::Unreadable("malformed object id".into()))
    };
    let action = match raw.kind.as_str() {
        "payment_method.updated" | "payment_method.automatically_updated" => {
            EventAction::CardChanged(method()?)
        }
        "payment_method.detached" => EventAction::CardDetached(method()?),
        "payment_intent.succeeded"
        | "payment_intent.payment_failed"
        | "payment_intent.canceled" => EventAction::PaymentSettled(
            object
                .metadata
                .get(ATTEMPT_METADATA)
                .and_then(|a| a.parse().ok()),
        ),
        "charge.refunded" | "charge.refund.updated" => EventAction::ChargeChanged(object.id),
        "charge.dispute.created" | "charge.dispute.closed" => EventAction::ChargeChanged(
            object
                .charge
                .ok_or_else(|| WebhookError::Unreadable("a dispute without its charge".into()))?,
        ),
        _ => EventAction::Ignored,
    };
    Ok(WebhookEvent {
        id: raw.id,
        kind: raw.kind,
        action,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_790_000_000;

    fn event(kind: &str, object: &str) -> Vec<u8> {
        format!(r#"{{"id":"evt_1","type":"{kind}","created":{NOW},"data":{{"object":{object}}}}}"#)
            .into_bytes()
    }

    #[test]
    fn a_signed_card_update_is_read_and_a_tampered_one_refused() {
        let body = event(
            "payment_method.automatically_updated",
            r#"{"id":"pm_abcdefgh","object":"payment_method"}"#,
        );
        let signature = sign(&body, SECRET, NOW);
        let read = parse(&signature, &body, &[SECRET], NOW).unwrap();
        assert_eq!(read.id, "evt_1");
        assert_eq!(
            read.action,
            EventAction::CardChanged(PaymentToken::parse("pm_abcdefgh").unwrap())
        );
        let mut tampered = body.clone();
        tampered.extend_from_slice(b" ");
        assert_eq!(
            parse(&signature, &tampered, &[SECRET], NOW),
            Err(WebhookError::Signature(SignatureError::Mismatch))
        );
        assert_eq!(
            parse(&signature, &body, &[SECRET], NOW + 301),
            Err(WebhookError::Signature(SignatureError::Stale))
        );
    }

    #[test]
    fn payments_name_their_attempt_and_unknown_types_are_ignored() {
        let body = event(
            "payment_intent.succeeded",
            r#"{"id":"pi_1","metadata":{"porchlight_attempt":"42"}}"#,
        );
        let read = parse(&sign(&body, SECRET, NOW), &body, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::PaymentSettled(Some(42)));
        let body = event("customer.created", r#"{"id":"cus_1"}"#);
        let read = parse(&sign(&body, SECRET, NOW), &body, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::Ignored);
        let unsigned_garbage = b"not json";
        assert!(matches!(
            parse(
                &sign(unsigned_garbage, SECRET, NOW),
                unsigned_garbage,
                &[SECRET],
                NOW
            ),
            Err(WebhookError::Unreadable(_))
        ));
    }

    #[test]
    fn refunds_and_disputes_name_the_charge_they_concern() {
        let refund = event("charge.refunded", r#"{"id":"ch_abc","object":"charge"}"#);
        let read = parse(&sign(&refund, SECRET, NOW), &refund, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::ChargeChanged("ch_abc".into()));
        let dispute = event(
            "charge.dispute.created",
            r#"{"id":"dp_1","object":"dispute","charge":"ch_abc"}"#,
        );
        let read = parse(&sign(&dispute, SECRET, NOW), &dispute, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::ChargeChanged("ch_abc".into()));
        let broken = event(
            "charge.dispute.created",
            r#"{"id":"dp_1","object":"dispute"}"#,
        );
        assert!(matches!(
            parse(&sign(&broken, SECRET, NOW), &broken, &[SECRET], NOW),
            Err(WebhookError::Unreadable(_))
        ));
    }
}
