//! Card rules shared by the browser (instant feedback) and the server (decisions): number
//! normalization, Luhn, brand by prefix, lengths, CVC, expiry, ZIP, cardholder name, masking.
//!
//! Unknown brands are refused: the sandbox and real processors only accept the brands below,
//! and a clear message up front beats a decline later.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Card networks Porchlight accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Brand {
    /// Visa (starts with 4).
    Visa,
    /// Mastercard (51–55 and the 2-series 2221–2720).
    Mastercard,
    /// American Express.
    Amex,
    /// Discover (6011, 644–649, 65).
    Discover,
    /// Diners Club.
    Diners,
    /// JCB.
    Jcb,
    /// UnionPay.
    UnionPay,
}

impl Brand {
    /// The name people read.
    pub fn name(self) -> &'static str {
        match self {
            Brand::Visa => "Visa",
            Brand::Mastercard => "Mastercard",
            Brand::Amex => "American Express",
            Brand::Discover => "Discover",
            Brand::Diners => "Diners Club",
            Brand::Jcb => "JCB",
            Brand::UnionPay => "UnionPay",
        }
    }

    /// Every brand Porchlight accepts.
    pub const ALL: [Brand; 7] = [
        Brand::Visa,
        Brand::Mastercard,
        Brand::Amex,
        Brand::Discover,
        Brand::Diners,
        Brand::Jcb,
        Brand::UnionPay,
    ];

    /// The brand with this display name (as stored), if any.
    pub fn from_name(name: &str) -> Option<Brand> {
        Brand::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The brand with this icon name (which is also the processors' brand code), if any.
    pub fn from_icon(code: &str) -> Option<Brand> {
        Brand::ALL.into_iter().find(|b| b.icon() == code)
    }

    /// File stem of the brand icon under `public/cards/`.
    pub fn icon(self) -> &'static str {
        match self {
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::Amex => "amex",
            Brand::Discover => "discover",
            Brand::Diners => "diners",
            Brand::Jcb => "jcb",
            Brand::UnionPay => "unionpay",
        }
    }

    /// The brand a (possibly partial) number belongs to, from its first digits.
    pub fn detect(digits: &str) -> Option<Brand> {
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
        let in_range =
            |n: usize, lo: u32, hi: u32| prefix(n).is_some_and(|p| (lo..=hi).contains(&p));
        if digits.starts_with('4') {
            Some(Brand::Visa)
        } else if in_range(2, 51, 55) || in_range(4, 2221, 2720) {
            Some(Brand::Mastercard)
        } else if in_range(2, 34, 34) || in_range(2, 37, 37) {
            Some(Brand::Amex)
        } else if digits.starts_with("6011") || in_range(3, 644, 649) || in_range(2, 65, 65) {
            Some(Brand::Discover)
        } else if in_range(3, 300, 305) || in_range(2, 36, 36) || in_range(2, 38, 39) {
            Some(Brand::Diners)
        } else if in_range(4, 3528, 3589) {
            Some(Brand::Jcb)
        } else if in_range(2, 62, 62) || in_range(2, 81, 81) {
            Some(Brand::UnionPay)
        } else {
            None
        }
    }

    /// Allowed number lengths.
    pub fn lengths(self) -> &'static [usize] {
        match self {
            Brand::Visa => &[13, 16, 19],
            Brand::Mastercard => &[16],
            Brand::Amex => &[15],
            Brand::Diners => &[14, 15, 16, 17, 18, 19],
            Brand::Discover | Brand::Jcb | Brand::UnionPay => &[16, 17, 18, 19],
        }
    }

    /// Digits in the security code (4 on the front of an Amex, 3 elsewhere).
    pub fn cvc_length(self) -> usize {
        if self == Brand::Amex { 4 } else { 3 }
    }

    /// How the number is grouped for display while typing (Amex 4-6-5, others by four).
    pub fn groups(self) -> &'static [usize] {
        match self {
            Brand::Amex => &[4, 6, 5],
            Brand::Diners => &[4, 6, 4],
            _ => &[4, 4, 4, 4, 3],
        }
    }
}

