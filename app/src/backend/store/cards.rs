//! Saved cards (payment methods): one transaction per change, each change written to the
//! append-only `payment_method_events`, and at most one primary per customer (a partial unique
//! index in the schema, kept by locking the customer's row for the length of a change).

mod model;
mod processor;
mod reminders;

pub use model::{CardOnFile, ChangeContext, ConsentGiven, Deleted, SavedCard};
pub use processor::ProcessorSync;
pub use reminders::ReminderKey;

use super::{Backend, Store, StoreError, staff::decode_error};
use crate::domain::{
    CustomerId, PaymentMethodId, Timestamp,
    card::{Brand, Expiry, Last4, MaskedCard},
    consent::CardConsent,
    status::{Actor, CardAction, Named as _},
    tokenization::PaymentToken,
};
use sqlx::{Any, AnyConnection, Row, any::AnyRow};

const COLUMNS: &str = "id, customer_id, token, fingerprint, brand, last4, exp_month, exp_year, \
                       cardholder, zip, nickname, is_primary, created_at";

fn card_from_row(row: &AnyRow) -> Result<SavedCard, sqlx::Error> {
    let brand: String = row.try_get("brand")?;
    let last4: String = row.try_get("last4")?;
    let token: String = row.try_get("token")?;
    let month: i64 = row.try_get("exp_month")?;
    let year: i64 = row.try_get("exp_year")?;
    let on_file = CardOnFile {
        customer_id: CustomerId::new(row.try_get("customer_id")?),
        token: PaymentToken::parse(&token)
            .ok_or_else(|| decode_error("payment_methods.token", "malformed"))?,
        fingerprint: row.try_get("fingerprint")?,
        card: MaskedCard {
            brand: Brand::from_name(&brand)
                .ok_or_else(|| decode_error("payment_methods.brand", &brand))?,
            last4: Last4::try_from(last4).map_err(|e| decode_error("payment_methods.last4", e))?,
        },
        expiry: Expiry {
            year: i32::try_from(year).map_err(|e| decode_error("payment_methods.exp_year", e))?,
            month: u32::try_from(month)
                .map_err(|e| decode_error("payment_methods.exp_month", e))?,
        },
        cardholder: row.try_get("cardholder")?,
        zip: row.try_get("zip")?,
        nickname: row.try_get("nickname")?,
    };
    Ok(SavedCard {
        id: PaymentMethodId::new(row.try_get("id")?),
        on_file,
        is_primary: row.try_get::<i64, _>("is_primary")? == 1,
        created_at: Timestamp::from_unix(row.try_get("created_at")?),
    })
}

async fn card_in(
    conn: &mut AnyConnection,
    customer: CustomerId,
    id: PaymentMethodId,
) -> Result<SavedCard, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_methods WHERE id = $1 AND customer_id = $2"
    )))
    .bind(id.get())
    .bind(customer.get())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(card_from_row(&row)?)
}

async fn record(
    conn: &mut AnyConnection,
    card: &SavedCard,
    action: CardAction,
    ctx: &ChangeContext,
) -> Result<(), StoreError> {
    record_with_consent(conn, card, action, None, ctx).await
}

