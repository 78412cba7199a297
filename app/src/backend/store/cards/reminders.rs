//! Expiry reminders in the database: which saved cards are due one, and the claim that makes
//! each reminder go out once even when several servers look at the same time.

use super::super::{Store, StoreError};
use super::{COLUMNS, card_from_row};
use crate::domain::{
    PaymentMethodId, Timestamp,
    card::Expiry,
    reminder::{ExpiryReminder, due, month_window},
};
use sqlx::Row;

use super::SavedCard;

/// Cards looked at in one pass, at most.
const BATCH: i64 = 500;

/// One reminder: this card, for this expiry date, of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderKey {
    /// The card.
    pub card: PaymentMethodId,
    /// The expiry the reminder is about (a changed expiry gets its own reminders).
    pub expiry: Expiry,
    /// Which reminder.
    pub kind: ExpiryReminder,
}

impl Store {
    /// Saved cards due a reminder at `now` that no server sent or is sending (claims taken
    /// before `stale_before` are treated as abandoned), oldest card first.
    pub async fn due_reminders(
        &self,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> Result<Vec<(SavedCard, ExpiryReminder)>, StoreError> {
        let taken = |kind: ExpiryReminder| {
            format!(
                "(SELECT COUNT(*) FROM card_reminders r WHERE r.payment_method_id = payment_methods.id \
                 AND r.exp_year = payment_methods.exp_year AND r.exp_month = payment_methods.exp_month \
                 AND r.kind = '{}' AND (r.sent_at IS NOT NULL OR r.claimed_at >= $3)) AS {}",
                kind.code(),
                kind.code()
            )
        };
        let (from, to) = month_window(now);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS}, {}, {} FROM payment_methods \
             WHERE exp_year * 12 + exp_month BETWEEN $1 AND $2 ORDER BY id LIMIT $4",
            taken(ExpiryReminder::Soon),
            taken(ExpiryReminder::Expired)
        )))
        .bind(from)
        .bind(to)
        .bind(stale_before.unix())
        .bind(BATCH)
        .fetch_all(self.pool())
        .await?;
        let mut found = Vec::new();
        for row in rows {
            let card = card_from_row(&row)?;
            let Some(kind) = due(card.expiry, now) else {
                continue;
            };
            if row.try_get::<i64, _>(kind.code())? == 0 {
                found.push((card, kind));
            }
        }
        Ok(found)
    }

    /// Claims a reminder for this server; `false` when another has it (or it was sent).
    pub async fn claim_reminder(
        &self,
        key: ReminderKey,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO card_reminders (payment_method_id, exp_year, exp_month, kind, claimed_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (payment_method_id, exp_year, exp_month, kind) DO NOTHING",
        )
        .bind(key.card.get())
        .bind(i64::from(key.expiry.year))
        .bind(i64::from(key.expiry.month))
        .bind(key.kind.code())
        .bind(now.unix())
        .execute(self.pool())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(true);
        }
        let retaken = sqlx::query(
            "UPDATE card_reminders SET claimed_at = $5 WHERE payment_method_id = $1 \
             AND exp_year = $2 AND exp_month = $3 AND kind = $4 AND sent_at IS NULL AND claimed_at < $6",
        )
        .bind(key.card.get())
        .bind(i64::from(key.expiry.year))
        .bind(i64::from(key.expiry.month))
        .bind(key.kind.code())
        .bind(now.unix())
        .bind(stale_before.unix())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(retaken == 1)
    }

    /// Records that a claimed reminder went out.
    pub async fn reminder_sent(&self, key: ReminderKey, at: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE card_reminders SET sent_at = $5 WHERE payment_method_id = $1 \
             AND exp_year = $2 AND exp_month = $3 AND kind = $4",
        )
        .bind(key.card.get())
        .bind(i64::from(key.expiry.year))
        .bind(i64::from(key.expiry.month))
        .bind(key.kind.code())
        .bind(at.unix())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Gives a claimed reminder back (its email failed), so the next pass tries again.
    pub async fn release_reminder(&self, key: ReminderKey) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM card_reminders WHERE payment_method_id = $1 AND exp_year = $2 \
             AND exp_month = $3 AND kind = $4 AND sent_at IS NULL",
        )
        .bind(key.card.get())
        .bind(i64::from(key.expiry.year))
        .bind(i64::from(key.expiry.month))
        .bind(key.kind.code())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
