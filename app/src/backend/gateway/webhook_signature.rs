//! Checking a Stripe webhook's `Stripe-Signature` header (`t=UNIX,v1=HEX[,v1=HEX…]`): an
//! HMAC-SHA256 of `"{t}.{raw body}"` with an endpoint secret, compared in constant time, within
//! five minutes of now. Several secrets are accepted while one is being rolled, and several `v1`
//! values arrive then too.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed time may be from now, either way.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook was refused (the request is answered 400 and logged, never processed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `t=` or no `v1=` in the header, or a `t` that is not a number.
    #[error("malformed Stripe-Signature header")]
    Malformed,
    /// Signed more than [`TOLERANCE_SECS`] away from now (a replay, or a clock far off).
    #[error("Stripe-Signature timestamp outside the tolerance")]
    Stale,
    /// No `v1` value matches any configured secret.
    #[error("no Stripe-Signature matches the webhook secret")]
    Mismatch,
}

/// The HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`, ready to finish or verify.
fn signed(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    mac
}

/// Signs `body` at `now_unix` as a processor does: the `Stripe-Signature` header's value.
pub fn sign(body: &[u8], secret: &str, now_unix: i64) -> String {
    let mac = signed(secret, now_unix, body).finalize().into_bytes();
    format!("t={now_unix},v1={}", hex::encode(mac))
}

/// Checks `header` against the raw `body` with any of `secrets`; returns the signed time.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[&str],
    now_unix: i64,
) -> Result<i64, SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                );
            }
            // A value that is not hex can never match; it is skipped, not an error.
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() && !header.contains("v1=") {
        return Err(SignatureError::Malformed);
    }
    if (now_unix - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    for secret in secrets {
        for signature in &signatures {
            if signed(secret, timestamp, body)
                .verify_slice(signature)
                .is_ok()
            {
                return Ok(timestamp);
            }
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    const T: i64 = 1_790_000_000;
    // HMAC-SHA256 of "1790000000.{BODY}" computed independently (Python's hmac module).
    const WITH_TEST_SECRET: &str =
        "ba43b05134b07a8e95685dc19e48e1dd5e1fc191107904ca15cf2bfab21d402c";
    const WITH_ROLLED_SECRET: &str =
        "6fd78e05387d691efd80a9192a556c0d3b0764fa8ebd59335b44ac61ec9de873";

    fn header(signatures: &[&str]) -> String {
        let mut h = format!("t={T}");
        for s in signatures {
            h.push_str(&format!(",v1={s}"));
        }
        h
    }

    #[test]
    fn a_correct_signature_within_five_minutes_is_accepted() {
        let h = header(&[WITH_TEST_SECRET]);
        assert_eq!(verify(&h, BODY, &["whsec_test_secret"], T + 299), Ok(T));
        assert_eq!(verify(&h, BODY, &["whsec_test_secret"], T - 299), Ok(T));
    }

    #[test]
    fn while_a_secret_is_rolled_either_secret_and_any_v1_value_may_match() {
        let both = header(&["00ff", WITH_ROLLED_SECRET]);
        assert_eq!(
            verify(
                &both,
                BODY,
                &["whsec_test_secret", "whsec_rolled_secret"],
                T
            ),
            Ok(T)
        );
        let v0_too = format!("{},v0=deadbeef", header(&[WITH_TEST_SECRET]));
        assert_eq!(verify(&v0_too, BODY, &["whsec_test_secret"], T), Ok(T));
    }

    #[test]
    fn a_changed_body_a_wrong_secret_or_a_replay_is_refused() {
        let h = header(&[WITH_TEST_SECRET]);
        let tampered = br#"{"id":"evt_1","type":"charge.refunded"}"#;
        assert_eq!(
            verify(&h, tampered, &["whsec_test_secret"], T),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&h, BODY, &["whsec_other"], T),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&h, BODY, &["whsec_test_secret"], T + 301),
            Err(SignatureError::Stale)
        );
        let not_hex = header(&["zz-not-hex"]);
        assert_eq!(
            verify(&not_hex, BODY, &["whsec_test_secret"], T),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_header_without_a_time_or_a_signature_is_malformed() {
        for h in [
            format!("v1={WITH_TEST_SECRET}"),
            format!("t={T}"),
            format!("t=soon,v1={WITH_TEST_SECRET}"),
            String::new(),
        ] {
            assert_eq!(
                verify(&h, BODY, &["whsec_test_secret"], T),
                Err(SignatureError::Malformed),
                "{h}"
            );
        }
    }
}
