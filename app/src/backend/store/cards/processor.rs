//! Changes the payment processor reports (a webhook): finding the card behind a processor
//! reference, and a new expiry or last 4 from the card network.

use super::{COLUMNS, card_from_row, card_in, record};
use crate::{
    backend::store::{ChangeContext, SavedCard, Store, StoreError},
    domain::{card::Expiry, card::Last4, status::CardAction, tokenization::PaymentToken},
};

impl Store {
    /// The saved card with this processor reference, whoever's it is.
    pub async fn card_by_token(&self, token: &PaymentToken) -> Result<SavedCard, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM payment_methods WHERE token = $1"
        )))
        .bind(token.as_str())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(card_from_row(&row)?)
    }

    /// Takes the expiry and last 4 the card network reported for a saved card, with a history
    /// row naming the processor; `None` when nothing changed.
    pub async fn update_card_from_network(
        &self,
        card: &SavedCard,
        expiry: Expiry,
        last4: &Last4,
        ctx: &ChangeContext,
    ) -> Result<Option<SavedCard>, StoreError> {
        let customer = card.customer_id;
        let mut tx = self.begin_card_change(customer).await?;
        let before = card_in(&mut tx, customer, card.id).await?;
        if before.expiry == expiry && before.card.last4 == *last4 {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE payment_methods SET exp_month = $1, exp_year = $2, last4 = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(i64::from(expiry.month))
        .bind(i64::from(expiry.year))
        .bind(last4.as_str())
        .bind(ctx.at.unix())
        .bind(card.id.get())
        .execute(&mut *tx)
        .await?;
        let updated = card_in(&mut tx, customer, card.id).await?;
        record(&mut tx, &updated, CardAction::Updated, ctx).await?;
        tx.commit().await?;
        Ok(Some(updated))
    }
}
