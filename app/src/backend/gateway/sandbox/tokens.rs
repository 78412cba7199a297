//! Confirming a card setup: `POST /gateway/v1/setup_intents/{id}/confirm` checks the setup's
//! secret and the card, rate-limits the caller and keeps a token with a keyed fingerprint instead
//! of the number.

use super::{
    RATE_LIMIT, RATE_WINDOW_SECS, SandboxGateway, TOKEN_TTL_SECS, setups::random_id,
    test_cards::test_card,
};
use crate::{
    backend::StoreError,
    domain::{
        Timestamp,
        tokenization::{ConfirmedSetup, SetupConfirmation, TokenRefusal},
    },
};
use sqlx::Row;

/// Why a setup was not confirmed.
#[derive(Debug)]
pub enum TokenFailure {
    /// The card was refused; the refusal is safe to show.
    Refused(TokenRefusal),
    /// No such setup, a wrong secret, already confirmed or too old.
    UnknownSetup,
    /// Too many requests from this address.
    RateLimited,
    /// Our fault; the cause is for the log.
    Internal(String),
}

impl From<StoreError> for TokenFailure {
    fn from(e: StoreError) -> Self {
        TokenFailure::Internal(e.to_string())
    }
}

impl From<sqlx::Error> for TokenFailure {
    fn from(e: sqlx::Error) -> Self {
        TokenFailure::Internal(e.to_string())
    }
}

/// Random or keyed bytes written as letters a–p, so no token or fingerprint contains digit runs
/// that could be mistaken for (or hide) a card number.
pub(super) fn letters(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|b| [b >> 4, b & 0x0f])
        .map(|n| char::from(b'a' + n))
        .collect()
}

impl SandboxGateway {
    /// Counts a token request from `ip_key`; `false` once the address is over its limit.
    async fn admit(&self, ip_key: &str, now: Timestamp) -> Result<bool, sqlx::Error> {
        let pool = self.store.pool();
        sqlx::query("INSERT INTO gateway_requests (ip_key, created_at) VALUES ($1, $2)")
            .bind(ip_key)
            .bind(now.unix())
            .execute(pool)
            .await?;
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM gateway_requests WHERE ip_key = $1 AND created_at >= $2",
        )
        .bind(ip_key)
        .bind(now.unix() - RATE_WINDOW_SECS)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
        Ok(n <= RATE_LIMIT)
    }

    /// `POST /gateway/v1/setup_intents/{id}/confirm`: checks the secret and the card, and
    /// saves the card as the setup's token.
    pub async fn confirm_setup(
        &self,
        setup_id: &str,
        confirmation: &SetupConfirmation,
        ip_key: &str,
    ) -> Result<ConfirmedSetup, TokenFailure> {
        let now = self.clock.now();
        if !self.admit(ip_key, now).await? {
            return Err(TokenFailure::RateLimited);
        }
        let open = sqlx::query(
            "SELECT id FROM gateway_setups WHERE id = $1 AND secret_hash = $2 \
             AND token IS NULL AND created_at >= $3",
        )
        .bind(setup_id)
        .bind(self.secret_hash(&confirmation.client_secret))
        .bind(now.unix() - TOKEN_TTL_SECS)
        .fetch_optional(self.store.pool())
        .await?;
        if open.is_none() {
            return Err(TokenFailure::UnknownSetup);
        }
        let request = &confirmation.card();
        let card = request.check(self.today()).map_err(|errors| {
            let (field, message) = errors.into_iter().next().unwrap_or_default();
            let code = match (field, message.as_str()) {
                ("number", _) => "incorrect_number",
                ("expiry", m) if m.contains("expired") => "expired_card",
                ("expiry", _) => "invalid_expiry",
                ("cvc", _) => "invalid_security_code",
                ("zip", _) => "invalid_zip",
                _ => "invalid_name",
            };
            TokenFailure::Refused(TokenRefusal {
                code: code.to_owned(),
                field: Some(field.to_owned()),
                message,
            })
        })?;
        let behaviour = test_card(card.number.expose_digits()).map_err(|d| {
            TokenFailure::Refused(TokenRefusal {
                code: d.code().to_owned(),
                field: d.field().map(str::to_owned),
                message: d.message().to_owned(),
            })
        })?;
        let token = random_id("pm", 16);
        let fingerprint = self.fingerprint(card.number.expose_digits());
        let masked = card.number.masked();
        sqlx::query(
            "INSERT INTO gateway_tokens (token, fingerprint, brand, last4, exp_month, exp_year, \
             cardholder, zip, behaviour, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&token)
        .bind(&fingerprint)
        .bind(masked.brand.name())
        .bind(masked.last4.as_str())
        .bind(i64::from(card.expiry.month))
        .bind(i64::from(card.expiry.year))
        .bind(&card.name)
        .bind(&card.zip)
        .bind(behaviour.code())
        .bind(now.unix())
        .execute(self.store.pool())
        .await?;
        let confirmed =
            sqlx::query("UPDATE gateway_setups SET token = $1 WHERE id = $2 AND token IS NULL")
                .bind(&token)
                .bind(setup_id)
                .execute(self.store.pool())
                .await?
                .rows_affected();
        if confirmed != 1 {
            return Err(TokenFailure::UnknownSetup);
        }
        Ok(ConfirmedSetup {
            id: setup_id.to_owned(),
            brand: masked.brand,
            last4: masked.last4,
            expiry: card.expiry,
        })
    }

    pub(super) fn fingerprint(&self, digits: &str) -> String {
        let hex = self
            .secret
            .hmac_hex("gateway-fingerprint", digits.as_bytes());
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
        format!("fp_{}", letters(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_never_contain_digits() {
        let s = letters(&[0x00, 0x9f, 0xff, 0x42]);
        assert_eq!(s, "aajpppec");
        assert!(!s.chars().any(|c| c.is_ascii_digit()));
    }
}
