//! The append-only history of a customer's payment methods (written by the saved-cards feature).

use super::{Store, StoreError, staff::decode_error};
use crate::domain::{
    CustomerId, StaffId, Timestamp,
    consent::CardConsent,
    status::{CardAction, Named as _},
};
use sqlx::Row;

/// One recorded change to a payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodEvent {
    /// What happened.
    pub action: CardAction,
    /// Card brand, e.g. "Visa".
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// The staff member who acted, or `None` for the customer or the processor.
    pub staff: Option<(StaffId, String)>,
    /// The payment processor or the card network acted (a webhook).
    pub by_processor: bool,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// How the holder agreed to keep the card (on the "added" row).
    pub consent: Option<CardConsent>,
}

impl Store {
    /// A customer's payment-method history, newest first.
    pub async fn payment_method_events(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<PaymentMethodEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.action, e.brand, e.last4, e.actor_kind, e.actor_staff_id, s.name AS staff_name, \
             e.occurred_at, e.consent_kind, e.consent_terms_version \
             FROM payment_method_events e LEFT JOIN staff s ON s.id = e.actor_staff_id \
             WHERE e.customer_id = $1 ORDER BY e.occurred_at DESC, e.id DESC",
        )
        .bind(customer.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let staff = match row.try_get::<Option<i64>, _>("actor_staff_id")? {
                    Some(id) => Some((
                        StaffId::new(id),
                        row.try_get::<Option<String>, _>("staff_name")?
                            .ok_or_else(|| {
                                decode_error(
                                    "payment_method_events.actor_staff_id",
                                    "unknown staff",
                                )
                            })?,
                    )),
                    None => None,
                };
                let action: String = row.try_get("action")?;
                Ok(PaymentMethodEvent {
                    action: CardAction::parse(&action)
                        .ok_or_else(|| decode_error("payment_method_events.action", &action))?,
                    brand: row.try_get("brand")?,
                    last4: row.try_get("last4")?,
                    staff,
                    by_processor: row.try_get::<String, _>("actor_kind")? == "processor",
                    occurred_at: Timestamp::from_unix(row.try_get("occurred_at")?),
                    consent: row
                        .try_get::<Option<String>, _>("consent_kind")?
                        .and_then(|kind| {
                            CardConsent::from_stored(
                                &kind,
                                row.try_get("consent_terms_version").ok().flatten(),
                            )
                        }),
                })
            })
            .collect()
    }
}
