//! Customer records (created by the office through Call Booking).

use super::{Store, StoreError, staff::decode_error};
use crate::domain::{CustomerId, CustomerKind, EmailAddress, Timestamp};
use sqlx::Row;

/// A customer to create.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    /// Full name or company name.
    pub name: String,
    /// Unique (case-insensitive) contact and sign-in email.
    pub email: EmailAddress,
    /// Phone number as entered (already validated).
    pub phone: String,
    /// Where the work happens.
    pub service_address: String,
    /// Residential or commercial.
    pub kind: CustomerKind,
}

/// A stored customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// In the office's record address (`/office/customers/:id`).
    pub id: CustomerId,
    /// Full name or company name.
    pub name: String,
    /// Contact and sign-in email.
    pub email: EmailAddress,
    /// Phone number.
    pub phone: String,
    /// Where the work happens.
    pub service_address: String,
    /// Residential or commercial.
    pub kind: CustomerKind,
}

impl Store {
    /// Creates a customer; an email already on file (in any case) is [`StoreError::Duplicate`].
    pub async fn insert_customer(
        &self,
        new: &NewCustomer,
        now: Timestamp,
    ) -> Result<CustomerId, StoreError> {
        let row = bind_details(
            "INSERT INTO customers (name, email, phone, service_address, kind, created_at, updated_at, \
             phone_digits, name_lower) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8) RETURNING id",
            new,
            now,
        )
        .fetch_one(self.pool())
        .await
        .map_err(|e| StoreError::unique(e, "customer email"))?;
        Ok(CustomerId::new(row.try_get("id")?))
    }

    /// One customer by id.
    pub async fn customer(&self, id: CustomerId) -> Result<Customer, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, email, phone, service_address, kind FROM customers WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        customer_from_row(&row)
    }

    /// The customer with this (normalized) email, if any.
    pub async fn customer_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<Customer>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, email, phone, service_address, kind FROM customers WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(customer_from_row).transpose()
    }
}

/// One page of a customer search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerPage {
    /// The customers on this page, by name.
    pub customers: Vec<Customer>,
    /// How many match in all.
    pub total: i64,
}

/// `sql` with a customer's details bound to `$1`…`$8` (name, email, phone, address, kind, the
/// time, the phone's digits and the lowercase name, the last two for searching).
fn bind_details<'q>(
    sql: &'static str,
    new: &'q NewCustomer,
    now: Timestamp,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(sql)
        .bind(new.name.as_str())
        .bind(new.email.as_str())
        .bind(new.phone.as_str())
        .bind(new.service_address.as_str())
        .bind(new.kind.as_str())
        .bind(now.unix())
        .bind(digits(&new.phone))
        .bind(new.name.to_lowercase())
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    /// Replaces a customer's details; another customer's email is [`StoreError::Duplicate`].
    /// When the email changes, in the same transaction, every unused invitation and reset link
    /// is voided and every portal session ended (they were sent to, or opened from, the old
    /// address). Answers the customer as it was.
    pub async fn update_customer(
        &self,
        id: CustomerId,
        new: &NewCustomer,
        now: Timestamp,
    ) -> Result<Customer, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT id, name, email, phone, service_address, kind FROM customers WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let old = customer_from_row(&row)?;
        let done = bind_details(
            "UPDATE customers SET name = $1, email = $2, phone = $3, service_address = $4, kind = $5, \
             updated_at = $6, phone_digits = $7, name_lower = $8 WHERE id = $9",
            new,
            now,
        )
        .bind(id.get())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "customer email"))?;
        StoreError::one_row(done)?;
        if old.email != new.email {
            sqlx::query(
                "UPDATE auth_tokens SET used_at = $1 WHERE customer_id = $2 AND used_at IS NULL",
            )
            .bind(now.unix())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE customer_id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(old)
    }

    /// Customers whose name, email or phone contains `query` (case-insensitive), by name.
    pub async fn search_customers(
        &self,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<CustomerPage, StoreError> {
        let query = query.trim().to_lowercase();
        let text = format!("%{}%", like_escape(&query));
        let phone = digits(&query);
        // Phone matches need at least three digits, so "a" does not match every number.
        let phone = if phone.len() >= 3 {
            format!("%{phone}%")
        } else {
            "-".to_owned()
        };
        const FILTER: &str =
            "(name_lower LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\' OR phone_digits LIKE $2)";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM customers WHERE {FILTER}"
        )))
        .bind(text.as_str())
        .bind(phone.as_str())
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, name, email, phone, service_address, kind FROM customers WHERE {FILTER} \
             ORDER BY name_lower, id LIMIT $3 OFFSET $4"
        )))
        .bind(text.as_str())
        .bind(phone.as_str())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        let customers = rows
            .iter()
            .map(customer_from_row)
            .collect::<Result<_, _>>()?;
        Ok(CustomerPage { customers, total })
    }
}

fn customer_from_row(row: &sqlx::any::AnyRow) -> Result<Customer, StoreError> {
    let email: String = row.try_get("email")?;
    let kind: String = row.try_get("kind")?;
    Ok(Customer {
        id: CustomerId::new(row.try_get("id")?),
        name: row.try_get("name")?,
        email: EmailAddress::parse(&email).map_err(|e| decode_error("customers.email", e))?,
        phone: row.try_get("phone")?,
        service_address: row.try_get("service_address")?,
        kind: CustomerKind::parse(&kind).map_err(|e| decode_error("customers.kind", e))?,
    })
}
