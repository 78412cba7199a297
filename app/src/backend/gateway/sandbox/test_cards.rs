//! The public test-card table, as Stripe documents it: which numbers are refused when the card is
//! saved (confirming the setup checks the card with its bank, so Stripe's declined cards are
//! refused there), and how the others behave when charged (4000 0000 0000 0341 alone saves and
//! then declines every charge).

use crate::backend::gateway::Decline;

/// How a test card behaves once saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Behaviour {
    Approve,
    Decline(Decline),
    /// Every charge waits for the cardholder to pass their bank's check (3-D Secure).
    Authenticate,
}

impl Behaviour {
    pub(super) fn code(self) -> &'static str {
        match self {
            Behaviour::Approve => "approve",
            Behaviour::Decline(d) => d.code(),
            Behaviour::Authenticate => "authenticate",
        }
    }

    pub(super) fn from_code(code: &str) -> Self {
        match code {
            "authenticate" => Behaviour::Authenticate,
            code => Decline::from_code(code).map_or(Behaviour::Approve, Behaviour::Decline),
        }
    }
}

/// What happens to a test number: refused when tokenized, or how it behaves later.
pub(super) fn test_card(digits: &str) -> Result<Behaviour, Decline> {
    match digits {
        "4000000000000069" => Err(Decline::ExpiredCard),
        "4000000000000127" => Err(Decline::IncorrectCvc),
        "4000000000000119" => Err(Decline::ProcessingError),
        "4000000000000002" => Err(Decline::Generic),
        "4000000000009995" => Err(Decline::InsufficientFunds),
        "4000000000009987" => Err(Decline::LostCard),
        "4000000000009979" => Err(Decline::StolenCard),
        "4000000000000341" => Ok(Behaviour::Decline(Decline::Generic)),
        "4000002500003155" => Ok(Behaviour::Authenticate),
        _ => Ok(Behaviour::Approve),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbers_have_their_documented_outcomes() {
        assert_eq!(test_card("4000000000000069"), Err(Decline::ExpiredCard));
        assert_eq!(test_card("4000000000000127"), Err(Decline::IncorrectCvc));
        assert_eq!(test_card("4000000000000119"), Err(Decline::ProcessingError));
        assert_eq!(test_card("4000000000000002"), Err(Decline::Generic));
        assert_eq!(
            test_card("4000000000009995"),
            Err(Decline::InsufficientFunds)
        );
        assert_eq!(test_card("4000000000009987"), Err(Decline::LostCard));
        assert_eq!(test_card("4000000000009979"), Err(Decline::StolenCard));
        assert_eq!(
            test_card("4000000000000341"),
            Ok(Behaviour::Decline(Decline::Generic))
        );
        assert_eq!(test_card("4242424242424242"), Ok(Behaviour::Approve));
        assert_eq!(test_card("4000002500003155"), Ok(Behaviour::Authenticate));
        for b in [
            Behaviour::Approve,
            Behaviour::Decline(Decline::StolenCard),
            Behaviour::Authenticate,
        ] {
            assert_eq!(Behaviour::from_code(b.code()), b);
        }
    }
}
