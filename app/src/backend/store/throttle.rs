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

    /// Counts one event now.
    pub async fn record_event(&self, bucket: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO throttle_events (bucket, at) VALUES ($1, $2)")
            .bind(bucket)
            .bind(now.unix())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Counts one event now in every bucket if each has had fewer than its limit since its
    /// moment, `(bucket, since, limit)`; otherwise counts nothing. `Ok(false)` when refused.
    /// One transaction, serialized per bucket (SQLite's write lock, PostgreSQL advisory locks), so
    /// concurrent callers see each other and exactly `limit` get through.
    pub async fn admit_event(
        &self,
        buckets: &[(&str, Timestamp, i64)],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend() == super::Backend::Postgres {
            let mut names: Vec<&str> = buckets.iter().map(|b| b.0).collect();
            names.sort_unstable();
            for name in names {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (bucket, since, limit) in buckets {
            let n: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM throttle_events WHERE bucket = $1 AND at >= $2",
            )
            .bind(bucket)
            .bind(since.unix())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if n >= *limit {
                return Ok(false);
            }
        }
        for (bucket, _, _) in buckets {
            sqlx::query("INSERT INTO throttle_events (bucket, at) VALUES ($1, $2)")
                .bind(bucket)
                .bind(now.unix())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes what can no longer matter at `now`: counted events older than a day, sessions past
    /// their idle or absolute timeout, one-time links expired for a day, sandbox card tokens never
    /// attached within a day, sandbox card setups and request counts older than a day. Returns
    /// rows deleted.
    pub async fn purge_expired(&self, now: Timestamp) -> Result<u64, StoreError> {
        use crate::backend::auth::sessions::{ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS};
        let day_ago = now.plus_seconds(-86_400).unix();
        let idle = now.plus_seconds(-IDLE_TIMEOUT_SECS).unix();
        let started = now.plus_seconds(-ABSOLUTE_TIMEOUT_SECS).unix();
        let mut deleted = 0;
        for (sql, binds) in [
            ("DELETE FROM throttle_events WHERE at < $1", vec![day_ago]),
            (
                "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
                vec![idle, started],
            ),
            (
                "DELETE FROM auth_tokens WHERE expires_at < $1",
                vec![day_ago],
            ),
            (
                "DELETE FROM staff_reset_tokens WHERE expires_at < $1",
                vec![day_ago],
            ),
            (
                "DELETE FROM gateway_tokens WHERE attached_at IS NULL AND created_at < $1",
                vec![day_ago],
            ),
            (
                "DELETE FROM gateway_setups WHERE created_at < $1",
                vec![day_ago],
            ),
            (
                "DELETE FROM gateway_requests WHERE created_at < $1",
                vec![day_ago],
            ),
        ] {
            let mut query = sqlx::query(sql);
            for value in binds {
                query = query.bind(value);
            }
            deleted += query.execute(self.pool()).await?.rows_affected();
        }
        Ok(deleted)
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
