//! Authentication: sessions, one-time tokens, throttling, the customer account flows and the
//! staff password reset.

pub mod accounts;
pub mod login;
pub mod sessions;
pub mod staff_reset;
pub mod throttle;

use super::Secret;
use base64::Engine as _;

/// Invitation and reset links expire after this many seconds (60 minutes).
pub const TOKEN_TTL_SECS: i64 = 60 * 60;

/// A fresh 256-bit random value, base64url-encoded (for tokens and session ids).
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token or session id: an HMAC under the server secret.
pub fn hash_token(secret: &Secret, purpose: &str, raw: &str) -> String {
    secret.hmac_hex(purpose, raw.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a, random_token());
    }
}
