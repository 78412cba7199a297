//! The sandbox's webhooks: its signing secret, and the events a processor would send when a card
//! changes outside Porchlight (the card network's new expiry or number, a name changed in the
//! processor's dashboard, a card removed at the processor), signed and ready to deliver to
//! `POST /webhooks/stripe`.

use super::{SandboxGateway, setups::random_id, unavailable};
use crate::{
    backend::gateway::{GatewayError, events::sign},
    domain::{
        card::{CardNumber, Expiry},
        tokenization::PaymentToken,
    },
};

/// A signed event: its id, the `Stripe-Signature` value and the raw body.
#[derive(Debug, Clone)]
pub struct SignedEvent {
    /// The event's id (`evt_…`).
    pub id: String,
    /// The `Stripe-Signature` header's value.
    pub signature: String,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl SandboxGateway {
    /// The secret the sandbox signs its webhooks with.
    pub(super) fn webhook_secret(&self) -> String {
        format!("whsec_{}", self.secret.hmac_hex("sandbox-webhook", b""))
    }

    /// Whether the token was saved once and has been detached since.
    pub(super) async fn was_detached(&self, token: &PaymentToken) -> Result<bool, GatewayError> {
        let row = sqlx::query(
            "SELECT 1 AS gone FROM gateway_tokens WHERE token = $1 AND detached_at IS NOT NULL",
        )
        .bind(token.as_str())
        .fetch_optional(self.store.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.is_some())
    }

    /// An event of type `kind` about `object` (JSON), signed now.
    pub fn signed_event(&self, kind: &str, object: &serde_json::Value) -> SignedEvent {
        let now = self.clock.now().unix();
        let id = random_id("evt", 12);
        let body = serde_json::json!({
            "id": id,
            "object": "event",
            "type": kind,
            "created": now,
            "data": { "object": object },
        })
        .to_string()
        .into_bytes();
        SignedEvent {
            id,
            signature: sign(&body, &self.webhook_secret(), now),
            body,
        }
    }

    /// What the card network does when a bank reissues a card: a new expiry on the saved card,
    /// and the `payment_method.automatically_updated` event announcing it.
    pub async fn network_update(
        &self,
        token: &PaymentToken,
        expiry: Expiry,
    ) -> Result<SignedEvent, GatewayError> {
        let updated = sqlx::query(
            "UPDATE gateway_tokens SET exp_month = $1, exp_year = $2 WHERE token = $3 \
             AND attached_at IS NOT NULL AND detached_at IS NULL",
        )
        .bind(i64::from(expiry.month))
        .bind(i64::from(expiry.year))
        .bind(token.as_str())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if updated != 1 {
            return Err(GatewayError::InvalidToken);
        }
        let object = serde_json::json!({
            "id": token.as_str(),
            "object": "payment_method",
            "card": { "exp_month": expiry.month, "exp_year": expiry.year },
        });
        Ok(self.signed_event("payment_method.automatically_updated", &object))
    }

    /// What the card network does when a bank replaces a card with a new number (the same token
    /// keeps working): the saved card takes the new number's brand, last 4 and fingerprint and
    /// the new expiry, and the `payment_method.automatically_updated` event announces it. The
    /// number itself is kept nowhere.
    pub async fn network_reissue(
        &self,
        token: &PaymentToken,
        number: &str,
        expiry: Expiry,
    ) -> Result<SignedEvent, GatewayError> {
        let number = CardNumber::parse(number).map_err(|e| unavailable(e.to_string()))?;
        let masked = number.masked();
        let updated = sqlx::query(
            "UPDATE gateway_tokens SET fingerprint = $1, brand = $2, last4 = $3, exp_month = $4, \
             exp_year = $5 WHERE token = $6 AND attached_at IS NOT NULL AND detached_at IS NULL",
        )
        .bind(self.fingerprint(number.expose_digits()))
        .bind(masked.brand.name())
        .bind(masked.last4.as_str())
        .bind(i64::from(expiry.month))
        .bind(i64::from(expiry.year))
        .bind(token.as_str())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if updated != 1 {
            return Err(GatewayError::InvalidToken);
        }
        let object = serde_json::json!({
            "id": token.as_str(),
            "object": "payment_method",
            "card": {
                "brand": masked.brand.icon(),
                "last4": masked.last4.as_str(),
                "exp_month": expiry.month,
                "exp_year": expiry.year,
            },
        });
        Ok(self.signed_event("payment_method.automatically_updated", &object))
    }

    /// What the business does when it corrects the cardholder's name in the processor's
    /// dashboard (an empty name: the processor keeps none), and the `payment_method.updated`
    /// event announcing it.
    pub async fn rename_outside(
        &self,
        token: &PaymentToken,
        cardholder: &str,
    ) -> Result<SignedEvent, GatewayError> {
        let updated = sqlx::query(
            "UPDATE gateway_tokens SET cardholder = $1 WHERE token = $2 \
             AND attached_at IS NOT NULL AND detached_at IS NULL",
        )
        .bind(cardholder)
        .bind(token.as_str())
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if updated != 1 {
            return Err(GatewayError::InvalidToken);
        }
        Ok(self.payment_method_updated(token))
    }

    /// The `payment_method.updated` event a processor sends after any change to a saved card,
    /// including the ones Porchlight itself asked for (a new expiry or ZIP from the portal).
    pub fn payment_method_updated(&self, token: &PaymentToken) -> SignedEvent {
        let object = serde_json::json!({ "id": token.as_str(), "object": "payment_method" });
        self.signed_event("payment_method.updated", &object)
    }

    /// A card removed at the processor, outside Porchlight, and the `payment_method.detached`
    /// event announcing it.
    pub async fn detach_outside(&self, token: &PaymentToken) -> Result<SignedEvent, GatewayError> {
        use crate::backend::gateway::Gateway as _;
        self.detach(token).await?;
        let object = serde_json::json!({ "id": token.as_str(), "object": "payment_method" });
        Ok(self.signed_event("payment_method.detached", &object))
    }
}
