//! The card-setup protocol between the browser and the sandbox gateway, and the checks
//! both sides run on the card form before a number goes anywhere.

use super::card::{
    Brand, CardError, CardNumber, Expiry, Last4, check_cvc, parse_cardholder, parse_zip,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the browser sends to the gateway's token endpoint; never sent to Porchlight.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The card number as typed.
    pub number: String,
    /// MM/YY.
    pub expiry: String,
    /// The security code.
    pub cvc: String,
    /// Billing ZIP.
    pub zip: String,
    /// Name on the card.
    pub name: String,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenRequest(redacted)")
    }
}

/// A card form that passed every check.
#[derive(Debug, Clone)]
pub struct CheckedCard {
    /// The number (never logged: its `Debug` masks it).
    pub number: CardNumber,
    /// Expiry month.
    pub expiry: Expiry,
    /// Normalized ZIP.
    pub zip: String,
    /// Trimmed cardholder name.
    pub name: String,
}

/// The form fields, in the order they appear.
pub const CARD_FIELDS: [&str; 5] = ["name", "number", "expiry", "cvc", "zip"];

impl TokenRequest {
    /// The message for one field, or `None` when it is fine. `today` is (year, month).
    pub fn check_field(&self, field: &str, today: (i32, u32)) -> Option<String> {
        let err: Option<CardError> = match field {
            "name" => parse_cardholder(&self.name).err(),
            "number" => CardNumber::parse(&self.number).err(),
            "expiry" => Expiry::parse(&self.expiry, today).err(),
            "cvc" => {
                // Until the number shows the brand, 3 or 4 digits are both plausible.
                let brand = CardNumber::parse(&self.number).ok().map(|n| n.brand());
                match brand {
                    Some(b) => check_cvc(&self.cvc, b).err(),
                    None => {
                        let c = self.cvc.trim();
                        (!(3..=4).contains(&c.len()) || !c.chars().all(|ch| ch.is_ascii_digit()))
                            .then_some(CardError::Cvc(3))
                    }
                }
            }
            "zip" => parse_zip(&self.zip).err(),
            _ => None,
        };
        err.map(|e| e.to_string())
    }

    /// Checks every field; the errors come back as (field, message) pairs in form order.
    pub fn check(&self, today: (i32, u32)) -> Result<CheckedCard, Vec<(&'static str, String)>> {
        let errors: Vec<_> = CARD_FIELDS
            .iter()
            .filter_map(|f| self.check_field(f, today).map(|m| (*f, m)))
            .collect();
        match (
            CardNumber::parse(&self.number),
            Expiry::parse(&self.expiry, today),
            parse_zip(&self.zip),
            parse_cardholder(&self.name),
        ) {
            (Ok(number), Ok(expiry), Ok(zip), Ok(name)) if errors.is_empty() => Ok(CheckedCard {
                number,
                expiry,
                zip,
                name,
            }),
            _ => Err(errors),
        }
    }
}

/// A card setup the browser confirms with the processor (shaped like Stripe's SetupIntent).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSetup {
    /// The setup's id, which the browser hands back once it confirmed the card.
    pub id: String,
    /// The secret only the customer's browser gets, to confirm this setup with the processor.
    pub client_secret: String,
    /// The processor's browser script that shows the card form and confirms the setup.
    pub script: ProcessorScript,
}

/// What the Add New Card dialog starts with: the processor's setup, and the card-on-file terms the
/// customer agrees to (none when the office adds the card with the customer's spoken consent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFormStart {
    /// The setup the card form confirms.
    pub setup: CardSetup,
    /// The terms to show and agree to.
    pub terms: Option<super::consent::CardTerms>,
}

/// The processor's browser script (Stripe.js, or the sandbox's script of the same shape) and the
/// publishable key it is started with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessorScript {
    /// Where the script loads from.
    pub url: String,
    /// The key `Stripe(key)` is called with (public by design).
    pub publishable_key: String,
}

/// A processor's client secret for one payment or setup: only the payer's browser gets it;
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret the processor gave.
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    /// The secret, for the processor's script only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(redacted)")
    }
}

/// Where the embedded sandbox serves its Stripe.js-shaped script.
pub const SANDBOX_SCRIPT_PATH: &str = "/gateway/js/v3/stripe.js";

impl ProcessorScript {
    /// The embedded sandbox's script, with its (fixed, test-only) publishable key.
    pub fn sandbox() -> Self {
        Self {
            url: SANDBOX_SCRIPT_PATH.to_owned(),
            publishable_key: "pk_test_porchlight_sandbox".to_owned(),
        }
    }
}

