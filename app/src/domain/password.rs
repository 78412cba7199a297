//! The password policy: 8 to 128 characters, no composition rules, common passwords refused.

use std::fmt;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// Most characters a password may have (longer input is refused, never truncated).
pub const MAX_CHARS: usize = 128;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("Use at least 8 characters.")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("Use at most 128 characters.")]
    TooLong,
    /// On the list of passwords attackers try first.
    #[error("This password is too common. Choose one that is harder to guess.")]
    TooCommon,
}

/// Passwords that appear at the top of every breached-password list (lower-case, ≥ 8 chars).
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "0123456789",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "99999999",
    "12341234",
    "11223344",
    "123123123",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "trustno1",
    "superman",
    "starwars",
    "whatever",
    "computer",
    "michelle",
    "jennifer",
    "corvette",
    "mercedes",
    "maverick",
    "changeme",
    "letmein1",
    "letmein123",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "aa123456",
    "a1234567",
    "admin123",
    "administrator",
    "football1",
    "baseball1",
    "monkey123",
    "dragon123",
    "master123",
    "shadow123",
    "qwer1234",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "passpass",
    "secret123",
    "login123",
    "hello123",
    "freedom1",
    "charlie1",
    "samantha",
    "jordan23",
    "michael1",
    "internet",
    "access14",
    "mustang1",
    "blink182",
    "pokemon1",
    "liverpool",
    "chelsea1",
    "arsenal1",
    "spiderman",
    "batman123",
    "porchlight",
    "customer",
    "portal123",
];

/// A password that satisfies the policy; never printed or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a proposed new password against the policy.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let chars = input.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lowered = input.to_lowercase();
        if COMMON.contains(&lowered.as_str()) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(input.to_owned()))
    }

    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_common_passwords_each_get_their_own_message() {
        assert_eq!(Password::parse("short1!"), Err(PasswordError::TooShort));
        assert_eq!(
            Password::parse(&"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            Password::parse("Password123"),
            Err(PasswordError::TooCommon)
        );
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert!(Password::parse("ééééééé").is_err());
        assert!(Password::parse("éééééééé").is_ok());
        assert!(Password::parse(&"é".repeat(128)).is_ok());
    }

    #[test]
    fn a_long_passphrase_without_symbols_is_accepted() {
        assert!(Password::parse("correct horse battery staple").is_ok());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let p = Password::parse("s3cret-words-here").unwrap();
        assert!(!format!("{p:?}").contains("s3cret"));
    }
}
