//! Webhook events: each recorded once by the processor's event id with what handling needs,
//! then claimed by one server's background pass at a time, finished, or given back for later.

use super::{Store, StoreError};
use crate::{
    backend::gateway::events::{EventAction, WebhookEvent},
    domain::Timestamp,
};
use sqlx::Row;

/// A recorded event one server has claimed for handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedEvent {
    /// The processor's event id.
    pub id: String,
    /// The event type.
    pub kind: String,
    /// What to do about it.
    pub action: EventAction,
    /// Claims so far, this one included.
    pub attempts: i64,
    /// This claim's own random key: only its holder can finish or give back the event.
    pub claim: String,
}

/// Candidates looked at per claim before giving up to other servers.
const CLAIM_TRIES: usize = 8;

impl Store {
    /// Records a signed event, due at once; `false` when it was recorded before (a redelivery).
    pub async fn record_webhook_event(
        &self,
        event: &WebhookEvent,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let (action, target) = event.action.to_record();
        let inserted = sqlx::query(
            "INSERT INTO webhook_events (id, kind, received_at, action, target, due_at) \
             VALUES ($1, $2, $3, $4, $5, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&event.id)
        .bind(&event.kind)
        .bind(at.unix())
        .bind(action)
        .bind(target)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// Claims the oldest event due at `now` that nobody holds (a claim taken before
    /// `stale_before` is abandoned and may be taken again); `None` when there is none.
    pub async fn claim_webhook_event(
        &self,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> Result<Option<ClaimedEvent>, StoreError> {
        for _ in 0..CLAIM_TRIES {
            let Some(row) = sqlx::query(
                "SELECT id, kind, action, target, attempts FROM webhook_events \
                 WHERE processed_at IS NULL AND due_at <= $1 \
                 AND (claimed_at IS NULL OR claimed_at < $2) \
                 ORDER BY due_at, received_at, id LIMIT 1",
            )
            .bind(now.unix())
            .bind(stale_before.unix())
            .fetch_optional(self.pool())
            .await?
            else {
                return Ok(None);
            };
            let id: String = row.try_get("id")?;
            let claim = format!("{:032x}", rand::random::<u128>());
            // The same conditions again: of two servers that read the same row, one updates it.
            let taken = sqlx::query(
                "UPDATE webhook_events SET claim = $1, claimed_at = $2, attempts = attempts + 1 \
                 WHERE id = $3 AND processed_at IS NULL AND due_at <= $2 \
                 AND (claimed_at IS NULL OR claimed_at < $4)",
            )
            .bind(&claim)
            .bind(now.unix())
            .bind(&id)
            .bind(stale_before.unix())
            .execute(self.pool())
            .await?
            .rows_affected();
            if taken == 1 {
                let action: String = row.try_get("action")?;
                let target: String = row.try_get("target")?;
                return Ok(Some(ClaimedEvent {
                    id,
                    kind: row.try_get("kind")?,
                    action: EventAction::from_record(&action, &target),
                    attempts: row.try_get::<i64, _>("attempts")? + 1,
                    claim,
                }));
            }
        }
        Ok(None)
    }

    /// Marks a claimed event handled; `false` when the claim was no longer this one's.
    pub async fn finish_webhook_event(
        &self,
        event: &ClaimedEvent,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE webhook_events SET processed_at = $1, claim = NULL, claimed_at = NULL \
             WHERE id = $2 AND claim = $3 AND processed_at IS NULL",
        )
        .bind(at.unix())
        .bind(&event.id)
        .bind(&event.claim)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    /// Gives a claimed event back, due again at `due`; `false` when the claim was no longer
    /// this one's.
    pub async fn retry_webhook_event(
        &self,
        event: &ClaimedEvent,
        due: Timestamp,
    ) -> Result<bool, StoreError> {
        let given_back = sqlx::query(
            "UPDATE webhook_events SET due_at = $1, claim = NULL, claimed_at = NULL \
             WHERE id = $2 AND claim = $3 AND processed_at IS NULL",
        )
        .bind(due.unix())
        .bind(&event.id)
        .bind(&event.claim)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(given_back == 1)
    }

    /// Whether the event was handled: `None` when it was never recorded.
    pub async fn webhook_event_handled(&self, id: &str) -> Result<Option<bool>, StoreError> {
        let row = sqlx::query("SELECT processed_at FROM webhook_events WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get::<Option<i64>, _>("processed_at")?.is_some()),
            None => None,
        })
    }

    /// When the last webhook arrived, if one ever did.
    pub async fn last_webhook_at(&self) -> Result<Option<Timestamp>, StoreError> {
        let row = sqlx::query("SELECT MAX(received_at) AS at FROM webhook_events")
            .fetch_one(self.pool())
            .await?;
        Ok(row
            .try_get::<Option<i64>, _>("at")?
            .map(Timestamp::from_unix))
    }
}
