//! Reading payments and attempts: receipts, attempts by key or page, pending ones, an invoice's
//! payments.

use super::{
    AttemptPage, AttemptQuery, PaymentAttempt, PaymentReceipt, RecordedPayment, attempt_from_row,
    select,
};
use crate::backend::store::{Store, StoreError};
use crate::domain::{Cents, CustomerId, InvoiceId, PaymentId, Timestamp, paging};
use sqlx::Row;

impl Store {
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
            card: masked_card(&row)?,
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

    /// The attempt with this id, if any.
    pub async fn attempt(&self, id: i64) -> Result<Option<PaymentAttempt>, StoreError> {
        let row = sqlx::query(select("a.id = $1"))
            .bind(id)
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

    /// The payments recorded for an invoice, oldest first.
    pub async fn payments_for_invoice(
        &self,
        invoice: InvoiceId,
    ) -> Result<Vec<RecordedPayment>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, amount_cents, brand, last4, reference, paid_at FROM payments \
             WHERE invoice_id = $1 ORDER BY id",
        )
        .bind(invoice.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RecordedPayment {
                    id: PaymentId::new(row.try_get("id")?),
                    amount: Cents::new(row.try_get("amount_cents")?),
                    card: masked_card(row)?,
                    reference: row.try_get("reference")?,
                    paid_at: Timestamp::from_unix(row.try_get("paid_at")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

/// "Visa •••• 4242" from a row's `brand` and `last4`.
fn masked_card(row: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    let brand: String = row.try_get("brand")?;
    let last4: String = row.try_get("last4")?;
    Ok(format!("{brand} •••• {last4}"))
}
