//! Staff password-reset links, stored only as HMACs: single use, expiring, and the older ones
//! of a staff member die when a new one is issued or one is used.

use super::{Store, StoreError};
use crate::domain::{StaffId, Timestamp};
use sqlx::Row;

impl Store {
    /// Stores a new reset token for a staff member and voids their older unused ones.
    pub async fn issue_staff_reset_token(
        &self,
        staff: StaffId,
        token_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE staff_reset_tokens SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL",
        )
        .bind(now.unix())
        .bind(staff.get())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO staff_reset_tokens (token_hash, staff_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(staff.get())
        .bind(now.unix())
        .bind(expires_at.unix())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a reset token is usable right now (unused, unexpired, its staff member enabled).
    pub async fn staff_reset_token_is_live(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM staff_reset_tokens t JOIN staff s ON s.id = t.staff_id \
             WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND s.disabled = 0",
        )
        .bind(token_hash)
        .bind(now.unix())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Uses a live reset token up and, in the same transaction, sets its staff member's password,
    /// ends their sessions and voids their other reset tokens. `None` (nothing changed) when the
    /// token is not live; of two concurrent calls with one token only one gets it.
    pub async fn reset_staff_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<StaffId>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE staff_reset_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             AND staff_id IN (SELECT id FROM staff WHERE disabled = 0) \
             RETURNING staff_id",
        )
        .bind(now.unix())
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let staff = StaffId::new(row.try_get("staff_id")?);
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(staff.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(staff.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE staff_reset_tokens SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL",
        )
        .bind(now.unix())
        .bind(staff.get())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(staff))
    }

    /// Every stored staff reset token hash (for tests that prove no raw token is kept).
    pub async fn all_staff_token_hashes(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT token_hash FROM staff_reset_tokens")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("token_hash")?)).collect()
    }
}
