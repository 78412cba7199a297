//! Email addresses, normalized once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a string is not an acceptable email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was entered.
    #[error("Enter an email address.")]
    Empty,
    /// Longer than the 254 characters an address may have.
    #[error("An email address can be at most 254 characters.")]
    TooLong,
    /// Not of the form name@domain.tld.
    #[error("Enter an email address like name@example.com.")]
    Malformed,
}

/// A syntactically valid email address, trimmed and lower-cased so comparisons ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses user input into an address, or says what is wrong with it.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if local_ok && domain_ok {
            Ok(Self(trimmed.to_ascii_lowercase()))
        } else {
            Err(EmailError::Malformed)
        }
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = EmailAddress::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn addresses_differing_only_in_case_are_equal() {
        assert_eq!(
            EmailAddress::parse("BOB@example.com"),
            EmailAddress::parse("bob@EXAMPLE.com")
        );
    }

    #[test]
    fn each_kind_of_bad_address_gets_its_own_error() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        assert_eq!(
            EmailAddress::parse("no-at-sign"),
            Err(EmailError::Malformed)
        );
        assert_eq!(
            EmailAddress::parse("a@localhost"),
            Err(EmailError::Malformed)
        );
        assert_eq!(
            EmailAddress::parse("a..b@example.com"),
            Err(EmailError::Malformed)
        );
        assert_eq!(
            EmailAddress::parse("a@-bad.com"),
            Err(EmailError::Malformed)
        );
        assert_eq!(
            EmailAddress::parse("a b@example.com"),
            Err(EmailError::Malformed)
        );
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn plus_addresses_and_subdomains_are_accepted() {
        assert!(EmailAddress::parse("jo+bills@mail.example.co.uk").is_ok());
    }
}
