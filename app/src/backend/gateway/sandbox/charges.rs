//! The sandbox's charges, shaped like PaymentIntents: one per idempotency key, approved, declined,
//! or waiting for the card's bank (3-D Secure test card 4000 0025 0000 3155), which the browser
//! completes or fails at `POST /gateway/v1/payment_intents/{id}/authenticate`; refunds and
//! disputes made at the processor come with the events a processor sends.

use super::webhooks::SignedEvent;
use super::{
    SandboxGateway, setups::random_id, test_cards::Behaviour, tokens::letters, unavailable,
};
use crate::{
    backend::gateway::{ChargeOutcome, ChargeRecord, ChargeRequest, Decline, GatewayError},
    domain::Cents,
};
use sqlx::Row;

/// A charge's stored outcome while it waits for the card's bank.
const WAITING: &str = "requires_action";

/// The cardholder's answer to their bank's check, from the sandbox's bank page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Authentication {
    /// "Complete": the payment goes through.
    Complete,
    /// "Fail": the bank refuses it.
    Fail,
}

/// Why an authentication was not recorded.
#[derive(Debug)]
pub enum AuthenticationFailure {
    /// No such charge, a wrong secret, or the charge is not waiting (any more).
    UnknownCharge,
    /// Our fault; the cause is for the log.
    Internal(String),
}

impl SandboxGateway {
    /// The client secret of a charge: derived from its id with the sandbox's key, so it is never
    /// stored and a replay answers with the same one.
    fn payment_secret(&self, charge: &str) -> String {
        let hex = self
            .secret
            .hmac_hex("sandbox-payment-secret", charge.as_bytes());
        let bytes: Vec<u8> = (0..12)
            .filter_map(|i| hex.get(2 * i..2 * i + 2))
            .filter_map(|h| u8::from_str_radix(h, 16).ok())
            .collect();
        format!("{charge}_secret_{}", letters(&bytes))
    }

    /// What a stored charge row says.
    fn outcome_of(&self, outcome: &str, reference: String) -> ChargeOutcome {
        match outcome {
            "approve" => ChargeOutcome::Approved { reference },
            WAITING => ChargeOutcome::RequiresAction {
                client_secret: self.payment_secret(&reference),
                charge: reference,
            },
            code => ChargeOutcome::Declined(Decline::from_code(code).unwrap_or(Decline::Generic)),
        }
    }

    /// The charge stored under `request`'s key, as it stands now (`KeyReuse` when that key was
    /// used for another card or amount); `Gateway::find_charge`, as the sandbox never forgets
    /// a key.
    pub(super) async fn charge_with_key(
        &self,
        request: &ChargeRequest<'_>,
    ) -> Result<Option<ChargeOutcome>, GatewayError> {
        let row = sqlx::query(
            "SELECT token, amount_cents, outcome, reference FROM gateway_charges \
             WHERE idempotency_key = $1",
        )
        .bind(request.idempotency_key)
        .fetch_optional(self.store.pool())
        .await
        .map_err(unavailable)?;
        row.map(|row| -> Result<ChargeOutcome, GatewayError> {
            let same = row.try_get::<String, _>("token").map_err(unavailable)?
                == request.method.as_str()
                && row.try_get::<i64, _>("amount_cents").map_err(unavailable)?
                    == request.amount.get();
            if !same {
                return Err(GatewayError::KeyReuse);
            }
            let outcome: String = row.try_get("outcome").map_err(unavailable)?;
            Ok(self.outcome_of(&outcome, row.try_get("reference").map_err(unavailable)?))
        })
        .transpose()
    }

