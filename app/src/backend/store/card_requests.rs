//! "Request card on file": the office's requests, and whether the customer added a card since.

use super::{Store, StoreError};
use crate::domain::{CustomerId, StaffId, Timestamp};
use sqlx::Row;

/// One request as the customer record shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRequest {
    /// The staff member who asked.
    pub staff_name: String,
    /// When.
    pub requested_at: Timestamp,
    /// Sent as a portal invitation (the customer had no account yet).
    pub invited: bool,
    /// When the customer first added a card after it, if they did.
    pub card_added_at: Option<Timestamp>,
}

impl Store {
    /// Records that `staff` asked `customer` for a card on file.
    pub async fn record_card_request(
        &self,
        customer: CustomerId,
        staff: StaffId,
        at: Timestamp,
        invited: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO card_requests (customer_id, staff_id, requested_at, invited) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(customer.get())
        .bind(staff.get())
        .bind(at.unix())
        .bind(i64::from(invited))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A customer's card requests, newest first (the latest 20).
    pub async fn card_requests(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<CardRequest>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.name AS staff_name, r.requested_at, r.invited, \
             (SELECT MIN(e.occurred_at) FROM payment_method_events e WHERE e.customer_id = r.customer_id \
              AND e.action = 'added' AND e.occurred_at >= r.requested_at) AS card_added_at \
             FROM card_requests r JOIN staff s ON s.id = r.staff_id \
             WHERE r.customer_id = $1 ORDER BY r.requested_at DESC, r.id DESC LIMIT 20",
        )
        .bind(customer.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CardRequest {
                    staff_name: row.try_get("staff_name")?,
                    requested_at: Timestamp::from_unix(row.try_get("requested_at")?),
                    invited: row.try_get::<i64, _>("invited")? == 1,
                    card_added_at: row
                        .try_get::<Option<i64>, _>("card_added_at")?
                        .map(Timestamp::from_unix),
                })
            })
            .collect()
    }
}
