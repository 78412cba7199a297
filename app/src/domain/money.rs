//! Money as integer cents; never floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an amount typed by a person was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was entered.
    #[error("Enter an amount.")]
    Empty,
    /// Not a number with at most two decimals.
    #[error("Enter an amount like 125.50.")]
    Malformed,
    /// Below zero.
    #[error("The amount cannot be negative.")]
    Negative,
    /// Beyond what the system stores.
    #[error("The amount is too large.")]
    TooLarge,
}

/// An amount of US dollars in cents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(i64);

/// The largest amount accepted from input: $10,000,000.00.
const MAX_CENTS: i64 = 1_000_000_000;

impl Cents {
    /// Zero dollars.
    pub const ZERO: Cents = Cents(0);

    /// Wraps a number of cents.
    pub const fn new(cents: i64) -> Self {
        Self(cents)
    }

    /// The number of cents.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Parses "1,234.5", "$12" or "0.99" into cents, refusing more than two decimals.
    /// Commas are read only as thousands separators ("12,50" is refused, never $1,250.00).
    pub fn parse(input: &str) -> Result<Self, AmountError> {
        let trimmed = input.trim().trim_start_matches('$');
        if trimmed.is_empty() {
            return Err(AmountError::Empty);
        }
        if trimmed.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let (grouped, frac) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        let whole = ungroup_thousands(grouped).ok_or(AmountError::Malformed)?;
        let whole = whole.as_str();
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty())
            || !digits_only(whole)
            || !digits_only(frac)
            || frac.len() > 2
        {
            return Err(AmountError::Malformed);
        }
        if whole.len() > 12 {
            return Err(AmountError::TooLarge);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| AmountError::Malformed)?
        };
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| AmountError::Malformed)? * 10,
            _ => frac.parse().map_err(|_| AmountError::Malformed)?,
        };
        let cents = whole * 100 + frac;
        if cents > MAX_CENTS {
            return Err(AmountError::TooLarge);
        }
        Ok(Self(cents))
    }

    /// Adds two amounts, or `None` on overflow.
    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    /// The sum of `amounts`, saturating at the largest amount instead of overflowing.
    pub fn sum(amounts: impl IntoIterator<Item = Cents>) -> Cents {
        Cents(
            amounts
                .into_iter()
                .fold(0i64, |sum, c| sum.saturating_add(c.0)),
        )
    }

    /// Subtracts an amount, or `None` on overflow.
    pub fn checked_sub(self, other: Cents) -> Option<Cents> {
        self.0.checked_sub(other.0).map(Cents)
    }
}

/// "1,234,567" → "1234567"; `None` when a comma is anywhere but between groups of three.
fn ungroup_thousands(whole: &str) -> Option<String> {
    if !whole.contains(',') {
        return Some(whole.to_owned());
    }
    let mut groups = whole.split(',');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len());
    let rest_ok = groups.all(|g| g.len() == 3);
    (first_ok && rest_ok).then(|| whole.replace(',', ""))
}

impl fmt::Display for Cents {
    /// Formats as "$1,234.56" (or "-$5.00").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let dollars = (abs / 100).to_string();
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, c) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_are_formatted_as_dollars_with_thousands_separators() {
        assert_eq!(Cents::new(0).to_string(), "$0.00");
        assert_eq!(Cents::new(5).to_string(), "$0.05");
        assert_eq!(Cents::new(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Cents::new(-500).to_string(), "-$5.00");
    }

    #[test]
    fn typed_amounts_are_parsed_into_cents() {
        assert_eq!(Cents::parse("12"), Ok(Cents::new(1200)));
        assert_eq!(Cents::parse("$1,234.5"), Ok(Cents::new(123_450)));
        assert_eq!(Cents::parse(".99"), Ok(Cents::new(99)));
        assert_eq!(Cents::parse(" 0.01 "), Ok(Cents::new(1)));
    }

    #[test]
    fn each_bad_amount_gets_its_own_error() {
        assert_eq!(Cents::parse(""), Err(AmountError::Empty));
        assert_eq!(Cents::parse("-1"), Err(AmountError::Negative));
        assert_eq!(Cents::parse("1.234"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("abc"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("."), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("99999999999999"), Err(AmountError::TooLarge));
    }

    #[test]
    fn commas_count_only_as_thousands_separators() {
        assert_eq!(Cents::parse("12,50"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("1,2345"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse(",125"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("125,"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("1,,250"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("12.5,0"), Err(AmountError::Malformed));
        assert_eq!(Cents::parse("1,250"), Ok(Cents::new(1_250_00)));
        assert_eq!(Cents::parse("1,234,567.89"), Ok(Cents::new(123_456_789)));
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_back_the_same_amount(cents in 0i64..=MAX_CENTS) {
            let shown = Cents::new(cents).to_string();
            prop_assert_eq!(Cents::parse(&shown), Ok(Cents::new(cents)));
        }
    }
}
