//! Server-side sessions, shared by every server instance through the database.

use super::{Store, StoreError};
use crate::domain::{CustomerId, StaffId, Timestamp};
use sqlx::Row;

/// Who a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A customer signed in to the portal.
    Customer(CustomerId),
    /// An office staff member.
    Staff(StaffId),
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose it is.
    pub principal: Principal,
    /// When it was created (for the absolute timeout).
    pub created_at: Timestamp,
    /// When it was last used (for the idle timeout).
    pub last_seen_at: Timestamp,
}

impl Store {
    /// Stores a new session under the hash of its id.
    pub async fn insert_session(
        &self,
        id_hash: &str,
        principal: Principal,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (customer, staff) = match principal {
            Principal::Customer(id) => (Some(id.get()), None),
            Principal::Staff(id) => (None, Some(id.get())),
        };
        sqlx::query(
            "INSERT INTO sessions (id_hash, customer_id, staff_id, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id_hash)
        .bind(customer)
        .bind(staff)
        .bind(now.unix())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A session by the hash of its id.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query("SELECT customer_id, staff_id, created_at, last_seen_at FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let principal = match (
            row.try_get::<Option<i64>, _>("customer_id")?,
            row.try_get::<Option<i64>, _>("staff_id")?,
        ) {
            (Some(c), None) => Principal::Customer(CustomerId::new(c)),
            (None, Some(s)) => Principal::Staff(StaffId::new(s)),
            _ => return Ok(None),
        };
        Ok(Some(SessionRecord {
            principal,
            created_at: Timestamp::from_unix(row.try_get("created_at")?),
            last_seen_at: Timestamp::from_unix(row.try_get("last_seen_at")?),
        }))
    }

    /// Marks a session as used now.
    pub async fn touch_session(&self, id_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now.unix())
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes one session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes every session of a principal except, optionally, one; returns how many ended.
    pub async fn delete_sessions_of(
        &self,
        principal: Principal,
        except_hash: Option<&str>,
    ) -> Result<u64, StoreError> {
        let (column, id) = match principal {
            Principal::Customer(id) => ("customer_id", id.get()),
            Principal::Staff(id) => ("staff_id", id.get()),
        };
        let sql = format!("DELETE FROM sessions WHERE {column} = $1 AND id_hash <> $2");
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(except_hash.unwrap_or(""))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// How many sessions a principal has.
    pub async fn session_count(&self, principal: Principal) -> Result<i64, StoreError> {
        let (column, id) = match principal {
            Principal::Customer(id) => ("customer_id", id.get()),
            Principal::Staff(id) => ("staff_id", id.get()),
        };
        let sql = format!("SELECT COUNT(*) AS n FROM sessions WHERE {column} = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }
}