impl fmt::Display for Brand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a card field was refused; the messages are shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Nothing entered.
    #[error("Enter the card number.")]
    NumberMissing,
    /// Letters or symbols.
    #[error("The card number can only contain digits, spaces and dashes.")]
    NumberCharacters,
    /// Not one of the accepted networks.
    #[error(
        "We accept Visa, Mastercard, American Express, Discover, Diners Club, JCB and UnionPay."
    )]
    UnknownBrand,
    /// Wrong length for the brand.
    #[error("This {0} number has the wrong number of digits.")]
    NumberLength(Brand),
    /// Fails the Luhn checksum (a typo).
    #[error("This card number isn't valid. Check it for typos.")]
    NumberChecksum,
    /// Security code missing or wrong length.
    #[error("Enter the {0}-digit security code.")]
    Cvc(usize),
    /// Expiry not MM/YY.
    #[error("Enter the expiry date as MM/YY.")]
    ExpiryFormat,
    /// Expiry in the past.
    #[error("This card has expired.")]
    Expired,
    /// Expiry absurdly far ahead.
    #[error("Check the expiry date: it is too far in the future.")]
    ExpiryTooFar,
    /// ZIP not 5 or 9 digits.
    #[error("Enter a 5-digit ZIP code (or ZIP+4).")]
    Zip,
    /// Name missing or too long.
    #[error("Enter the name on the card (up to 100 characters).")]
    Name,
}

/// A card number that passed every check; never serialized, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: String,
    brand: Brand,
}

/// Keeps only the digits of typed input, refusing anything but digits, spaces and dashes.
pub fn digits_of(input: &str) -> Result<String, CardError> {
    if input
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
    {
        return Err(CardError::NumberCharacters);
    }
    Ok(input.chars().filter(char::is_ascii_digit).collect())
}

/// The Luhn checksum holds.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

impl CardNumber {
    /// Parses a typed number (spaces and dashes allowed).
    pub fn parse(input: &str) -> Result<Self, CardError> {
        let digits = digits_of(input)?;
        if digits.is_empty() {
            return Err(CardError::NumberMissing);
        }
        let brand = Brand::detect(&digits).ok_or(CardError::UnknownBrand)?;
        if !brand.lengths().contains(&digits.len()) {
            return Err(CardError::NumberLength(brand));
        }
        if !luhn_valid(&digits) {
            return Err(CardError::NumberChecksum);
        }
        Ok(Self { digits, brand })
    }

    /// The network.
    pub fn brand(&self) -> Brand {
        self.brand
    }

    /// The digits, for the tokenization request only.
    pub fn expose_digits(&self) -> &str {
        &self.digits
    }

    /// Brand and last four, the only form ever displayed or stored.
    pub fn masked(&self) -> MaskedCard {
        MaskedCard {
            brand: self.brand,
            last4: Last4(self.digits[self.digits.len() - 4..].to_owned()),
        }
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber({})", self.masked())
    }
}

/// Groups typed digits for display as the user types ("4242 4242 4…").
pub fn group_for_display(input: &str) -> String {
    let digits: String = input
        .chars()
        .filter(char::is_ascii_digit)
        .take(19)
        .collect();
    let groups = Brand::detect(&digits).map_or(&[4, 4, 4, 4, 3][..], Brand::groups);
    let mut out = String::with_capacity(digits.len() + 4);
    let mut rest = digits.as_str();
    for &size in groups {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(size.min(rest.len()));
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(head);
        rest = tail;
    }
    // Longer numbers than the pattern covers (e.g. 19-digit Diners) keep their extra digits.
    if !rest.is_empty() {
        out.push(' ');
        out.push_str(rest);
    }
    out
}

/// Exactly four digits: the only part of a card number that may be shown or stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Last4(String);

impl TryFrom<String> for Last4 {
    type Error = &'static str;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.len() == 4 && value.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(value))
        } else {
            Err("last4 must be exactly four digits")
        }
    }
}

impl From<Last4> for String {
    fn from(value: Last4) -> Self {
        value.0
    }
}

impl Last4 {
    /// The four digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// "Visa •••• 4242".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MaskedCard {
    /// The network.
    pub brand: Brand,
    /// The last four digits.
    pub last4: Last4,
}

impl fmt::Display for MaskedCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} •••• {}", self.brand, self.last4.as_str())
    }
}

/// Checks a security code for a brand.
pub fn check_cvc(input: &str, brand: Brand) -> Result<(), CardError> {
    let want = brand.cvc_length();
    let trimmed = input.trim();
    if trimmed.len() == want && trimmed.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CardError::Cvc(want))
    }
}

