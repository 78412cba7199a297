//! Changes the payment processor reports (a webhook): finding the card behind a processor
//! reference, taking the card as the processor has it (a new expiry or number from the card
//! network), and telling Porchlight's own edits in progress from those.

use super::{COLUMNS, card_from_row, card_in, record};
use crate::{
    backend::{
        gateway::CardDetails,
        store::{ChangeContext, SavedCard, Store, StoreError},
    },
    domain::{Timestamp, card::Expiry, status::CardAction, tokenization::PaymentToken},
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

    /// Takes the card as the processor has it now (`details`) for a saved card: its expiry,
    /// brand, last 4, fingerprint (a new number from the card network) and the cardholder's
    /// name when the processor keeps one, with a history row naming the processor. Nothing
    /// changes when the processor's card equals Porchlight's, or when the only difference is the
    /// expiry of Porchlight's own edit still in progress (begun at or after `edits_since`).
    pub async fn update_card_from_processor(
        &self,
        card: &SavedCard,
        details: &CardDetails,
        ctx: &ChangeContext,
        edits_since: Timestamp,
    ) -> Result<ProcessorSync, StoreError> {
        let customer = card.customer_id;
        let mut tx = self.begin_card_change(customer).await?;
        let before = card_in(&mut tx, customer, card.id).await?;
        let cardholder = if details.cardholder.trim().is_empty() {
            before.cardholder.clone()
        } else {
            details.cardholder.clone()
        };
        let same_card = before.card.brand == details.brand
            && before.card.last4 == details.last4
            && before.fingerprint == details.fingerprint
            && before.cardholder == cardholder;
        if same_card && before.expiry == details.expiry {
            return Ok(ProcessorSync::Unchanged);
        }
        if same_card {
            let edit = sqlx::query(
                "SELECT 1 AS editing FROM card_edits WHERE token = $1 AND exp_month = $2 \
                 AND exp_year = $3 AND started_at >= $4",
            )
            .bind(before.token.as_str())
            .bind(i64::from(details.expiry.month))
            .bind(i64::from(details.expiry.year))
            .bind(edits_since.unix())
            .fetch_optional(&mut *tx)
            .await?;
            if edit.is_some() {
                return Ok(ProcessorSync::OwnEditInProgress);
            }
        }
        // A number another of the customer's cards already has (saved again by hand before the
        // network's update came): the card keeps its fingerprint, so the schema's one card per
        // number holds; everything else is taken.
        let taken = sqlx::query(
            "SELECT 1 AS taken FROM payment_methods WHERE customer_id = $1 AND fingerprint = $2 \
             AND id <> $3",
        )
        .bind(customer.get())
        .bind(&details.fingerprint)
        .bind(card.id.get())
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        let fingerprint = if taken {
            tracing::warn!(card = %card.id, "the card network's new number is another saved card of this customer; keeping the old fingerprint");
            before.fingerprint.clone()
        } else {
            details.fingerprint.clone()
        };
        sqlx::query(
            "UPDATE payment_methods SET exp_month = $1, exp_year = $2, last4 = $3, brand = $4, \
             fingerprint = $5, cardholder = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(i64::from(details.expiry.month))
        .bind(i64::from(details.expiry.year))
        .bind(details.last4.as_str())
        .bind(details.brand.name())
        .bind(&fingerprint)
        .bind(&cardholder)
        .bind(ctx.at.unix())
        .bind(card.id.get())
        .execute(&mut *tx)
        .await?;
        let updated = card_in(&mut tx, customer, card.id).await?;
        if updated.fingerprint == before.fingerprint
            && updated.card == before.card
            && updated.expiry == before.expiry
            && updated.cardholder == before.cardholder
        {
            return Ok(ProcessorSync::Unchanged);
        }
        record(&mut tx, &updated, CardAction::Updated, ctx).await?;
        tx.commit().await?;
        Ok(ProcessorSync::Updated(Box::new(updated)))
    }

    /// Notes that Porchlight is about to ask the processor for `expiry` on a saved card (see
    /// [`Store::update_card_from_processor`]); notes older than `stale_before` are dropped.
    pub async fn begin_card_edit(
        &self,
        token: &PaymentToken,
        expiry: Expiry,
        at: Timestamp,
        stale_before: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM card_edits WHERE started_at < $1")
            .bind(stale_before.unix())
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO card_edits (token, exp_month, exp_year, started_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (token) DO UPDATE SET exp_month = excluded.exp_month, \
             exp_year = excluded.exp_year, started_at = excluded.started_at",
        )
        .bind(token.as_str())
        .bind(i64::from(expiry.month))
        .bind(i64::from(expiry.year))
        .bind(at.unix())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets the note of an edit that will not be stored (the processor refused it).
    pub async fn end_card_edit(&self, token: &PaymentToken) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM card_edits WHERE token = $1")
            .bind(token.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// What the processor's card meant for Porchlight's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessorSync {
    /// The same card: nothing changed.
    Unchanged,
    /// The processor has the expiry of Porchlight's own edit, not stored yet: look again later.
    OwnEditInProgress,
    /// Taken, with a history row naming the processor.
    Updated(Box<SavedCard>),
}
