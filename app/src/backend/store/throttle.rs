//! Counted events in the database (failed logins, requests per address), so limits hold across servers.

use super::{Store, StoreError};
use crate::domain::Timestamp;
use sqlx::Row;

impl Store {
    /// How many events a bucket has had since a moment.
    pub async fn count_events(&self, bucket: &str, since: Timestamp) -> Result<i64, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM throttle_events WHERE bucket = $1 AND at >= $2")
                .bind(bucket)
                .bind(since.unix())
                .fetch_one(self.pool())
                .await?;
        Ok(row.try_get("n")?)
    }

    /// Counts one event now and forgets every event older than a day.
    pub async fn record_event(&self, bucket: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM throttle_events WHERE at < $1")
            .bind(now.plus_seconds(-86_400).unix())
            .execute(self.pool())
            .await?;
        sqlx::query("INSERT INTO throttle_events (bucket, at) VALUES ($1, $2)")
            .bind(bucket)
            .bind(now.unix())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets every event of the buckets whose names start with `prefix`.
    pub async fn clear_events_with_prefix(&self, prefix: &str) -> Result<(), StoreError> {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        sqlx::query("DELETE FROM throttle_events WHERE bucket = $1 OR bucket LIKE $2 ESCAPE '\\'")
            .bind(prefix)
            .bind(format!("{escaped}:%"))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets every event of a bucket (e.g. failures after a successful sign-in).
    pub async fn clear_events(&self, bucket: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM throttle_events WHERE bucket = $1")
            .bind(bucket)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