/// A card's expiry month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Expiry {
    /// Four-digit year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl Expiry {
    /// Parses "MM/YY", "MM / YY", "MMYY" or "MM/YYYY" and refuses cards whose month has ended.
    /// `today` is (year, month) now.
    pub fn parse(input: &str, today: (i32, u32)) -> Result<Self, CardError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let (mm, yy) = match compact.split_once('/') {
            Some((m, y)) => (m.to_owned(), y.to_owned()),
            None if compact.len() == 4 => (compact[..2].to_owned(), compact[2..].to_owned()),
            None => return Err(CardError::ExpiryFormat),
        };
        let month: u32 = mm.parse().map_err(|_| CardError::ExpiryFormat)?;
        let year: i32 = match yy.len() {
            2 => 2000 + yy.parse::<i32>().map_err(|_| CardError::ExpiryFormat)?,
            4 => yy.parse().map_err(|_| CardError::ExpiryFormat)?,
            _ => return Err(CardError::ExpiryFormat),
        };
        if !(1..=12).contains(&month) || mm.len() > 2 {
            return Err(CardError::ExpiryFormat);
        }
        let expiry = Self { year, month };
        if expiry.is_expired(today) {
            return Err(CardError::Expired);
        }
        if year > today.0 + 20 {
            return Err(CardError::ExpiryTooFar);
        }
        Ok(expiry)
    }

    /// Whether the card's last valid month is before `today`'s month.
    pub fn is_expired(self, today: (i32, u32)) -> bool {
        (self.year, self.month) < today
    }

    /// Whether the card's last valid month is `today`'s month or the next one.
    pub fn expires_soon(self, today: (i32, u32)) -> bool {
        let months_ahead = (i64::from(self.year) - i64::from(today.0)) * 12 + i64::from(self.month)
            - i64::from(today.1);
        (0..=1).contains(&months_ahead)
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}", self.month, self.year % 100)
    }
}

/// Checks a US ZIP (5 digits, or ZIP+4 with or without the dash) and returns it normalized.
pub fn parse_zip(input: &str) -> Result<String, CardError> {
    let trimmed = input.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let shape_ok = trimmed.chars().all(|c| c.is_ascii_digit() || c == '-')
        && (trimmed.len() == 5
            || trimmed.len() == 9
            || (trimmed.len() == 10 && trimmed.as_bytes()[5] == b'-'));
    match (shape_ok, digits.len()) {
        (true, 5) => Ok(digits),
        (true, 9) => Ok(format!("{}-{}", &digits[..5], &digits[5..])),
        _ => Err(CardError::Zip),
    }
}

/// Checks a saved card's optional nickname: trimmed, one line, at most 40 characters.
pub fn parse_nickname(input: &str) -> Result<String, String> {
    super::customer::bounded_text(input, "the nickname", 40, false)
}

