//! Webhook events, each recorded once by the processor's event id.

use super::{Store, StoreError};
use crate::domain::Timestamp;
use sqlx::Row;

impl Store {
    /// Records an event as being handled; `false` when it was recorded before (a duplicate).
    pub async fn claim_webhook_event(
        &self,
        id: &str,
        kind: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO webhook_events (id, kind, received_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(kind)
        .bind(at.unix())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// Marks a claimed event handled.
    pub async fn webhook_event_done(&self, id: &str, at: Timestamp) -> Result<(), StoreError> {
        sqlx::query("UPDATE webhook_events SET processed_at = $1 WHERE id = $2")
            .bind(at.unix())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets a claimed event whose handling failed, so the processor's retry is handled.
    pub async fn release_webhook_event(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM webhook_events WHERE id = $1 AND processed_at IS NULL")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
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
