//! Each customer's record at the payment processor, one per processor account.

use super::{Store, StoreError};
use crate::domain::{CustomerId, Timestamp};
use sqlx::Row;

impl Store {
    /// The processor's reference for `customer` in `account`, if one was stored.
    pub async fn processor_customer(
        &self,
        customer: CustomerId,
        account: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT reference FROM processor_customers WHERE customer_id = $1 AND account = $2",
        )
        .bind(customer.get())
        .bind(account)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get("reference")).transpose()?)
    }

    /// Stores the processor's reference for `customer` unless one is stored already, and returns
    /// the stored one (the first writer wins when two requests create it at once).
    pub async fn remember_processor_customer(
        &self,
        customer: CustomerId,
        account: &str,
        reference: &str,
        at: Timestamp,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO processor_customers (customer_id, account, reference, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, account) DO NOTHING",
        )
        .bind(customer.get())
        .bind(account)
        .bind(reference)
        .bind(at.unix())
        .execute(self.pool())
        .await?;
        self.processor_customer(customer, account)
            .await?
            .ok_or(StoreError::NotFound)
    }
}
