//! The embedded sandbox gateway: a processor's test mode served by Porchlight's own binary, with
//! its own tables. It checks the card, reproduces the public test-card outcomes, and keeps only a
//! token, brand, last 4, expiry and a keyed fingerprint: never the number or security code.

mod charges;
mod setups;
mod test_cards;
mod tokens;
mod webhooks;

pub use charges::{Authentication, AuthenticationFailure};
pub use tokens::TokenFailure;
pub use webhooks::SignedEvent;

use super::{
    CardDetails, CardSetup, ChargeOutcome, ChargeRecord, ChargeRequest, CustomerProfile, Decline,
    Gateway, GatewayError, Mode, ProcessorCustomer, SavedMethod,
};
use crate::{
    backend::{Clock, Secret, Store, StoreError},
    domain::{
        card::{Brand, Expiry, Last4},
        tokenization::{PaymentToken, ProcessorScript},
    },
};
use sqlx::Row;
use test_cards::Behaviour;

/// An unconfirmed setup or unattached token stops working after this many seconds.
pub const TOKEN_TTL_SECS: i64 = 15 * 60;
/// Token requests allowed per address in [`RATE_WINDOW_SECS`].
pub const RATE_LIMIT: i64 = 40;
/// The rate-limit window.
pub const RATE_WINDOW_SECS: i64 = 10 * 60;

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

    /// The card behind a saved, not detached token (for support and tests).
    pub async fn saved_card(&self, token: &PaymentToken) -> Result<CardDetails, GatewayError> {
        Ok(self.live(token).await?.0)
    }

    /// The live (attached, not detached) token's row and the customer it was saved for (none for
    /// tokens saved before the sandbox had customers).
    async fn live(
        &self,
        token: &PaymentToken,
    ) -> Result<(CardDetails, Behaviour, Option<String>), GatewayError> {
        let row = sqlx::query(
            "SELECT fingerprint, brand, last4, exp_month, exp_year, cardholder, zip, behaviour, \
             customer \
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
        let customer = row.try_get("customer").map_err(unavailable)?;
        Ok((details, Behaviour::from_code(&get("behaviour")?), customer))
    }
}

fn unavailable(e: impl std::fmt::Display) -> GatewayError {
    GatewayError::Unavailable(e.to_string())
}

#[async_trait::async_trait]
impl Gateway for SandboxGateway {
    fn mode(&self) -> Mode {
        Mode::Test
    }

    fn name(&self) -> &'static str {
        "Porchlight sandbox"
    }

    fn account(&self) -> &'static str {
        "sandbox"
    }

    async fn create_customer(
        &self,
        profile: &CustomerProfile<'_>,
    ) -> Result<ProcessorCustomer, GatewayError> {
        self.create_customer_once(profile).await
    }

    async fn begin_setup(&self, customer: &ProcessorCustomer) -> Result<CardSetup, GatewayError> {
        self.begin(customer).await
    }

    async fn finish_setup(
        &self,
        customer: &ProcessorCustomer,
        setup_id: &str,
    ) -> Result<SavedMethod, GatewayError> {
        let method = self.finish(customer, setup_id).await?;
        let details = self.live(&method).await?.0;
        Ok(SavedMethod { method, details })
    }

    async fn set_default(
        &self,
        customer: &ProcessorCustomer,
        method: &PaymentToken,
    ) -> Result<(), GatewayError> {
        self.make_default(customer, method).await
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

    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, GatewayError> {
        self.charge_once(request).await
    }

    async fn find_charge(
        &self,
        request: &ChargeRequest<'_>,
    ) -> Result<Option<ChargeOutcome>, GatewayError> {
        self.charge_with_key(request).await
    }

    async fn charge_status(&self, charge: &str) -> Result<ChargeOutcome, GatewayError> {
        self.stored_charge(charge).await
    }

    async fn cancel_charge(&self, charge: &str) -> Result<(), GatewayError> {
        self.give_up(charge).await
    }

    async fn charge_record(&self, charge: &str) -> Result<ChargeRecord, GatewayError> {
        self.stored_record(charge).await
    }

    fn script(&self) -> ProcessorScript {
        ProcessorScript::sandbox()
    }

    async fn check(&self) -> Result<(), GatewayError> {
        self.store.ping().await.map_err(unavailable)
    }

    async fn card(&self, method: &PaymentToken) -> Result<Option<CardDetails>, GatewayError> {
        match self.live(method).await {
            Ok((details, ..)) => Ok(Some(details)),
            Err(GatewayError::InvalidToken) if self.was_detached(method).await? => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn webhook_secrets(&self) -> Vec<String> {
        vec![self.webhook_secret()]
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
