//! Office staff accounts.

use super::{Store, StoreError};
use crate::domain::{EmailAddress, StaffId, StaffRole, Timestamp};
use sqlx::Row;

/// A staff account to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in email.
    pub email: EmailAddress,
    /// Display name.
    pub name: String,
    /// What they may do.
    pub role: StaffRole,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A staff account as stored (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Names the staff member in change histories.
    pub id: StaffId,
    /// Sign-in email.
    pub email: EmailAddress,
    /// Display name.
    pub name: String,
    /// What they may do.
    pub role: StaffRole,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

impl Store {
    /// Creates a staff account; a second account with the same email is [`StoreError::Duplicate`].
    pub async fn insert_staff(
        &self,
        new: &NewStaff,
        now: Timestamp,
    ) -> Result<StaffId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO staff (email, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.email.as_str())
        .bind(new.name.as_str())
        .bind(new.role.as_str())
        .bind(new.password_hash.as_str())
        .bind(now.unix())
        .fetch_one(self.pool())
        .await
        .map_err(|e| StoreError::unique(e, "staff email"))?;
        Ok(StaffId::new(row.try_get("id")?))
    }

    /// Looks a staff member up by sign-in email.
    pub async fn staff_by_email(&self, email: &EmailAddress) -> Result<StaffMember, StoreError> {
        let row = sqlx::query("SELECT id, email, name, role, disabled FROM staff WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        staff_from_row(&row)
    }
}

/// A stored value that no longer parses into its domain type.
pub(crate) fn decode_error(column: &str, err: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("{column}: {err}").into())
}

impl Store {
    /// Sign-in credentials of an enabled staff member.
    pub async fn staff_credentials(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<(StaffId, String)>, StoreError> {
        let row =
            sqlx::query("SELECT id, password_hash FROM staff WHERE email = $1 AND disabled = 0")
                .bind(email.as_str())
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| Ok((StaffId::new(r.try_get("id")?), r.try_get("password_hash")?)))
            .transpose()
    }

    /// One staff member by id.
    pub async fn staff_member(&self, id: StaffId) -> Result<StaffMember, StoreError> {
        let row = sqlx::query("SELECT id, email, name, role, disabled FROM staff WHERE id = $1")
            .bind(id.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        staff_from_row(&row)
    }

    /// Every staff member, by name.
    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let rows =
            sqlx::query("SELECT id, email, name, role, disabled FROM staff ORDER BY name, id")
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(staff_from_row).collect()
    }

    /// Replaces a staff member's password hash.
    pub async fn set_staff_password(
        &self,
        id: StaffId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id.get())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Disables or enables a staff member; disabling also ends their sessions, in one transaction.
    pub async fn set_staff_disabled(&self, id: StaffId, disabled: bool) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE staff SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn staff_from_row(row: &sqlx::any::AnyRow) -> Result<StaffMember, StoreError> {
    let email: String = row.try_get("email")?;
    let role: String = row.try_get("role")?;
    Ok(StaffMember {
        id: StaffId::new(row.try_get("id")?),
        email: EmailAddress::parse(&email).map_err(|e| decode_error("staff.email", e))?,
        name: row.try_get("name")?,
        role: role.parse().map_err(|e| decode_error("staff.role", e))?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}
