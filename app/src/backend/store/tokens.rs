//! One-time invitation and password-reset tokens, stored only as HMACs.

use super::{Store, StoreError};
use crate::domain::{CustomerId, Timestamp};
use sqlx::Row;

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Accept a portal invitation (verify the email, set the first password).
    Invitation,
    /// Choose a new password.
    PasswordReset,
}

/// Whether reading a token also uses it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Only look (a page showing the set-password form).
    Peek,
    /// Mark it used in the same statement (the form's post).
    UseUp,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::PasswordReset => "password_reset",
        }
    }
}

impl Store {
    /// Stores a new token for a customer and voids their older unused tokens of the same purpose.
    pub async fn issue_token(
        &self,
        customer: CustomerId,
        purpose: TokenPurpose,
        token_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE auth_tokens SET used_at = $1 \
             WHERE customer_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .bind(now.unix())
        .bind(customer.get())
        .bind(purpose.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO auth_tokens (token_hash, purpose, customer_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(customer.get())
        .bind(now.unix())
        .bind(expires_at.unix())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer a token is valid for right now (unused, unexpired, right purpose); with
    /// [`TokenUse::UseUp`] atomically marked used, so of two concurrent calls only one gets it.
    pub async fn token_customer(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
        how: TokenUse,
    ) -> Result<Option<CustomerId>, StoreError> {
        let sql = match how {
            TokenUse::Peek => {
                "SELECT customer_id FROM auth_tokens \
                 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1"
            }
            TokenUse::UseUp => {
                "UPDATE auth_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
                 RETURNING customer_id"
            }
        };
        let row = sqlx::query(sql)
            .bind(now.unix())
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| r.try_get("customer_id"))
            .transpose()?
            .map(CustomerId::new))
    }

    /// Every stored token hash (for tests that prove no raw token is kept).
    pub async fn all_token_hashes(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT token_hash FROM auth_tokens")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("token_hash")?)).collect()
    }
}

impl Store {
    /// Marks every unused token of a purpose for a customer as used.
    pub async fn void_tokens(
        &self,
        customer: CustomerId,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE customer_id = $2 AND purpose = $3 AND used_at IS NULL")
            .bind(now.unix())
            .bind(customer.get())
            .bind(purpose.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether a customer has an unused, unexpired invitation.
    pub async fn has_pending_invitation(
        &self,
        customer: CustomerId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM auth_tokens WHERE customer_id = $1 AND purpose = 'invitation' \
             AND used_at IS NULL AND expires_at > $2",
        )
        .bind(customer.get())
        .bind(now.unix())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}
