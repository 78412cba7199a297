//! Stripe's public test cards as the fake treats them, and the JSON of its objects.

use serde_json::{Value, json};

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Saves and charges.
    Approve,
    /// Refused when saved: (code, decline code).
    RefuseOnSave(&'static str, Option<&'static str>),
    /// Saves, then every charge is declined: (code, decline code).
    DeclineOnCharge(&'static str, Option<&'static str>),
    /// 3-D Secure on saving and on every on-session charge.
    Authenticate,
}

/// The behaviour and brand of a test card number.
pub fn test_card(number: &str) -> (Behaviour, &'static str) {
    use Behaviour::*;
    let brand = match number.as_bytes().first() {
        Some(b'3') => "amex",
        Some(b'5') => "mastercard",
        Some(b'6') => "discover",
        _ => "visa",
    };
    let behaviour = match number {
        // Declined by the card's bank when the SetupIntent checks the card, as Stripe documents.
        "4000000000000002" => RefuseOnSave("card_declined", Some("generic_decline")),
        "4000000000009995" => RefuseOnSave("card_declined", Some("insufficient_funds")),
        "4000000000009987" => RefuseOnSave("card_declined", Some("lost_card")),
        "4000000000009979" => RefuseOnSave("card_declined", Some("stolen_card")),
        // Attaches to a customer, then every charge fails.
        "4000000000000341" => DeclineOnCharge("card_declined", Some("generic_decline")),
        "4000000000000069" => RefuseOnSave("expired_card", None),
        "4000000000000127" => RefuseOnSave("incorrect_cvc", None),
        "4000000000000119" => RefuseOnSave("processing_error", None),
        "4000002500003155" => Authenticate,
        _ => Approve,
    };
    (behaviour, brand)
}

/// A stable fingerprint for a card number (the same number, the same fingerprint).
pub fn fingerprint(number: &str) -> String {
    let sum = number.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("fp{sum:016x}")
}

/// A payment method of type card.
pub fn payment_method(id: &str, number: &str, exp: (u32, i32), zip: &str, name: &str) -> Value {
    let (_, brand) = test_card(number);
    json!({
        "id": id,
        "object": "payment_method",
        "type": "card",
        "card": {
            "brand": brand,
            "last4": &number[number.len() - 4..],
            "exp_month": exp.0,
            "exp_year": exp.1,
            "fingerprint": fingerprint(number),
            "funding": "credit",
            "country": "US",
        },
        "billing_details": { "name": name, "address": { "postal_code": zip } },
        "customer": null,
        "livemode": false,
        "metadata": {},
    })
}

/// The error object Stripe puts in `last_payment_error` / `last_setup_error` and error answers.
pub fn card_error(code: &str, decline_code: Option<&str>, message: &str) -> Value {
    let mut error = json!({ "type": "card_error", "code": code, "message": message });
    if let Some(d) = decline_code {
        error["decline_code"] = json!(d);
    }
    error
}

/// `metadata[name]=value` parameters as an object.
pub fn metadata(params: &[(String, String)]) -> Value {
    let mut map = serde_json::Map::new();
    for (k, v) in params {
        if let Some(name) = k
            .strip_prefix("metadata[")
            .and_then(|k| k.strip_suffix(']'))
        {
            map.insert(name.to_owned(), json!(v));
        }
    }
    Value::Object(map)
}
