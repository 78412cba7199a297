//! Consent to keep a card on file: the business's card-on-file terms (versioned; each save keeps
//! the older text), which a customer agrees to online, or the customer's spoken agreement, which
//! the office records when it adds a card for them.

use serde::{Deserialize, Serialize};

/// How a card's holder agreed to have it kept on file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardConsent {
    /// Ticked "I agree" under this version of the card-on-file terms.
    Terms(u32),
    /// Told the office, on the phone or in person (the staff member ticked the box).
    Spoken,
}

impl CardConsent {
    /// The stored kind: `terms` or `spoken`.
    pub fn kind(self) -> &'static str {
        match self {
            CardConsent::Terms(_) => "terms",
            CardConsent::Spoken => "spoken",
        }
    }

    /// The terms version agreed to, for `Terms`.
    pub fn terms_version(self) -> Option<u32> {
        match self {
            CardConsent::Terms(v) => Some(v),
            CardConsent::Spoken => None,
        }
    }

    /// Back from the stored kind and version (`None` for anything else).
    pub fn from_stored(kind: &str, version: Option<i64>) -> Option<Self> {
        match (kind, version) {
            ("terms", Some(v)) => u32::try_from(v).ok().map(CardConsent::Terms),
            ("spoken", _) => Some(CardConsent::Spoken),
            _ => None,
        }
    }

    /// What the card's history says, e.g. "Agreed to card-on-file terms v3".
    pub fn history_note(self) -> String {
        match self {
            CardConsent::Terms(v) => format!("Agreed to card-on-file terms v{v}"),
            CardConsent::Spoken => "With the customer's spoken consent".to_owned(),
        }
    }
}

/// One version of the card-on-file terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardTerms {
    /// 1, 2, 3…: each save is a new version.
    pub version: u32,
    /// What the customer agrees to.
    pub text: String,
}

/// The shortest and longest terms text accepted.
pub const TERMS_LENGTH: std::ops::RangeInclusive<usize> = 40..=5000;

/// The terms a business starts with, naming it: which charges it may make and how to remove the card.
pub fn default_terms(business: &str) -> String {
    format!(
        "By saving this card, you allow {business} to keep it on file with its payment processor \
         and to charge it for the invoices you pay in this portal, for amounts you agree to with \
         {business}'s office, and, when you make it your primary card, for invoices you choose to \
         pay with it. {business} never sees or stores the full card number. You can remove the \
         card at any time under Saved Payment Methods or by contacting the office; removing it \
         does not cancel payments already made."
    )
}

/// Checks new terms text: trimmed, 40 to 5,000 characters.
pub fn parse_terms(input: &str) -> Result<String, String> {
    let text = input.trim();
    let n = text.chars().count();
    if TERMS_LENGTH.contains(&n) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "Write the terms in {} to {} characters (now {n}).",
            TERMS_LENGTH.start(),
            TERMS_LENGTH.end()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_is_stored_and_read_back_and_says_what_was_agreed() {
        for consent in [CardConsent::Terms(3), CardConsent::Spoken] {
            let version = consent.terms_version().map(i64::from);
            assert_eq!(
                CardConsent::from_stored(consent.kind(), version),
                Some(consent)
            );
        }
        assert_eq!(CardConsent::from_stored("terms", None), None);
        assert_eq!(
            CardConsent::Terms(3).history_note(),
            "Agreed to card-on-file terms v3"
        );
    }

    #[test]
    fn terms_text_has_bounds_and_the_default_names_the_business() {
        assert!(parse_terms("  too short  ").is_err());
        assert!(parse_terms(&"x".repeat(5001)).is_err());
        let text = default_terms("Brightside Heating");
        assert_eq!(parse_terms(&text), Ok(text.clone()));
        assert!(text.contains("Brightside Heating"));
    }
}
