//! Webhook events as processors send them (Stripe's event shape, which the sandbox copies): the
//! signature checked, then only the event's id, type and object read. What the object says is
//! not trusted; the handler reads the object's current state from the processor.

pub use super::webhook_signature::sign;
use super::webhook_signature::{SignatureError, verify};
use crate::domain::tokenization::PaymentToken;
use serde::Deserialize;
use serde_json::Value;

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
    /// A type Porchlight acts on, without what it would act on (acknowledged, logged): why.
    Unusable(String),
}

impl EventAction {
    /// The action as recorded: a code and the one reference it names (empty for none).
    pub fn to_record(&self) -> (&'static str, String) {
        match self {
            EventAction::CardChanged(t) => ("card_changed", t.as_str().to_owned()),
            EventAction::CardDetached(t) => ("card_detached", t.as_str().to_owned()),
            EventAction::PaymentSettled(a) => (
                "payment_settled",
                a.map(|a| a.to_string()).unwrap_or_default(),
            ),
            EventAction::ChargeChanged(c) => ("charge_changed", c.clone()),
            EventAction::Ignored => ("ignored", String::new()),
            EventAction::Unusable(why) => ("unusable", why.clone()),
        }
    }

    /// The action [`EventAction::to_record`] wrote; a record that does not read back is
    /// `Unusable`.
    pub fn from_record(code: &str, target: &str) -> EventAction {
        let token = || {
            PaymentToken::parse(target)
                .ok_or_else(|| EventAction::Unusable("a malformed recorded reference".into()))
        };
        let read = match code {
            "card_changed" => token().map(EventAction::CardChanged),
            "card_detached" => token().map(EventAction::CardDetached),
            "payment_settled" => Ok(EventAction::PaymentSettled(target.parse().ok())),
            "charge_changed" if !target.is_empty() => {
                Ok(EventAction::ChargeChanged(target.to_owned()))
            }
            "ignored" => Ok(EventAction::Ignored),
            "unusable" => Ok(EventAction::Unusable(target.to_owned())),
            _ => Err(EventAction::Unusable(format!(
                "an unknown recorded action {code:?}"
            ))),
        };
        read.unwrap_or_else(|unusable| unusable)
    }
}

/// Why a webhook was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The `Stripe-Signature` header is missing, malformed, stale or matches no secret.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Signed, but not an event at all (not JSON, or without an id or a type).
    #[error("unreadable event: {0}")]
    Unreadable(String),
}

/// The envelope: only the id and type must be there; the object is read field by field, so
/// any object (one without an id, `"metadata": null`, an expanded field) is still an event.
#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Option<RawData>,
}

#[derive(Deserialize)]
struct RawData {
    #[serde(default)]
    object: Option<Value>,
}

/// The metadata key naming Porchlight's payment attempt on a processor's payment.
pub const ATTEMPT_METADATA: &str = "porchlight_attempt";

/// The longest event id, type or reference Porchlight records.
const MAX_REFERENCE: usize = 255;

fn reference(text: &str) -> bool {
    (1..=MAX_REFERENCE).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A string field of the object, or the id of the object it holds when expanded.
fn id_in(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
    .filter(|s| reference(s))
}

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
    if !reference(&raw.id) || !reference(&raw.kind) {
        return Err(WebhookError::Unreadable(
            "a malformed event id or type".into(),
        ));
    }
    let object = raw.data.and_then(|d| d.object).unwrap_or(Value::Null);
    let unusable = |why: &str| EventAction::Unusable(why.to_owned());
    let method = |of: fn(PaymentToken) -> EventAction| {
        id_in(object.get("id"))
            .and_then(PaymentToken::parse)
            .map_or_else(|| unusable("a payment method without a readable id"), of)
    };
    // The charge a Refund or Dispute names.
    let charge_of = |what: &str| {
        id_in(object.get("charge")).map_or_else(
            || unusable(&format!("a {what} without its charge")),
            |c| EventAction::ChargeChanged(c.to_owned()),
        )
    };
    let action = match raw.kind.as_str() {
        "payment_method.updated" | "payment_method.automatically_updated" => {
            method(EventAction::CardChanged)
        }
        "payment_method.detached" => method(EventAction::CardDetached),
        "payment_intent.succeeded"
        | "payment_intent.payment_failed"
        | "payment_intent.canceled" => EventAction::PaymentSettled(
            object
                .get("metadata")
                .and_then(|m| m.get(ATTEMPT_METADATA))
                .and_then(Value::as_str)
                .and_then(|a| a.parse().ok()),
        ),
        // The object is the Charge.
        "charge.refunded" => id_in(object.get("id")).map_or_else(
            || unusable("a charge without a readable id"),
            |c| EventAction::ChargeChanged(c.to_owned()),
        ),
        // The object is a Refund (`re_…`); its `charge` names the charge.
        "charge.refund.updated" | "refund.created" | "refund.updated" | "refund.failed" => {
            charge_of("refund")
        }
        "charge.dispute.created" | "charge.dispute.closed" => charge_of("dispute"),
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
        let refund = event(
            "charge.refund.updated",
            r#"{"id":"re_abc","object":"refund","charge":"ch_abc"}"#,
        );
        let read = parse(&sign(&refund, SECRET, NOW), &refund, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::ChargeChanged("ch_abc".into()));
        // Signed but missing what it names: acknowledged as unusable, never refused.
        let broken = event(
            "charge.dispute.created",
            r#"{"id":"dp_1","object":"dispute"}"#,
        );
        let read = parse(&sign(&broken, SECRET, NOW), &broken, &[SECRET], NOW).unwrap();
        assert!(matches!(read.action, EventAction::Unusable(_)), "{read:?}");
    }

    #[test]
    fn objects_without_an_id_or_with_null_metadata_are_events_and_only_non_events_are_refused() {
        let balance = event(
            "balance.available",
            r#"{"object":"balance","available":[],"pending":[]}"#,
        );
        let read = parse(&sign(&balance, SECRET, NOW), &balance, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::Ignored);
        let null = event(
            "payment_intent.succeeded",
            r#"{"id":"pi_1","metadata":null}"#,
        );
        let read = parse(&sign(&null, SECRET, NOW), &null, &[SECRET], NOW).unwrap();
        assert_eq!(read.action, EventAction::PaymentSettled(None));
        for body in [
            &br#"{"type":"x.y","data":{}}"#[..],
            br#"{"id":"evt_1"}"#,
            br#"[1]"#,
        ] {
            assert!(matches!(
                parse(&sign(body, SECRET, NOW), body, &[SECRET], NOW),
                Err(WebhookError::Unreadable(_))
            ));
        }
    }

    #[test]
    fn every_action_reads_back_from_its_record() {
        let actions = [
            EventAction::CardChanged(PaymentToken::parse("pm_abcdefgh").unwrap()),
            EventAction::CardDetached(PaymentToken::parse("pm_abcdefgh").unwrap()),
            EventAction::PaymentSettled(Some(42)),
            EventAction::PaymentSettled(None),
            EventAction::ChargeChanged("ch_abc".into()),
            EventAction::Ignored,
            EventAction::Unusable("a dispute without its charge".into()),
        ];
        for action in actions {
            let (code, target) = action.to_record();
            assert_eq!(EventAction::from_record(code, &target), action);
        }
        assert!(matches!(
            EventAction::from_record("card_changed", "not a token!"),
            EventAction::Unusable(_)
        ));
    }
}