impl fmt::Debug for CardSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardSetup({}, client_secret redacted)", self.id)
    }
}

/// Where the browser confirms a card setup with the sandbox (`{id}`: the setup's id).
pub const CONFIRM_SETUP_PATH: &str = "/gateway/v1/setup_intents/{id}/confirm";

/// The confirmation URL of one setup.
pub fn confirm_setup_url(setup_id: &str) -> String {
    CONFIRM_SETUP_PATH.replace("{id}", setup_id)
}

/// What the browser sends to the sandbox to confirm a card setup (the card form's fields beside
/// the setup's secret); never sent to Porchlight.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct SetupConfirmation {
    /// The setup's secret, which Porchlight gave this browser only.
    pub client_secret: String,
    /// The card number as typed.
    pub number: String,
    /// MM/YY.
    pub expiry: String,
    /// The security code.
    pub cvc: String,
    /// Billing ZIP.
    pub zip: String,
    /// Name on the card.
    pub name: String,
}

impl SetupConfirmation {
    /// The card form `card` sent with `client_secret`.
    pub fn new(client_secret: String, card: &TokenRequest) -> Self {
        let card = card.clone();
        Self {
            client_secret,
            number: card.number,
            expiry: card.expiry,
            cvc: card.cvc,
            zip: card.zip,
            name: card.name,
        }
    }

    /// The card form it carries.
    pub fn card(&self) -> TokenRequest {
        TokenRequest {
            number: self.number.clone(),
            expiry: self.expiry.clone(),
            cvc: self.cvc.clone(),
            zip: self.zip.clone(),
            name: self.name.clone(),
        }
    }
}

impl fmt::Debug for SetupConfirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetupConfirmation(redacted)")
    }
}

/// The gateway's answer to a confirmed card setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedSetup {
    /// The setup's id, which the browser hands to Porchlight.
    pub id: String,
    /// Card network.
    pub brand: Brand,
    /// Last four digits.
    pub last4: Last4,
    /// Expiry month.
    pub expiry: Expiry,
}

/// The gateway's answer to a refused tokenization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRefusal {
    /// Machine-readable reason, e.g. `expired_card`.
    pub code: String,
    /// The form field the message belongs next to, if any.
    pub field: Option<String>,
    /// A plain sentence for the customer.
    pub message: String,
}

/// A gateway token as Porchlight receives it from the browser.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaymentToken(String);

impl PaymentToken {
    /// Accepts 8–255 characters of letters, digits, `_` and `-` (any processor's token shape).
    pub fn parse(input: &str) -> Option<Self> {
        let t = input.trim();
        ((8..=255).contains(&t.len())
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .then(|| Self(t.to_owned()))
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32) = (2026, 11);

    fn form(number: &str, expiry: &str, cvc: &str) -> TokenRequest {
        TokenRequest {
            number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
            zip: "94107".into(),
            name: "Maria Gonzalez".into(),
        }
    }

    #[test]
    fn a_complete_form_passes_and_its_debug_output_hides_the_number() {
        let checked = form("4242 4242 4242 4242", "12/30", "123")
            .check(TODAY)
            .unwrap();
        assert_eq!(checked.number.brand(), Brand::Visa);
        assert!(!format!("{checked:?}").contains("4242424242424242"));
        assert!(!format!("{:?}", form("4242 4242 4242 4242", "12/30", "123")).contains("4242"));
    }

    #[test]
    fn every_bad_field_is_reported_in_form_order() {
        let mut bad = form("4242 4242 4242 4241", "13/30", "12");
        bad.zip = "9410".into();
        bad.name = " ".into();
        let fields: Vec<_> = bad
            .check(TODAY)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, CARD_FIELDS.to_vec());
    }

    #[test]
    fn an_amex_needs_four_security_digits_and_others_three() {
        assert!(
            form("3782 822463 10005", "12/30", "123")
                .check_field("cvc", TODAY)
                .is_some()
        );
        assert!(
            form("3782 822463 10005", "12/30", "1234")
                .check_field("cvc", TODAY)
                .is_none()
        );
        assert!(
            form("4242 4242 4242 4242", "12/30", "1234")
                .check_field("cvc", TODAY)
                .is_some()
        );
    }

    #[test]
    fn tokens_are_refused_unless_they_look_like_tokens() {
        assert!(PaymentToken::parse("tok_abcdefghijklmnop").is_some());
        assert!(PaymentToken::parse("short").is_none());
        assert!(PaymentToken::parse("tok_abc def ghi").is_none());
        assert!(PaymentToken::parse("tok_<script>alert(1)</script>").is_none());
    }
}
