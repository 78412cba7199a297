//! Customer portal accounts (one per customer record, created through an invitation).

use super::{Store, StoreError};
use crate::domain::{CustomerId, EmailAddress, Timestamp};
use sqlx::Row;

/// What a sign-in needs to check a password.
#[derive(Debug, Clone)]
pub struct AccountCredentials {
    /// Whose account.
    pub customer_id: CustomerId,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// An account's public facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    /// When the invitation was accepted.
    pub created_at: Timestamp,
    /// The latest successful sign-in.
    pub last_sign_in_at: Option<Timestamp>,
}

impl Store {
    /// The credentials of the account whose customer has this email, if there is one.
    pub async fn account_credentials(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<AccountCredentials>, StoreError> {
        let row = sqlx::query(
            "SELECT a.customer_id, a.password_hash FROM customer_accounts a \
             JOIN customers c ON c.id = a.customer_id WHERE c.email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(AccountCredentials {
                customer_id: CustomerId::new(row.try_get("customer_id")?),
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    /// A customer's account facts, or `None` when they have no portal account.
    pub async fn account_info(
        &self,
        customer: CustomerId,
    ) -> Result<Option<AccountInfo>, StoreError> {
        let row = sqlx::query(
            "SELECT created_at, last_sign_in_at FROM customer_accounts WHERE customer_id = $1",
        )
        .bind(customer.get())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(AccountInfo {
                created_at: Timestamp::from_unix(row.try_get("created_at")?),
                last_sign_in_at: row
                    .try_get::<Option<i64>, _>("last_sign_in_at")?
                    .map(Timestamp::from_unix),
            })
        })
        .transpose()
    }

    /// The stored password hash of a customer's account.
    pub async fn account_password_hash(&self, customer: CustomerId) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM customer_accounts WHERE customer_id = $1")
            .bind(customer.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get("password_hash")?)
    }

    /// Creates the account (email verified now); `false` when the customer already has one.
    pub async fn create_account(
        &self,
        customer: CustomerId,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO customer_accounts (customer_id, password_hash, email_verified_at, created_at) \
             VALUES ($1, $2, $3, $3) ON CONFLICT (customer_id) DO NOTHING",
        )
        .bind(customer.get())
        .bind(password_hash)
        .bind(now.unix())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces an existing account's password hash.
    pub async fn set_account_password(
        &self,
        customer: CustomerId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE customer_accounts SET password_hash = $1 WHERE customer_id = $2")
                .bind(password_hash)
                .bind(customer.get())
                .execute(self.pool())
                .await?;
        StoreError::one_row(done)
    }

    /// Notes a successful sign-in.
    pub async fn record_sign_in(
        &self,
        customer: CustomerId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE customer_accounts SET last_sign_in_at = $1 WHERE customer_id = $2")
            .bind(now.unix())
            .bind(customer.get())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