/// [`record`], with the consent the holder gave (on the "added" row).
async fn record_with_consent(
    conn: &mut AnyConnection,
    card: &SavedCard,
    action: CardAction,
    consent: Option<CardConsent>,
    ctx: &ChangeContext,
) -> Result<(), StoreError> {
    let (kind, staff) = match ctx.actor {
        Actor::Customer => ("customer", None),
        Actor::Staff(id) => ("staff", Some(id.get())),
        Actor::Processor => ("processor", None),
    };
    sqlx::query(
        "INSERT INTO payment_method_events (customer_id, payment_method_id, action, brand, last4, \
         actor_kind, actor_staff_id, occurred_at, request_id, consent_kind, consent_terms_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(card.customer_id.get())
    .bind(card.id.get())
    .bind(action.as_str())
    .bind(card.card.brand.name())
    .bind(card.card.last4.as_str())
    .bind(kind)
    .bind(staff)
    .bind(ctx.at.unix())
    .bind(ctx.request_id.as_str())
    .bind(consent.map(CardConsent::kind))
    .bind(consent.and_then(CardConsent::terms_version).map(i64::from))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn make_primary(
    conn: &mut AnyConnection,
    card: &SavedCard,
    at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE payment_methods SET is_primary = 0, updated_at = $1 WHERE customer_id = $2 AND is_primary = 1")
        .bind(at.unix())
        .bind(card.customer_id.get())
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE payment_methods SET is_primary = 1, updated_at = $1 WHERE id = $2")
        .bind(at.unix())
        .bind(card.id.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Starts a change to one customer's cards: a write transaction holding that customer's row.
    async fn begin_card_change(
        &self,
        customer: CustomerId,
    ) -> Result<sqlx::Transaction<'static, Any>, StoreError> {
        let mut tx = self.begin_write().await?;
        // SQLite's BEGIN IMMEDIATE already serializes writers; PostgreSQL locks the customer row.
        let lock = match self.backend() {
            Backend::Sqlite => "SELECT id FROM customers WHERE id = $1",
            Backend::Postgres => "SELECT id FROM customers WHERE id = $1 FOR UPDATE",
        };
        sqlx::query(lock)
            .bind(customer.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(tx)
    }

    /// A customer's cards, primary first, then newest first.
    pub async fn cards_for_customer(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<SavedCard>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM payment_methods WHERE customer_id = $1 \
             ORDER BY is_primary DESC, created_at DESC, id DESC"
        )))
        .bind(customer.get())
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(card_from_row).collect::<Result<_, _>>()?)
    }

    /// One of the customer's cards; `NotFound` when it is not theirs.
    pub async fn card(
        &self,
        customer: CustomerId,
        id: PaymentMethodId,
    ) -> Result<SavedCard, StoreError> {
        let mut conn = self.pool().acquire().await?;
        card_in(&mut conn, customer, id).await
    }

    /// Saves a card; the customer's first card is primary whatever `make_primary` says.
    /// The same card (fingerprint) twice is `Duplicate("card")`.
    pub async fn add_card(
        &self,
        new: &CardOnFile,
        make_primary_requested: bool,
        consent: &ConsentGiven,
        ctx: &ChangeContext,
    ) -> Result<SavedCard, StoreError> {
        let mut tx = self.begin_card_change(new.customer_id).await?;
        let existing: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM payment_methods WHERE customer_id = $1")
                .bind(new.customer_id.get())
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        let row = sqlx::query(
            "INSERT INTO payment_methods (customer_id, token, fingerprint, brand, last4, exp_month, \
             exp_year, cardholder, zip, nickname, is_primary, created_at, updated_at, consent_kind, \
             consent_terms_version, consent_at, consent_ip, consent_user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11, $12, $13, $11, $14, $15) \
             RETURNING id",
        )
        .bind(new.customer_id.get())
        .bind(new.token.as_str())
        .bind(new.fingerprint.as_str())
        .bind(new.card.brand.name())
        .bind(new.card.last4.as_str())
        .bind(i64::from(new.expiry.month))
        .bind(i64::from(new.expiry.year))
        .bind(new.cardholder.as_str())
        .bind(new.zip.as_str())
        .bind(new.nickname.as_str())
        .bind(ctx.at.unix())
        .bind(consent.consent.kind())
        .bind(consent.consent.terms_version().map(i64::from))
        .bind(consent.ip.as_str())
        .bind(consent.user_agent.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "card"))?;
        let id = PaymentMethodId::new(row.try_get("id")?);
        let mut card = card_in(&mut tx, new.customer_id, id).await?;
        record_with_consent(
            &mut tx,
            &card,
            CardAction::Added,
            Some(consent.consent),
            ctx,
        )
        .await?;
        if existing == 0 || make_primary_requested {
            make_primary(&mut tx, &card, ctx.at).await?;
            card.is_primary = true;
            if existing > 0 {
                record(&mut tx, &card, CardAction::SetPrimary, ctx).await?;
            }
        }
        tx.commit().await?;
        Ok(card)
    }

    /// How the holder of one of the customer's cards agreed to keep it on file, and when (`None`
    /// for a card saved before consent was recorded).
    pub async fn card_consent(
        &self,
        customer: CustomerId,
        id: PaymentMethodId,
    ) -> Result<Option<(ConsentGiven, Timestamp)>, StoreError> {
        let row = sqlx::query(
            "SELECT consent_kind, consent_terms_version, consent_at, consent_ip, consent_user_agent \
             FROM payment_methods WHERE customer_id = $1 AND id = $2",
        )
        .bind(customer.get())
        .bind(id.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let Some(kind) = row.try_get::<Option<String>, _>("consent_kind")? else {
            return Ok(None);
        };
        let consent = CardConsent::from_stored(&kind, row.try_get("consent_terms_version")?)
            .ok_or_else(|| decode_error("payment_methods.consent_kind", &kind))?;
        Ok(Some((
            ConsentGiven {
                consent,
                ip: row
                    .try_get::<Option<String>, _>("consent_ip")?
                    .unwrap_or_default(),
                user_agent: row
                    .try_get::<Option<String>, _>("consent_user_agent")?
                    .unwrap_or_default(),
            },
            Timestamp::from_unix(
                row.try_get::<Option<i64>, _>("consent_at")?
                    .unwrap_or_default(),
            ),
        )))
    }

    /// Makes one of the customer's cards the primary (nothing changes if it already is).
    pub async fn set_primary_card(
        &self,
        customer: CustomerId,
        id: PaymentMethodId,
        ctx: &ChangeContext,
    ) -> Result<SavedCard, StoreError> {
        let mut tx = self.begin_card_change(customer).await?;
        let mut card = card_in(&mut tx, customer, id).await?;
        if !card.is_primary {
            make_primary(&mut tx, &card, ctx.at).await?;
            record(&mut tx, &card, CardAction::SetPrimary, ctx).await?;
            card.is_primary = true;
        }
        tx.commit().await?;
        Ok(card)
    }

    /// Removes a card; if it was primary, the most recently added remaining card becomes primary.
    pub async fn delete_card(
        &self,
        customer: CustomerId,
        id: PaymentMethodId,
        ctx: &ChangeContext,
    ) -> Result<Deleted, StoreError> {
        let mut tx = self.begin_card_change(customer).await?;
        let removed = card_in(&mut tx, customer, id).await?;
        sqlx::query("DELETE FROM payment_methods WHERE id = $1")
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        // Ids can be used again (SQLite), and a new card must not inherit these.
        sqlx::query("DELETE FROM card_reminders WHERE payment_method_id = $1")
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        record(&mut tx, &removed, CardAction::Deleted, ctx).await?;
        let mut promoted = None;
        if removed.is_primary {
            let next = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM payment_methods WHERE customer_id = $1 \
                 ORDER BY created_at DESC, id DESC LIMIT 1"
            )))
            .bind(customer.get())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = next {
                let mut card = card_from_row(&row)?;
                make_primary(&mut tx, &card, ctx.at).await?;
                record(&mut tx, &card, CardAction::SetPrimary, ctx).await?;
                card.is_primary = true;
                promoted = Some(card);
            }
        }
        tx.commit().await?;
        Ok(Deleted { removed, promoted })
    }

    /// Changes a card's expiry, ZIP and nickname in place.
    pub async fn update_card(
        &self,
        customer: CustomerId,
        id: PaymentMethodId,
        expiry: Expiry,
        zip: &str,
        nickname: &str,
        ctx: &ChangeContext,
    ) -> Result<SavedCard, StoreError> {
        let mut tx = self.begin_card_change(customer).await?;
        card_in(&mut tx, customer, id).await?;
        sqlx::query(
            "UPDATE payment_methods SET exp_month = $1, exp_year = $2, zip = $3, nickname = $4, \
             updated_at = $5 WHERE id = $6",
        )
        .bind(i64::from(expiry.month))
        .bind(i64::from(expiry.year))
        .bind(zip)
        .bind(nickname)
        .bind(ctx.at.unix())
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        let card = card_in(&mut tx, customer, id).await?;
        sqlx::query("DELETE FROM card_edits WHERE token = $1")
            .bind(card.token.as_str())
            .execute(&mut *tx)
            .await?;
        record(&mut tx, &card, CardAction::Updated, ctx).await?;
        tx.commit().await?;
        Ok(card)
    }
}
