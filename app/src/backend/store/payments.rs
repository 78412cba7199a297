//! Online payments, exactly once: an attempt (with its idempotency key, unique) is reserved in one
//! short transaction before the gateway is called, and finished in another after it answered.
//! Pending attempts count against the invoice balance, so two payments can never overpay it.

use super::{Backend, Store, StoreError, staff::decode_error};
use crate::domain::{
    Cents, CustomerId, InvoiceId, PaymentId, PaymentMethodId, Timestamp,
    card::{Brand, Last4, MaskedCard},
    paging,
    status::{AttemptStatus, CardAction, Named as _},
    tokenization::PaymentToken,
};
use sqlx::{Row, any::AnyRow};

/// What [`Store::reserve_attempt`] found or stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The attempt under the key.
    pub attempt: PaymentAttempt,
    /// Whether this call stored it (`false`: the key had been used before).
    pub fresh: bool,
}

/// A payment as its receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReceipt {
    /// The invoice it paid, e.g. "INV-01001".
    pub invoice_number: String,
    /// How much.
    pub amount: Cents,
    /// "Visa •••• 4242".
    pub card: String,
    /// The processor's reference.
    pub reference: String,
    /// When.
    pub paid_at: Timestamp,
}

/// Which of a customer's attempts to list, and which page of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptQuery {
    /// Only this invoice's attempts.
    pub invoice: Option<InvoiceId>,
    /// Leave out attempts still waiting for the processor.
    pub settled_only: bool,
    /// The page asked for (clamped to the pages there are; `None` is the first).
    pub page: Option<u32>,
    /// Attempts per page.
    pub per_page: u32,
}

/// One page of attempts, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptPage {
    /// The attempts on this page.
    pub attempts: Vec<PaymentAttempt>,
    /// This page's number and how many pages there are (at least one).
    pub paging: (u32, u32),
}

/// One try to pay an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentAttempt {
    /// Row id.
    pub id: i64,
    /// The idempotency key from the pay page.
    pub key: String,
    /// Who pays.
    pub customer_id: CustomerId,
    /// What is paid.
    pub invoice_id: InvoiceId,
    /// The saved card used, if it was one.
    pub payment_method_id: Option<PaymentMethodId>,
    /// The gateway token charged.
    pub token: PaymentToken,
    /// Brand and last 4.
    pub card: MaskedCard,
    /// How much.
    pub amount: Cents,
    /// Where it stands.
    pub status: AttemptStatus,
    /// The decline's code, when declined or failed.
    pub decline_code: String,
    /// The gateway's reference, when approved.
    pub reference: String,
    /// The recorded payment, when approved.
    pub payment_id: Option<PaymentId>,
    /// When the attempt was made.
    pub created_at: Timestamp,
}

/// An attempt to store.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    /// The idempotency key.
    pub key: String,
    /// Who pays.
    pub customer_id: CustomerId,
    /// What is paid.
    pub invoice_id: InvoiceId,
    /// The saved card used, if any.
    pub payment_method_id: Option<PaymentMethodId>,
    /// The token to charge.
    pub token: PaymentToken,
    /// Brand and last 4.
    pub card: MaskedCard,
    /// How much.
    pub amount: Cents,
}

/// Why an attempt could not be reserved.
#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    /// No such invoice for this customer.
    #[error("invoice not found")]
    NotFound,
    /// The invoice was voided.
    #[error("invoice void")]
    Void,
    /// Nothing is left to pay (counting payments in progress).
    #[error("invoice already paid")]
    AlreadyPaid,
    /// More than what is left to pay.
    #[error("amount exceeds the balance of {0}")]
    ExceedsBalance(Cents),
    /// The key was used for a different payment.
    #[error("idempotency key reused for a different payment")]
    KeyMismatch,
    /// A database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ReserveError {
    fn from(e: sqlx::Error) -> Self {
        ReserveError::Store(StoreError::Database(e))
    }
}

/// The gateway's answer, to record.
#[derive(Debug, Clone)]
pub enum AttemptResult {
    /// Charged, with the gateway's reference.
    Approved(String),
    /// Declined with this code.
    Declined(String),
    /// Not chargeable with this code.
    Failed(String),
}

const COLUMNS: &str = "a.id, a.idempotency_key, a.customer_id, a.invoice_id, a.payment_method_id, \
     a.token, a.brand, a.last4, a.amount_cents, a.status, a.decline_code, a.reference, a.created_at, \
     p.id AS payment_id";

