//! The embedded sandbox gateway: a processor's test mode served by Porchlight's own binary, with
//! its own tables. It checks the card, reproduces the public test-card outcomes, and keeps only a
//! token, brand, last 4, expiry and a keyed fingerprint: never the number or security code.

use super::{CardDetails, ChargeOutcome, Decline, Gateway, GatewayError};
use crate::{
    backend::{Clock, Secret, Store, StoreError},
    domain::{
        Cents, Timestamp,
        card::{Brand, Expiry, Last4},
        tokenization::{PaymentToken, TokenRefusal, TokenRequest, TokenResponse},
    },
};
use sqlx::Row;

/// An unattached token stops working after this many seconds.
pub const TOKEN_TTL_SECS: i64 = 15 * 60;
/// Token requests allowed per address in [`RATE_WINDOW_SECS`].
pub const RATE_LIMIT: i64 = 40;
/// The rate-limit window.
pub const RATE_WINDOW_SECS: i64 = 10 * 60;

/// How a test card behaves once saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    Approve,
    Decline(Decline),
}

impl Behaviour {
    fn code(self) -> &'static str {
        match self {
            Behaviour::Approve => "approve",
            Behaviour::Decline(d) => d.code(),
        }
    }

    fn from_code(code: &str) -> Self {
        [
            Decline::Generic,
            Decline::InsufficientFunds,
            Decline::LostCard,
            Decline::StolenCard,
            Decline::ExpiredCard,
            Decline::IncorrectCvc,
            Decline::ProcessingError,
        ]
        .into_iter()
        .find(|d| d.code() == code)
        .map_or(Behaviour::Approve, Behaviour::Decline)
    }
}

/// What happens to a test number: refused when tokenized, or how it behaves later.
fn test_card(digits: &str) -> Result<Behaviour, Decline> {
    match digits {
        "4000000000000069" => Err(Decline::ExpiredCard),
        "4000000000000127" => Err(Decline::IncorrectCvc),
        "4000000000000119" => Err(Decline::ProcessingError),
        "4000000000000002" | "4000000000000341" => Ok(Behaviour::Decline(Decline::Generic)),
        "4000000000009995" => Ok(Behaviour::Decline(Decline::InsufficientFunds)),
        "4000000000009987" => Ok(Behaviour::Decline(Decline::LostCard)),
        "4000000000009979" => Ok(Behaviour::Decline(Decline::StolenCard)),
        _ => Ok(Behaviour::Approve),
    }
}

/// Why a tokenization was not answered with a token.
#[derive(Debug)]
pub enum TokenFailure {
    /// The card was refused; the refusal is safe to show.
    Refused(TokenRefusal),
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
fn letters(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|b| [b >> 4, b & 0x0f])
        .map(|n| char::from(b'a' + n))
        .collect()
}

/// The sandbox processor over Porchlight's database connection (its own `gateway_*` tables).
#[derive(Debug, Clone)]
pub struct SandboxGateway {
    store: Store,
    secret: Secret,
    clock: Clock,
}

impl SandboxGateway {
    /// A sandbox using this database, key and clock.
    pub fn new(store: Store, secret: Secret, clock: Clock) -> Self {
        Self {
            store,
            secret,
            clock,
        }
    }

    fn today(&self) -> (i32, u32) {
        self.clock.now().year_month()
    }

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

    /// `POST /gateway/v1/tokens`: checks a card and returns a token for it.
    pub async fn tokenize(
        &self,
        request: &TokenRequest,
        ip_key: &str,
    ) -> Result<TokenResponse, TokenFailure> {
        let now = self.clock.now();
        if !self.admit(ip_key, now).await? {
            return Err(TokenFailure::RateLimited);
        }
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
        let token = {
            use rand::RngCore;
            let mut bytes = [0u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            format!("tok_{}", letters(&bytes))
        };
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
        Ok(TokenResponse {
            token,
            brand: masked.brand,
            last4: masked.last4,
            expiry: card.expiry,
        })
    }

    /// How many charges the sandbox recorded under an idempotency key (0 or 1; for support and tests).
    pub async fn charges_with_key(&self, idempotency_key: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COUNT(*) AS n FROM gateway_charges WHERE idempotency_key = $1")
                .bind(idempotency_key)
                .fetch_one(self.store.pool())
                .await?
                .try_get("n")?,
        )
    }

    fn fingerprint(&self, digits: &str) -> String {
        let hex = self
            .secret
            .hmac_hex("gateway-fingerprint", digits.as_bytes());
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
        format!("fp_{}", letters(&bytes))
    }

    /// The live (attached, not detached) token's row.
    async fn live(&self, token: &PaymentToken) -> Result<(CardDetails, Behaviour), GatewayError> {
        let row = sqlx::query(
            "SELECT fingerprint, brand, last4, exp_month, exp_year, cardholder, zip, behaviour \
             FROM gateway_tokens WHERE token = $1 AND attached_at IS NOT NULL AND detached_at IS NULL",
        )
        .bind(token.as_str())
        .fetch_optional(self.store.pool())
        .await
        .map_err(unavailable)?
        .ok_or(GatewayError::InvalidToken)?;
        let get = |col: &str| row.try_get::<String, _>(col).map_err(unavailable);
        let brand = Brand::from_name(&get("brand")?)
            .ok_or_else(|| GatewayError::Unavailable("unknown brand in gateway_tokens".into()))?;
        let last4 = Last4::try_from(get("last4")?).map_err(unavailable)?;
        let month: i64 = row.try_get("exp_month").map_err(unavailable)?;
        let year: i64 = row.try_get("exp_year").map_err(unavailable)?;
        let details = CardDetails {
            brand,
            last4,
            expiry: Expiry {
                year: i32::try_from(year).map_err(unavailable)?,
                month: u32::try_from(month).map_err(unavailable)?,
            },
            fingerprint: get("fingerprint")?,
            cardholder: get("cardholder")?,
            zip: get("zip")?,
        };
        Ok((details, Behaviour::from_code(&get("behaviour")?)))
    }
}

