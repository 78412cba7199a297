//! The sandbox's customers and card setups, shaped like a processor's Customers and
//! SetupIntents: the server begins a setup, the browser confirms it with the card (see
//! [`super::tokens`]), the server reads back the card it saved.

use super::{SandboxGateway, TOKEN_TTL_SECS, tokens::letters, unavailable};
use crate::{
    backend::gateway::{CardSetup, CustomerProfile, GatewayError, ProcessorCustomer},
    domain::tokenization::{PaymentToken, ProcessorScript},
};
use sqlx::Row;

/// `prefix_` and `n` random bytes written as letters.
pub(super) fn random_id(prefix: &str, n: usize) -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", letters(&bytes))
}

impl SandboxGateway {
    pub(super) fn secret_hash(&self, client_secret: &str) -> String {
        self.secret
            .hmac_hex("sandbox-setup-secret", client_secret.as_bytes())
    }

    /// Creates the sandbox customer for `profile`, once per Porchlight customer.
    pub(super) async fn create_customer_once(
        &self,
        profile: &CustomerProfile<'_>,
    ) -> Result<ProcessorCustomer, GatewayError> {
        let key = format!("porchlight-customer-{}", profile.id);
        sqlx::query(
            "INSERT INTO gateway_customers (id, idempotency_key, email, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(random_id("cus", 8))
        .bind(&key)
        .bind(profile.email)
        .bind(self.clock.now().unix())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?;
        let id: String = sqlx::query("SELECT id FROM gateway_customers WHERE idempotency_key = $1")
            .bind(&key)
            .fetch_one(self.store.pool())
            .await
            .and_then(|row| row.try_get("id"))
            .map_err(unavailable)?;
        ProcessorCustomer::parse(&id).ok_or_else(|| unavailable("malformed customer id"))
    }

    /// Starts a setup for an existing sandbox customer.
    pub(super) async fn begin(
        &self,
        customer: &ProcessorCustomer,
    ) -> Result<CardSetup, GatewayError> {
        let known = sqlx::query("SELECT id FROM gateway_customers WHERE id = $1")
            .bind(customer.as_str())
            .fetch_optional(self.store.pool())
            .await
            .map_err(unavailable)?;
        if known.is_none() {
            return Err(GatewayError::InvalidToken);
        }
        let id = random_id("seti", 12);
        let client_secret = random_id(&format!("{id}_secret"), 16);
        sqlx::query(
            "INSERT INTO gateway_setups (id, secret_hash, customer, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(self.secret_hash(&client_secret))
        .bind(customer.as_str())
        .bind(self.clock.now().unix())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?;
        Ok(CardSetup {
            id,
            client_secret,
            script: ProcessorScript::sandbox(),
        })
    }

    /// The card a confirmed setup saved, claimed for `customer` once.
    pub(super) async fn finish(
        &self,
        customer: &ProcessorCustomer,
        setup_id: &str,
    ) -> Result<PaymentToken, GatewayError> {
        let row = sqlx::query("SELECT token FROM gateway_setups WHERE id = $1 AND customer = $2")
            .bind(setup_id)
            .bind(customer.as_str())
            .fetch_optional(self.store.pool())
            .await
            .map_err(unavailable)?
            .ok_or(GatewayError::InvalidToken)?;
        let token: Option<String> = row.try_get("token").map_err(unavailable)?;
        let token = token
            .as_deref()
            .and_then(PaymentToken::parse)
            .ok_or(GatewayError::InvalidToken)?;
        let now = self.clock.now();
        let claimed = sqlx::query(
            "UPDATE gateway_tokens SET attached_at = $1, customer = $2 WHERE token = $3 \
             AND attached_at IS NULL AND detached_at IS NULL AND created_at >= $4",
        )
        .bind(now.unix())
        .bind(customer.as_str())
        .bind(token.as_str())
        .bind(now.unix() - TOKEN_TTL_SECS)
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if claimed != 1 {
            return Err(GatewayError::InvalidToken);
        }
        Ok(token)
    }

    /// Records `method` as the customer's default.
    pub(super) async fn make_default(
        &self,
        customer: &ProcessorCustomer,
        method: &PaymentToken,
    ) -> Result<(), GatewayError> {
        let updated = sqlx::query(
            "UPDATE gateway_customers SET default_method = $1 WHERE id = $2 AND EXISTS \
             (SELECT 1 FROM gateway_tokens WHERE token = $1 AND customer = $2 \
              AND detached_at IS NULL)",
        )
        .bind(method.as_str())
        .bind(customer.as_str())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if updated == 1 {
            Ok(())
        } else {
            Err(GatewayError::InvalidToken)
        }
    }

    /// The customer's default card at the sandbox (for support and tests).
    pub async fn default_method(&self, customer: &str) -> Result<Option<String>, GatewayError> {
        let row = sqlx::query("SELECT default_method FROM gateway_customers WHERE id = $1")
            .bind(customer)
            .fetch_optional(self.store.pool())
            .await
            .map_err(unavailable)?
            .ok_or(GatewayError::InvalidToken)?;
        row.try_get("default_method").map_err(unavailable)
    }
}