/// Checks the name on the card: trimmed, 1 to 100 characters.
pub fn parse_cardholder(input: &str) -> Result<String, CardError> {
    let trimmed = input.trim();
    let count = trimmed.chars().count();
    if count == 0 || count > 100 || trimmed.chars().any(char::is_control) {
        return Err(CardError::Name);
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TODAY: (i32, u32) = (2026, 11);

    #[test]
    fn the_sandbox_test_cards_parse_with_their_brands() {
        for (number, brand) in [
            ("4242 4242 4242 4242", Brand::Visa),
            ("5555-5555-5555-4444", Brand::Mastercard),
            ("2223003122003222", Brand::Mastercard),
            ("3782 822463 10005", Brand::Amex),
            ("6011 1111 1111 1117", Brand::Discover),
            ("3056 9300 0902 0004", Brand::Diners),
            ("3566 0020 2036 0505", Brand::Jcb),
            ("6200 0000 0000 0005", Brand::UnionPay),
            ("4000 0000 0000 0341", Brand::Visa),
        ] {
            assert_eq!(
                CardNumber::parse(number).map(|c| c.brand()),
                Ok(brand),
                "{number}"
            );
        }
    }

    #[test]
    fn each_bad_number_gets_its_own_message() {
        assert_eq!(CardNumber::parse(""), Err(CardError::NumberMissing));
        assert_eq!(
            CardNumber::parse("4242 4242 abcd"),
            Err(CardError::NumberCharacters)
        );
        assert_eq!(
            CardNumber::parse("9999 9999 9999 9999"),
            Err(CardError::UnknownBrand)
        );
        assert_eq!(
            CardNumber::parse("4242 4242 4242"),
            Err(CardError::NumberLength(Brand::Visa))
        );
        assert_eq!(
            CardNumber::parse("4242 4242 4242 4241"),
            Err(CardError::NumberChecksum)
        );
        assert_eq!(
            CardNumber::parse("3782 822463 1000"),
            Err(CardError::NumberLength(Brand::Amex))
        );
    }

    #[test]
    fn masking_shows_only_brand_and_last_four() {
        let card = CardNumber::parse("4242424242424242").unwrap();
        assert_eq!(card.masked().to_string(), "Visa •••• 4242");
        assert!(!format!("{card:?}").contains("424242424242"));
        assert!(Last4::try_from("42424".to_owned()).is_err());
        assert!(serde_json::from_str::<Last4>("\"4242424242424242\"").is_err());
    }

    #[test]
    fn the_security_code_length_depends_on_the_brand() {
        assert_eq!(check_cvc("123", Brand::Visa), Ok(()));
        assert_eq!(check_cvc("1234", Brand::Visa), Err(CardError::Cvc(3)));
        assert_eq!(check_cvc("1234", Brand::Amex), Ok(()));
        assert_eq!(check_cvc("123", Brand::Amex), Err(CardError::Cvc(4)));
        assert_eq!(check_cvc("12a", Brand::Visa), Err(CardError::Cvc(3)));
    }

    #[test]
    fn a_card_stays_valid_until_its_month_ends() {
        assert_eq!(
            Expiry::parse("11/26", TODAY),
            Ok(Expiry {
                year: 2026,
                month: 11
            })
        );
        assert_eq!(Expiry::parse("10/26", TODAY), Err(CardError::Expired));
        assert_eq!(
            Expiry::parse("1230", TODAY),
            Ok(Expiry {
                year: 2030,
                month: 12
            })
        );
        assert_eq!(
            Expiry::parse("03 / 2028", TODAY),
            Ok(Expiry {
                year: 2028,
                month: 3
            })
        );
        assert_eq!(Expiry::parse("13/27", TODAY), Err(CardError::ExpiryFormat));
        assert_eq!(Expiry::parse("1/2", TODAY), Err(CardError::ExpiryFormat));
        assert_eq!(Expiry::parse("01/60", TODAY), Err(CardError::ExpiryTooFar));
        assert_eq!(
            Expiry {
                year: 2027,
                month: 1
            }
            .to_string(),
            "01/27"
        );
    }

    #[test]
    fn expires_soon_means_this_month_or_the_next() {
        let soon = |year, month| Expiry { year, month }.expires_soon((2026, 11));
        assert!(soon(2026, 11), "this month");
        assert!(soon(2026, 12), "next month");
        assert!(!soon(2027, 1), "the month after next");
        assert!(!soon(2026, 10), "already expired");
        assert!(
            Expiry {
                year: 2027,
                month: 1
            }
            .expires_soon((2026, 12)),
            "across the year"
        );
    }

    #[test]
    fn zip_codes_and_names_are_checked() {
        assert_eq!(parse_zip(" 62704 "), Ok("62704".into()));
        assert_eq!(parse_zip("627041234"), Ok("62704-1234".into()));
        assert_eq!(parse_zip("62704-1234"), Ok("62704-1234".into()));
        assert_eq!(parse_zip("6270"), Err(CardError::Zip));
        assert_eq!(parse_zip("62704-12"), Err(CardError::Zip));
        assert_eq!(parse_zip("abcde"), Err(CardError::Zip));
        assert_eq!(
            parse_cardholder("  Maria Gonzalez "),
            Ok("Maria Gonzalez".into())
        );
        assert_eq!(parse_cardholder("  "), Err(CardError::Name));
        assert_eq!(parse_cardholder(&"x".repeat(101)), Err(CardError::Name));
    }

    #[test]
    fn numbers_are_grouped_as_typed() {
        assert_eq!(group_for_display("42424242"), "4242 4242");
        assert_eq!(group_for_display("378282246310005"), "3782 822463 10005");
        assert_eq!(
            group_for_display("4242-4242 42424242"),
            "4242 4242 4242 4242"
        );
    }

    fn with_check_digit(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|n| luhn_valid(n))
            .unwrap()
    }

    proptest! {
        #[test]
        fn any_valid_visa_number_parses_and_any_single_digit_change_is_caught(body in "4[0-9]{14}", pos in 0usize..16, delta in 1u8..10) {
            let number = with_check_digit(&body);
            prop_assert_eq!(CardNumber::parse(&number).map(|c| c.brand()), Ok(Brand::Visa));
            let mut bytes = number.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(!luhn_valid(&changed));
        }

        #[test]
        fn grouping_never_changes_the_digits(input in "[0-9 -]{0,30}") {
            let grouped = group_for_display(&input);
            let digits_in: String = input.chars().filter(char::is_ascii_digit).take(19).collect();
            let digits_out: String = grouped.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits_in, digits_out);
        }
    }
}
