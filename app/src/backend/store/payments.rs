//! Online payments, exactly once: an attempt (with its idempotency key, unique) is reserved in one
//! short transaction before the gateway is called, and finished in another after it answered.
//! Pending attempts count against the invoice balance, so two payments can never overpay it.

mod model;
mod reads;

pub use model::{
    AttemptDetails, AttemptPage, AttemptQuery, AttemptResult, ChargeSync, PaymentAttempt,
    PaymentReceipt, RecordedPayment, Reservation, ReserveError,
};

use super::{Backend, Store, StoreError, staff::decode_error};
use crate::domain::{
    Cents, CustomerId, InvoiceId, PaymentId, PaymentMethodId, Timestamp,
    card::{Brand, Last4, MaskedCard},
    status::{AttemptStatus, CardAction, Named as _},
    tokenization::PaymentToken,
};
use sqlx::{Row, any::AnyRow};

const COLUMNS: &str = "a.id, a.idempotency_key, a.customer_id, a.invoice_id, a.payment_method_id, \
     a.token, a.brand, a.last4, a.amount_cents, a.status, a.decline_code, a.reference, a.created_at, \
     a.processor_charge, p.id AS payment_id, p.refunded_cents, p.disputed_at";

fn attempt_from_row(row: &AnyRow) -> Result<PaymentAttempt, sqlx::Error> {
    let brand: String = row.try_get("brand")?;
    let token: String = row.try_get("token")?;
    let status: String = row.try_get("status")?;
    let details = AttemptDetails {
        key: row.try_get("idempotency_key")?,
        customer_id: CustomerId::new(row.try_get("customer_id")?),
        invoice_id: InvoiceId::new(row.try_get("invoice_id")?),
        payment_method_id: row
            .try_get::<Option<i64>, _>("payment_method_id")?
            .map(PaymentMethodId::new),
        token: PaymentToken::parse(&token)
            .ok_or_else(|| decode_error("payment_attempts.token", "malformed"))?,
        card: MaskedCard {
            brand: Brand::from_name(&brand)
                .ok_or_else(|| decode_error("payment_attempts.brand", &brand))?,
            last4: Last4::try_from(row.try_get::<String, _>("last4")?)
                .map_err(|e| decode_error("payment_attempts.last4", e))?,
        },
        amount: Cents::new(row.try_get("amount_cents")?),
    };
    Ok(PaymentAttempt {
        id: row.try_get("id")?,
        details,
        status: AttemptStatus::parse(&status)
            .ok_or_else(|| decode_error("payment_attempts.status", &status))?,
        decline_code: row.try_get("decline_code")?,
        reference: row.try_get("reference")?,
        payment_id: row
            .try_get::<Option<i64>, _>("payment_id")?
            .map(PaymentId::new),
        created_at: Timestamp::from_unix(row.try_get("created_at")?),
        processor_charge: row.try_get("processor_charge")?,
        refunded: Cents::new(
            row.try_get::<Option<i64>, _>("refunded_cents")?
                .unwrap_or_default(),
        ),
        disputed: row.try_get::<Option<i64>, _>("disputed_at")?.is_some(),
    })
}

fn select(filter: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_attempts a LEFT JOIN payments p ON p.attempt_id = a.id WHERE {filter}"
    ))
}

