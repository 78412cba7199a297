//! Invoices with line items; balance = total − amount paid, never below zero (a schema CHECK).

use super::{Store, StoreError};
use crate::domain::{
    Cents, CustomerId, InvoiceId, JobId, Timestamp, invoice::NewInvoiceLine, status::InvoiceStatus,
};
use sqlx::Row;

/// An invoice to create; its number and total are computed by the store.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    /// Who owes it.
    pub customer_id: CustomerId,
    /// The job it bills, if any.
    pub job_id: Option<JobId>,
    /// Date of issue.
    pub issued_on: Timestamp,
    /// Due date.
    pub due_on: Timestamp,
    /// At least one line.
    pub lines: Vec<NewInvoiceLine>,
}

/// A stored invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// In the portal's invoice and pay addresses (`/invoices/:id`).
    pub id: InvoiceId,
    /// Who owes it.
    pub customer_id: CustomerId,
    /// The job it bills, if any.
    pub job_id: Option<JobId>,
    /// Human-facing number, e.g. "INV-01001".
    pub number: String,
    /// Date of issue.
    pub issued_on: Timestamp,
    /// Due date.
    pub due_on: Timestamp,
    /// Sum of the lines.
    pub total: Cents,
    /// Paid so far.
    pub paid: Cents,
    /// Cancelled by the office.
    pub voided: bool,
}

impl Invoice {
    /// What is still owed.
    pub fn balance(&self) -> Cents {
        if self.voided {
            Cents::ZERO
        } else {
            Cents::new(self.total.get() - self.paid.get())
        }
    }

    /// Open, partially paid, paid or void.
    pub fn status(&self) -> InvoiceStatus {
        InvoiceStatus::of(self.total, self.paid, self.voided)
    }
}

const INVOICE_COLUMNS: &str =
    "id, customer_id, job_id, number, issued_on, due_on, total_cents, paid_cents, voided";

fn invoice_from_row(row: &sqlx::any::AnyRow) -> Result<Invoice, sqlx::Error> {
    Ok(Invoice {
        id: InvoiceId::new(row.try_get("id")?),
        customer_id: CustomerId::new(row.try_get("customer_id")?),
        job_id: row.try_get::<Option<i64>, _>("job_id")?.map(JobId::new),
        number: row.try_get("number")?,
        issued_on: Timestamp::from_unix(row.try_get("issued_on")?),
        due_on: Timestamp::from_unix(row.try_get("due_on")?),
        total: Cents::new(row.try_get("total_cents")?),
        paid: Cents::new(row.try_get("paid_cents")?),
        voided: row.try_get::<i64, _>("voided")? != 0,
    })
}

/// The sum of the lines, or `None` on overflow.
fn total_of(lines: &[NewInvoiceLine]) -> Option<Cents> {
    lines.iter().try_fold(Cents::ZERO, |sum, line| {
        let line_total = line.unit_price.get().checked_mul(line.quantity)?;
        sum.checked_add(Cents::new(line_total))
    })
}

impl Store {
    /// Creates an invoice and its lines in one transaction and gives it the next number.
    pub async fn insert_invoice(
        &self,
        new: &NewInvoice,
        now: Timestamp,
    ) -> Result<Invoice, StoreError> {
        let total = total_of(&new.lines).ok_or(StoreError::AmountOutOfRange)?;
        let mut tx = self.begin_write().await?;
        // Unique until the real number is set; letters only, so no digit run that could pass for a
        // card number is left in the database file (the PCI scan looks for those).
        let random = rand::random::<u128>();
        let provisional: String = (0..32)
            .map(|i| char::from(b'a' + ((random >> (4 * i)) & 0xf) as u8))
            .collect();
        let provisional = format!("pending-{provisional}");
        let row = sqlx::query(
            "INSERT INTO invoices (customer_id, job_id, number, issued_on, due_on, total_cents, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.customer_id.get())
        .bind(new.job_id.map(JobId::get))
        .bind(provisional)
        .bind(new.issued_on.unix())
        .bind(new.due_on.unix())
        .bind(total.get())
        .bind(now.unix())
        .fetch_one(&mut *tx)
        .await?;
        let id = InvoiceId::new(row.try_get("id")?);
        let number = format!("INV-{:05}", 1000 + id.get());
        sqlx::query("UPDATE invoices SET number = $1 WHERE id = $2")
            .bind(number.as_str())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        for (position, line) in new.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price_cents) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.get())
            .bind(position as i64)
            .bind(line.description.as_str())
            .bind(line.quantity)
            .bind(line.unit_price.get())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Invoice {
            id,
            customer_id: new.customer_id,
            job_id: new.job_id,
            number,
            issued_on: new.issued_on,
            due_on: new.due_on,
            total,
            paid: Cents::ZERO,
            voided: false,
        })
    }

    /// An invoice's lines, in order.
    pub async fn invoice_lines(&self, id: InvoiceId) -> Result<Vec<NewInvoiceLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT description, quantity, unit_price_cents FROM invoice_lines \
             WHERE invoice_id = $1 ORDER BY position",
        )
        .bind(id.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(NewInvoiceLine {
                    description: row.try_get("description")?,
                    quantity: row.try_get("quantity")?,
                    unit_price: Cents::new(row.try_get("unit_price_cents")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Records money received outside the portal (office-entered), keeping paid ≤ total.
    pub async fn record_offline_payment(
        &self,
        id: InvoiceId,
        amount: Cents,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE invoices SET paid_cents = paid_cents + $1 \
             WHERE id = $2 AND voided = 0 AND paid_cents + $1 <= total_cents",
        )
        .bind(amount.get())
        .bind(id.get())
        .execute(self.pool())
        .await?;
        StoreError::one_row(done)
    }

    /// A customer's invoices, newest first.
    pub async fn invoices_for_customer(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<Invoice>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE customer_id = $1 \
             ORDER BY issued_on DESC, id DESC"
        )))
        .bind(customer.get())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(invoice_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// One invoice of this customer; [`StoreError::NotFound`] when it is missing or another's.
    pub async fn invoice_for_customer(
        &self,
        customer: CustomerId,
        id: InvoiceId,
    ) -> Result<Invoice, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE customer_id = $1 AND id = $2"
        )))
        .bind(customer.get())
        .bind(id.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(invoice_from_row(&row)?)
    }
}

impl Store {
    /// Voids an invoice on which nothing has been paid and no payment is in progress
    /// ([`StoreError::PaymentInProgress`]); anything else is [`StoreError::NotFound`].
    pub async fn void_invoice(
        &self,
        customer: CustomerId,
        id: InvoiceId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        // Serialized with reserving a payment: SQLite's BEGIN IMMEDIATE, PostgreSQL's row lock.
        if self.backend() == super::Backend::Postgres {
            sqlx::query("SELECT id FROM invoices WHERE id = $1 FOR UPDATE")
                .bind(id.get())
                .fetch_optional(&mut *tx)
                .await?;
        }
        let pending: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM payment_attempts WHERE invoice_id = $1 AND status = 'pending'",
        )
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if pending > 0 {
            return Err(StoreError::PaymentInProgress);
        }
        let done = sqlx::query(
            "UPDATE invoices SET voided = 1 WHERE id = $1 AND customer_id = $2 AND voided = 0 AND paid_cents = 0",
        )
        .bind(id.get())
        .bind(customer.get())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}
