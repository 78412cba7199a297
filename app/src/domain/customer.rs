//! Customer record input: names, phone numbers, addresses and the residential/commercial type.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// Whether a customer can use the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalStatus {
    /// Never invited, or the invitation expired.
    NoAccount,
    /// An invitation link is waiting to be used.
    InvitationSent,
    /// Signed up; the latest sign-in if any.
    Active(Option<Timestamp>),
}

/// Residential or commercial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CustomerKind {
    /// A household.
    Residential,
    /// A business.
    Commercial,
}

impl CustomerKind {
    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Residential => "residential",
            CustomerKind::Commercial => "commercial",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            CustomerKind::Residential => "Residential",
            CustomerKind::Commercial => "Commercial",
        }
    }

    /// Parses the submitted name.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        match input.trim().to_ascii_lowercase().as_str() {
            "residential" => Ok(CustomerKind::Residential),
            "commercial" => Ok(CustomerKind::Commercial),
            _ => Err("Choose Residential or Commercial."),
        }
    }
}

/// A trimmed text of bounded length (names, addresses, summaries).
pub fn bounded_text(input: &str, what: &str, max: usize, required: bool) -> Result<String, String> {
    let trimmed = input.trim();
    if required && trimmed.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if trimmed.chars().count() > max {
        return Err(format!("Use at most {max} characters for {what}."));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(format!(
            "Remove line breaks and special characters from {what}."
        ));
    }
    Ok(trimmed.to_owned())
}

/// A phone number: 10 to 15 digits, optionally with `+ ( ) - .` and spaces, kept as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Parses a phone number; empty input is no phone.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let allowed = trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-.".contains(c));
        let digits = trimmed.chars().filter(char::is_ascii_digit).count();
        let plus_ok = !trimmed.chars().skip(1).any(|c| c == '+');
        if !allowed || !plus_ok || !(10..=15).contains(&digits) {
            return Err("Enter a phone number with 10 to 15 digits, like (555) 201-4455.");
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    /// The number as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Only the digits, for searching.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_need_10_to_15_digits_and_only_phone_punctuation() {
        assert_eq!(Phone::parse_optional("").unwrap(), None);
        assert_eq!(
            Phone::parse_optional(" (555) 201-4455 ")
                .unwrap()
                .unwrap()
                .digits(),
            "5552014455"
        );
        assert!(Phone::parse_optional("+44 20 7946 0958").unwrap().is_some());
        assert!(Phone::parse_optional("555-1234").is_err());
        assert!(Phone::parse_optional("555 201 4455 ext 3").is_err());
        assert!(Phone::parse_optional("5+55 201 4455").is_err());
        assert!(
            Phone::parse_optional("é5552014455").is_err(),
            "multibyte input is refused, not a panic"
        );
        assert!(Phone::parse_optional("1234567890123456").is_err());
    }

    #[test]
    fn texts_are_trimmed_bounded_and_single_line() {
        assert_eq!(
            bounded_text("  Ada  ", "a name", 100, true),
            Ok("Ada".into())
        );
        assert_eq!(
            bounded_text("   ", "a name", 100, true),
            Err("Enter a name.".into())
        );
        assert_eq!(
            bounded_text("", "an address", 200, false),
            Ok(String::new())
        );
        assert!(bounded_text(&"x".repeat(101), "a name", 100, true).is_err());
        assert!(bounded_text("a\nb", "a name", 100, true).is_err());
    }

    #[test]
    fn the_type_is_residential_or_commercial() {
        assert_eq!(
            CustomerKind::parse("Commercial"),
            Ok(CustomerKind::Commercial)
        );
        assert!(CustomerKind::parse("industrial").is_err());
    }
}

/// A customer's details as entered at Call Booking, every field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Full name or company name.
    pub name: String,
    /// Contact and sign-in email, normalized.
    pub email: crate::domain::EmailAddress,
    /// Phone, if given.
    pub phone: Option<Phone>,
    /// Where the work happens.
    pub service_address: String,
    /// Residential or commercial.
    pub kind: CustomerKind,
}

impl CustomerDetails {
    /// Parses the form; every refused field comes back with its message.
    pub fn parse(
        name: &str,
        email: &str,
        phone: &str,
        service_address: &str,
        kind: &str,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = bounded_text(name, "the customer's name", 100, true)
            .map_err(|e| errors.push(("name", e)));
        let email = crate::domain::EmailAddress::parse(email)
            .map_err(|e| errors.push(("email", e.to_string())));
        let phone = Phone::parse_optional(phone).map_err(|e| errors.push(("phone", e.to_owned())));
        let address = bounded_text(service_address, "the service address", 200, false)
            .map_err(|e| errors.push(("service_address", e)));
        let kind = CustomerKind::parse(kind).map_err(|e| errors.push(("kind", e.to_owned())));
        match (name, email, phone, address, kind) {
            (Ok(name), Ok(email), Ok(phone), Ok(service_address), Ok(kind)) => Ok(Self {
                name,
                email,
                phone,
                service_address,
                kind,
            }),
            _ => Err(errors),
        }
    }
}
