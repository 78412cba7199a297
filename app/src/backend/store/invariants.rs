//! The rules the data must always keep, checked straight in the database (after a load, a
//! crash or a restore): `porchlight check`.

use super::{Store, StoreError};
use sqlx::Row;

/// One broken rule and the row that breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule, in words.
    pub rule: &'static str,
    /// What breaks it (an invoice number, a customer id, an idempotency key).
    pub subject: String,
}

/// Each rule: what it says, and a query listing the subjects that break it.
const RULES: [(&str, &str); 5] = [
    (
        "a customer with saved cards has exactly one primary card",
        "SELECT CAST(customer_id AS TEXT) AS subject FROM payment_methods \
         GROUP BY customer_id HAVING SUM(is_primary) <> 1",
    ),
    (
        // Payments the office recorded outside the portal are in `paid_cents` with no row.
        "an invoice's paid amount covers its online payments (less their refunds)",
        "SELECT i.number AS subject FROM invoices i WHERE i.paid_cents < \
         (SELECT COALESCE(SUM(p.amount_cents - p.refunded_cents), 0) FROM payments p \
          WHERE p.invoice_id = i.id)",
    ),
    (
        "a void invoice holds no money",
        "SELECT number AS subject FROM invoices WHERE voided = 1 AND paid_cents > 0",
    ),
    (
        "an approved attempt has exactly one payment, and only approved attempts have one",
        "SELECT a.idempotency_key AS subject FROM payment_attempts a \
         LEFT JOIN payments p ON p.attempt_id = a.id \
         WHERE (a.status = 'approved' AND p.id IS NULL) OR (a.status <> 'approved' AND p.id IS NOT NULL)",
    ),
    (
        "every approved charge at the sandbox processor belongs to an approved or pending attempt",
        "SELECT c.idempotency_key AS subject FROM gateway_charges c \
         LEFT JOIN payment_attempts a ON a.idempotency_key = c.idempotency_key \
         WHERE c.outcome = 'approve' AND (a.id IS NULL OR a.status NOT IN ('approved', 'pending'))",
    ),
];

impl Store {
    /// Every broken rule, or none; read in one consistent snapshot per rule.
    pub async fn invariant_violations(&self) -> Result<Vec<Violation>, StoreError> {
        let mut found = Vec::new();
        for (rule, query) in RULES {
            for row in sqlx::query(query).fetch_all(self.pool()).await? {
                found.push(Violation {
                    rule,
                    subject: row.try_get("subject")?,
                });
            }
        }
        Ok(found)
    }

    /// How many rules [`Store::invariant_violations`] checks.
    pub fn invariant_count() -> usize {
        RULES.len()
    }
}