impl Store {
    /// Stores a pending attempt, or returns the one already stored under the same key (same
    /// invoice, amount and card; anything else is `KeyMismatch`).
    pub async fn reserve_attempt(
        &self,
        new: &AttemptDetails,
        at: Timestamp,
    ) -> Result<Reservation, ReserveError> {
        let mut tx = self.begin_write().await?;
        // One payer at a time per invoice: SQLite's BEGIN IMMEDIATE, PostgreSQL's row lock.
        let lock = match self.backend() {
            Backend::Sqlite => {
                "SELECT total_cents, paid_cents, voided FROM invoices WHERE id = $1 AND customer_id = $2"
            }
            Backend::Postgres => {
                "SELECT total_cents, paid_cents, voided FROM invoices WHERE id = $1 AND customer_id = $2 FOR UPDATE"
            }
        };
        let invoice = sqlx::query(lock)
            .bind(new.invoice_id.get())
            .bind(new.customer_id.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ReserveError::NotFound)?;
        // Before anything else: a void invoice takes no money, not even on a retried key.
        if invoice.try_get::<i64, _>("voided")? == 1 {
            return Err(ReserveError::Void);
        }
        if let Some(row) = sqlx::query(select("a.idempotency_key = $1"))
            .bind(new.key.as_str())
            .fetch_optional(&mut *tx)
            .await?
        {
            let existing = attempt_from_row(&row)?;
            let same = existing.invoice_id == new.invoice_id
                && existing.customer_id == new.customer_id
                && existing.amount == new.amount
                && existing.token == new.token;
            return if same {
                Ok(Reservation {
                    attempt: existing,
                    fresh: false,
                })
            } else {
                Err(ReserveError::KeyMismatch)
            };
        }
        let pending: i64 = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS n FROM payment_attempts \
             WHERE invoice_id = $1 AND status = 'pending'",
        )
        .bind(new.invoice_id.get())
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let open = invoice.try_get::<i64, _>("total_cents")?
            - invoice.try_get::<i64, _>("paid_cents")?
            - pending;
        if open <= 0 {
            return Err(ReserveError::AlreadyPaid);
        }
        if new.amount.get() > open {
            return Err(ReserveError::ExceedsBalance(Cents::new(open)));
        }
        let row = sqlx::query(
            "INSERT INTO payment_attempts (idempotency_key, customer_id, invoice_id, payment_method_id, \
             token, brand, last4, amount_cents, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9) RETURNING id",
        )
        .bind(new.key.as_str())
        .bind(new.customer_id.get())
        .bind(new.invoice_id.get())
        .bind(new.payment_method_id.map(PaymentMethodId::get))
        .bind(new.token.as_str())
        .bind(new.card.brand.name())
        .bind(new.card.last4.as_str())
        .bind(new.amount.get())
        .bind(at.unix())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        let attempt = attempt_from_row(
            &sqlx::query(select("a.id = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        tx.commit().await?;
        Ok(Reservation {
            attempt,
            fresh: true,
        })
    }

    /// Brings a payment in line with its charge at the processor: `refunded` (the charge's total
    /// refunded, at most the payment) lowers the invoice's paid amount by what is new, in one
    /// transaction; `disputed` flags it once. `None` when no payment has this reference.
    pub async fn sync_charge(
        &self,
        reference: &str,
        refunded: Cents,
        disputed: bool,
        at: Timestamp,
    ) -> Result<Option<ChargeSync>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "SELECT id, invoice_id, customer_id, amount_cents, refunded_cents, disputed_at \
             FROM payments WHERE reference = $1",
        )
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await?
        else {
            tx.commit().await?;
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let invoice: i64 = row.try_get("invoice_id")?;
        let amount: i64 = row.try_get("amount_cents")?;
        let before: i64 = row.try_get("refunded_cents")?;
        let now_refunded = refunded.get().clamp(0, amount);
        let delta = now_refunded - before;
        if delta != 0 {
            sqlx::query("UPDATE payments SET refunded_cents = $1 WHERE id = $2")
                .bind(now_refunded)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let changed = sqlx::query(
                "UPDATE invoices SET paid_cents = paid_cents - $1 \
                 WHERE id = $2 AND paid_cents - $1 >= 0",
            )
            .bind(delta)
            .bind(invoice)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::AmountOutOfRange);
            }
        }
        let newly_disputed = disputed && row.try_get::<Option<i64>, _>("disputed_at")?.is_none();
        if newly_disputed {
            sqlx::query("UPDATE payments SET disputed_at = $1 WHERE id = $2")
                .bind(at.unix())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(ChargeSync {
            payment_id: PaymentId::new(id),
            customer_id: CustomerId::new(row.try_get("customer_id")?),
            invoice_id: InvoiceId::new(invoice),
            refund_added: Cents::new(delta.max(0)),
            newly_disputed,
        }))
    }

    /// Keeps the processor's charge id of a pending attempt whose charge has not settled (it
    /// waits for the card's bank, or the processor is still processing it); its outcome is read
    /// by that id from then on.
    pub async fn keep_processor_charge(
        &self,
        attempt_id: i64,
        charge: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE payment_attempts SET processor_charge = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'pending' AND processor_charge IS NULL",
        )
        .bind(charge)
        .bind(at.unix())
        .bind(attempt_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records the gateway's answer for a pending attempt, once: an approval adds the payment,
    /// raises the invoice's paid amount and writes "used for payment" to the card history, all in
    /// one transaction. An attempt that is no longer pending is returned as it is.
    pub async fn finish_attempt(
        &self,
        attempt: &PaymentAttempt,
        result: &AttemptResult,
        at: Timestamp,
        request_id: &str,
    ) -> Result<PaymentAttempt, StoreError> {
        let mut tx = self.begin_write().await?;
        let (status, code, reference) = match result {
            AttemptResult::Approved(r) => (AttemptStatus::Approved, "", r.as_str()),
            AttemptResult::Declined(c) => (AttemptStatus::Declined, c.as_str(), ""),
            AttemptResult::Failed(c) => (AttemptStatus::Failed, c.as_str(), ""),
        };
        let changed = sqlx::query(
            "UPDATE payment_attempts SET status = $1, decline_code = $2, reference = $3, updated_at = $4 \
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(status.as_str())
        .bind(code)
        .bind(reference)
        .bind(at.unix())
        .bind(attempt.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 && status == AttemptStatus::Approved {
            sqlx::query(
                "INSERT INTO payments (attempt_id, invoice_id, customer_id, amount_cents, brand, last4, \
                 reference, paid_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(attempt.id)
            .bind(attempt.invoice_id.get())
            .bind(attempt.customer_id.get())
            .bind(attempt.amount.get())
            .bind(attempt.card.brand.name())
            .bind(attempt.card.last4.as_str())
            .bind(reference)
            .bind(at.unix())
            .execute(&mut *tx)
            .await?;
            let paid = sqlx::query(
                "UPDATE invoices SET paid_cents = paid_cents + $1 \
                 WHERE id = $2 AND voided = 0 AND paid_cents + $1 <= total_cents",
            )
            .bind(attempt.amount.get())
            .bind(attempt.invoice_id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if paid != 1 {
                // Cannot happen while pending attempts count against the balance and block voiding;
                // refuse loudly rather than record money on a void or overpaid invoice.
                return Err(StoreError::AmountOutOfRange);
            }
            sqlx::query(
                "INSERT INTO payment_method_events (customer_id, payment_method_id, action, brand, last4, \
                 actor_kind, actor_staff_id, occurred_at, request_id) \
                 VALUES ($1, $2, $3, $4, $5, 'customer', NULL, $6, $7)",
            )
            .bind(attempt.customer_id.get())
            .bind(attempt.payment_method_id.map(PaymentMethodId::get))
            .bind(CardAction::UsedForPayment.as_str())
            .bind(attempt.card.brand.name())
            .bind(attempt.card.last4.as_str())
            .bind(at.unix())
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        }
        let row = sqlx::query(select("a.id = $1"))
            .bind(attempt.id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(attempt_from_row(&row)?)
    }
}