fn attempt_from_row(row: &AnyRow) -> Result<PaymentAttempt, sqlx::Error> {
    let brand: String = row.try_get("brand")?;
    let token: String = row.try_get("token")?;
    let status: String = row.try_get("status")?;
    Ok(PaymentAttempt {
        id: row.try_get("id")?,
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
        status: AttemptStatus::parse(&status)
            .ok_or_else(|| decode_error("payment_attempts.status", &status))?,
        decline_code: row.try_get("decline_code")?,
        reference: row.try_get("reference")?,
        payment_id: row
            .try_get::<Option<i64>, _>("payment_id")?
            .map(PaymentId::new),
        created_at: Timestamp::from_unix(row.try_get("created_at")?),
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
        new: &NewAttempt,
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

    /// One of the customer's payments, for its receipt.
    pub async fn payment_receipt(
        &self,
        customer: CustomerId,
        payment: PaymentId,
    ) -> Result<PaymentReceipt, StoreError> {
        let row = sqlx::query(
            "SELECT i.number, p.amount_cents, p.brand, p.last4, p.reference, p.paid_at FROM payments p \
             JOIN invoices i ON i.id = p.invoice_id WHERE p.id = $1 AND p.customer_id = $2",
        )
        .bind(payment.get())
        .bind(customer.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(PaymentReceipt {
            invoice_number: row.try_get("number")?,
            amount: Cents::new(row.try_get("amount_cents")?),
            card: format!(
                "{} •••• {}",
                row.try_get::<String, _>("brand")?,
                row.try_get::<String, _>("last4")?
            ),
            reference: row.try_get("reference")?,
            paid_at: Timestamp::from_unix(row.try_get("paid_at")?),
        })
    }

    /// The attempt stored under an idempotency key, if any.
    pub async fn attempt_by_key(&self, key: &str) -> Result<Option<PaymentAttempt>, StoreError> {
        let row = sqlx::query(select("a.idempotency_key = $1"))
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(attempt_from_row).transpose()?)
    }

    /// One page of a customer's attempts, newest first, the page clamped to those there are.
    pub async fn attempts_page(
        &self,
        customer: CustomerId,
        query: AttemptQuery,
    ) -> Result<AttemptPage, StoreError> {
        const FILTER: &str = "a.customer_id = $1 AND ($2 = 0 OR a.invoice_id = $2) \
             AND ($3 = 0 OR a.status <> 'pending')";
        let invoice = query.invoice.map_or(0, InvoiceId::get);
        let settled = i64::from(query.settled_only);
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM payment_attempts a WHERE {FILTER}"
        )))
        .bind(customer.get())
        .bind(invoice)
        .bind(settled)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let (page, pages) = paging::clamp(
            query.page,
            u64::try_from(total).unwrap_or(0),
            query.per_page,
        );
        let rows = sqlx::query(select(&format!(
            "{FILTER} ORDER BY a.id DESC LIMIT $4 OFFSET $5"
        )))
        .bind(customer.get())
        .bind(invoice)
        .bind(settled)
        .bind(i64::from(query.per_page))
        .bind(i64::try_from(paging::offset(page, query.per_page)).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        let attempts = rows
            .iter()
            .map(attempt_from_row)
            .collect::<Result<_, _>>()?;
        Ok(AttemptPage {
            attempts,
            paging: (page, pages),
        })
    }

    /// Attempts still waiting for the gateway's answer that were started before `before`
    /// (a crash, or a gateway that did not answer), oldest first.
    pub async fn pending_attempts(
        &self,
        before: Timestamp,
    ) -> Result<Vec<PaymentAttempt>, StoreError> {
        let rows = sqlx::query(select(
            "a.status = 'pending' AND a.created_at < $1 ORDER BY a.id",
        ))
        .bind(before.unix())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(attempt_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// The payments recorded for an invoice, oldest first: (id, amount, card, reference, when).
    pub async fn payments_for_invoice(
        &self,
        invoice: InvoiceId,
    ) -> Result<Vec<(PaymentId, Cents, String, String, Timestamp)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, amount_cents, brand, last4, reference, paid_at FROM payments \
             WHERE invoice_id = $1 ORDER BY id",
        )
        .bind(invoice.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    PaymentId::new(row.try_get("id")?),
                    Cents::new(row.try_get("amount_cents")?),
                    format!(
                        "{} •••• {}",
                        row.try_get::<String, _>("brand")?,
                        row.try_get::<String, _>("last4")?
                    ),
                    row.try_get("reference")?,
                    Timestamp::from_unix(row.try_get("paid_at")?),
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
