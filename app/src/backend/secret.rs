//! The server's secret key, used for HMACs (card fingerprints, token hashes).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// A key of at least 32 bytes; never printed.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

/// The key is too short to be safe.
#[derive(Debug, thiserror::Error)]
#[error("the secret must be at least 32 bytes long")]
pub struct SecretTooShort;

impl Secret {
    /// Fewest bytes a key may have.
    pub const MIN_LEN: usize = 32;

    /// Wraps key bytes, refusing short keys.
    pub fn new(bytes: Vec<u8>) -> Result<Self, SecretTooShort> {
        if bytes.len() < Self::MIN_LEN {
            return Err(SecretTooShort);
        }
        Ok(Self(bytes))
    }

    /// A fresh random key, hex-encoded for storage in a file.
    pub fn generate_hex() -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// HMAC-SHA256 of `data` under this key, hex-encoded.
    pub fn hmac_hex(&self, purpose: &str, data: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `hex_mac` is [`Secret::hmac_hex`] of `purpose` and `data`, compared in constant time.
    pub fn verify_hmac_hex(&self, purpose: &str, data: &[u8], hex_mac: &str) -> bool {
        let Ok(expected) = hex::decode(hex_mac) else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.verify_slice(&expected).is_ok()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(********)")
    }
}

/// A URL with the password of its user part replaced by `********`, for logs and `Debug`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
            let hidden = if user_info.contains(':') {
                ":********"
            } else {
                ""
            };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_password_and_keep_the_rest() {
        assert_eq!(
            redact_url("smtp://mailer:p%40ss@mail.example:587?tls=required"),
            "smtp://mailer:********@mail.example:587?tls=required"
        );
        assert_eq!(
            redact_url("postgres://porchlight:secret@db/porchlight"),
            "postgres://porchlight:********@db/porchlight"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            redact_url("sqlite://data/porchlight.db"),
            "sqlite://data/porchlight.db"
        );
    }

    #[test]
    fn hmacs_depend_on_key_purpose_and_data() {
        let a = Secret::new(vec![1; 32]).unwrap();
        let b = Secret::new(vec![2; 32]).unwrap();
        assert_eq!(a.hmac_hex("card", b"42"), a.hmac_hex("card", b"42"));
        assert_ne!(a.hmac_hex("card", b"42"), b.hmac_hex("card", b"42"));
        assert_ne!(a.hmac_hex("card", b"42"), a.hmac_hex("token", b"42"));
        assert!(Secret::new(vec![0; 31]).is_err());
        assert_eq!(Secret::generate_hex().len(), 64);
    }
}