fn unavailable(e: impl std::fmt::Display) -> GatewayError {
    GatewayError::Unavailable(e.to_string())
}

#[async_trait::async_trait]
impl Gateway for SandboxGateway {
    async fn attach(&self, token: &PaymentToken) -> Result<CardDetails, GatewayError> {
        let now = self.clock.now();
        let claimed = sqlx::query(
            "UPDATE gateway_tokens SET attached_at = $1 WHERE token = $2 AND attached_at IS NULL \
             AND detached_at IS NULL AND created_at >= $3",
        )
        .bind(now.unix())
        .bind(token.as_str())
        .bind(now.unix() - TOKEN_TTL_SECS)
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if claimed != 1 {
            return Err(GatewayError::InvalidToken);
        }
        Ok(self.live(token).await?.0)
    }

    async fn retrieve(&self, token: &PaymentToken) -> Result<CardDetails, GatewayError> {
        Ok(self.live(token).await?.0)
    }

    async fn update(
        &self,
        token: &PaymentToken,
        expiry: Expiry,
        zip: &str,
    ) -> Result<CardDetails, GatewayError> {
        self.live(token).await?;
        if expiry.is_expired(self.today()) {
            return Err(GatewayError::Declined(Decline::ExpiredCard));
        }
        sqlx::query(
            "UPDATE gateway_tokens SET exp_month = $1, exp_year = $2, zip = $3 WHERE token = $4",
        )
        .bind(i64::from(expiry.month))
        .bind(i64::from(expiry.year))
        .bind(zip)
        .bind(token.as_str())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?;
        Ok(self.live(token).await?.0)
    }

    async fn charge(
        &self,
        token: &PaymentToken,
        amount: Cents,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, GatewayError> {
        let earlier = || async {
            let row = sqlx::query(
                "SELECT token, amount_cents, outcome, reference FROM gateway_charges \
                 WHERE idempotency_key = $1",
            )
            .bind(idempotency_key)
            .fetch_optional(self.store.pool())
            .await
            .map_err(unavailable)?;
            row.map(|row| -> Result<ChargeOutcome, GatewayError> {
                let same = row.try_get::<String, _>("token").map_err(unavailable)?
                    == token.as_str()
                    && row.try_get::<i64, _>("amount_cents").map_err(unavailable)? == amount.get();
                if !same {
                    return Err(GatewayError::KeyReuse);
                }
                let outcome: String = row.try_get("outcome").map_err(unavailable)?;
                Ok(match Behaviour::from_code(&outcome) {
                    Behaviour::Approve => ChargeOutcome::Approved {
                        reference: row.try_get("reference").map_err(unavailable)?,
                    },
                    Behaviour::Decline(d) => ChargeOutcome::Declined(d),
                })
            })
            .transpose()
        };
        if let Some(outcome) = earlier().await? {
            return Ok(outcome);
        }
        let (details, behaviour) = self.live(token).await?;
        let behaviour = if details.expiry.is_expired(self.today()) {
            Behaviour::Decline(Decline::ExpiredCard)
        } else {
            behaviour
        };
        let reference = {
            use rand::RngCore;
            let mut bytes = [0u8; 8];
            rand::rng().fill_bytes(&mut bytes);
            format!("ch_{}", letters(&bytes))
        };
        let inserted = sqlx::query(
            "INSERT INTO gateway_charges (idempotency_key, token, amount_cents, outcome, reference, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(idempotency_key)
        .bind(token.as_str())
        .bind(amount.get())
        .bind(behaviour.code())
        .bind(&reference)
        .bind(self.clock.now().unix())
        .execute(self.store.pool())
        .await;
        match inserted {
            Ok(_) => Ok(match behaviour {
                Behaviour::Approve => ChargeOutcome::Approved { reference },
                Behaviour::Decline(d) => ChargeOutcome::Declined(d),
            }),
            // A concurrent request with the same key won: answer as it did.
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => earlier()
                .await?
                .ok_or(GatewayError::Unavailable("charge vanished".into())),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn detach(&self, token: &PaymentToken) -> Result<(), GatewayError> {
        sqlx::query(
            "UPDATE gateway_tokens SET detached_at = $1 WHERE token = $2 AND detached_at IS NULL",
        )
        .bind(self.clock.now().unix())
        .bind(token.as_str())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?;
        Ok(())
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

    #[test]
    fn test_numbers_have_their_documented_outcomes() {
        assert_eq!(test_card("4000000000000069"), Err(Decline::ExpiredCard));
        assert_eq!(test_card("4000000000000127"), Err(Decline::IncorrectCvc));
        assert_eq!(test_card("4000000000000119"), Err(Decline::ProcessingError));
        assert_eq!(
            test_card("4000000000009995"),
            Ok(Behaviour::Decline(Decline::InsufficientFunds))
        );
        assert_eq!(test_card("4242424242424242"), Ok(Behaviour::Approve));
        for b in [Behaviour::Approve, Behaviour::Decline(Decline::StolenCard)] {
            assert_eq!(Behaviour::from_code(b.code()), b);
        }
    }
}