    /// `Gateway::charge`: once per key; a replay answers with the charge's current outcome.
    pub(super) async fn charge_once(
        &self,
        request: &ChargeRequest<'_>,
    ) -> Result<ChargeOutcome, GatewayError> {
        let ChargeRequest {
            method: token,
            amount,
            idempotency_key,
            ..
        } = *request;
        if let Some(outcome) = self.charge_with_key(request).await? {
            return Ok(outcome);
        }
        let (details, behaviour, owner) = self.live(token).await?;
        if owner.is_some_and(|owner| owner != request.customer.as_str()) {
            return Err(GatewayError::InvalidToken);
        }
        let (outcome, reference) = if details.expiry.is_expired(self.today()) {
            (Decline::ExpiredCard.code(), random_id("ch", 8))
        } else {
            match behaviour {
                Behaviour::Approve => ("approve", random_id("ch", 8)),
                Behaviour::Decline(d) => (d.code(), random_id("ch", 8)),
                Behaviour::Authenticate => (WAITING, random_id("pi", 12)),
            }
        };
        let inserted = sqlx::query(
            "INSERT INTO gateway_charges (idempotency_key, token, amount_cents, outcome, reference, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(idempotency_key)
        .bind(token.as_str())
        .bind(amount.get())
        .bind(outcome)
        .bind(&reference)
        .bind(self.clock.now().unix())
        .execute(self.store.pool())
        .await;
        match inserted {
            Ok(_) => Ok(self.outcome_of(outcome, reference)),
            // A concurrent request with the same key won: answer as it did.
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => self
                .charge_with_key(request)
                .await?
                .ok_or(GatewayError::Unavailable("charge vanished".into())),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// `Gateway::charge_status`: the charge's current outcome, by its id.
    pub(super) async fn stored_charge(&self, charge: &str) -> Result<ChargeOutcome, GatewayError> {
        let row = sqlx::query("SELECT outcome FROM gateway_charges WHERE reference = $1")
            .bind(charge)
            .fetch_optional(self.store.pool())
            .await
            .map_err(unavailable)?
            .ok_or(GatewayError::InvalidToken)?;
        let outcome: String = row.try_get("outcome").map_err(unavailable)?;
        Ok(self.outcome_of(&outcome, charge.to_owned()))
    }

    /// `Gateway::cancel_charge`: a charge still waiting is refused for good.
    pub(super) async fn give_up(&self, charge: &str) -> Result<(), GatewayError> {
        self.settle(charge, Decline::AuthenticationFailed.code())
            .await
            .map(drop)
            .map_err(unavailable)
    }

    /// Moves a waiting charge to `outcome`; whether it was waiting.
    async fn settle(&self, charge: &str, outcome: &str) -> Result<bool, sqlx::Error> {
        let changed = sqlx::query(
            "UPDATE gateway_charges SET outcome = $1 WHERE reference = $2 AND outcome = $3",
        )
        .bind(outcome)
        .bind(charge)
        .bind(WAITING)
        .execute(self.store.pool())
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    /// `POST /gateway/v1/payment_intents/{id}/authenticate`: the cardholder's answer to the bank's
    /// check, accepted once, with the charge's client secret; the charge's new status.
    pub async fn authenticate(
        &self,
        charge: &str,
        client_secret: &str,
        answer: Authentication,
    ) -> Result<&'static str, AuthenticationFailure> {
        // Compared as keyed hashes, as setup secrets are: timing says nothing about the secret.
        if self.secret_hash(&self.payment_secret(charge)) != self.secret_hash(client_secret) {
            return Err(AuthenticationFailure::UnknownCharge);
        }
        let (outcome, status) = match answer {
            Authentication::Complete => ("approve", "succeeded"),
            Authentication::Fail => (
                Decline::AuthenticationFailed.code(),
                "requires_payment_method",
            ),
        };
        match self.settle(charge, outcome).await {
            Ok(true) => Ok(status),
            Ok(false) => Err(AuthenticationFailure::UnknownCharge),
            Err(e) => Err(AuthenticationFailure::Internal(e.to_string())),
        }
    }
}

impl SandboxGateway {
    /// `Gateway::charge_record`: an approved charge's refunds and dispute.
    pub(super) async fn stored_record(&self, charge: &str) -> Result<ChargeRecord, GatewayError> {
        let row = sqlx::query(
            "SELECT refunded_cents, disputed FROM gateway_charges \
             WHERE reference = $1 AND outcome = 'approve'",
        )
        .bind(charge)
        .fetch_optional(self.store.pool())
        .await
        .map_err(unavailable)?
        .ok_or(GatewayError::InvalidToken)?;
        Ok(ChargeRecord {
            refunded: Cents::new(row.try_get("refunded_cents").map_err(unavailable)?),
            disputed: row.try_get::<i64, _>("disputed").map_err(unavailable)? != 0,
        })
    }

    /// What the business does in the processor's dashboard: refunds `amount` of an approved
    /// charge (at most what is left), and the `charge.refunded` event announcing it.
    pub async fn refund(&self, charge: &str, amount: Cents) -> Result<SignedEvent, GatewayError> {
        let refunded = sqlx::query(
            "UPDATE gateway_charges SET refunded_cents = refunded_cents + $1 \
             WHERE reference = $2 AND outcome = 'approve' AND refunded_cents + $1 <= amount_cents",
        )
        .bind(amount.get())
        .bind(charge)
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if refunded != 1 || amount.get() <= 0 {
            return Err(GatewayError::InvalidToken);
        }
        let object = serde_json::json!({ "id": charge, "object": "charge" });
        Ok(self.signed_event("charge.refunded", &object))
    }

    /// What a cardholder's bank does when they dispute a charge: the charge is flagged, and the
    /// `charge.dispute.created` event announces it.
    pub async fn dispute(&self, charge: &str) -> Result<SignedEvent, GatewayError> {
        let flagged = sqlx::query(
            "UPDATE gateway_charges SET disputed = 1 WHERE reference = $1 AND outcome = 'approve'",
        )
        .bind(charge)
        .execute(self.store.pool())
        .await
        .map_err(unavailable)?
        .rows_affected();
        if flagged != 1 {
            return Err(GatewayError::InvalidToken);
        }
        let object = serde_json::json!({
            "id": random_id("dp", 12),
            "object": "dispute",
            "charge": charge,
        });
        Ok(self.signed_event("charge.dispute.created", &object))
    }
}
