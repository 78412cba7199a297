//! Customer records (created by the office through Call Booking).

use super::{Store, StoreError, staff::decode_error};
use crate::domain::{CustomerId, EmailAddress, Timestamp};
use sqlx::Row;

/// Residential or commercial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerKind {
    /// A household.
    Residential,
    /// A business.
    Commercial,
}

impl CustomerKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Residential => "residential",
            CustomerKind::Commercial => "commercial",
        }
    }

    fn parse(s: &str) -> Result<Self, sqlx::Error> {
        match s {
            "residential" => Ok(CustomerKind::Residential),
            "commercial" => Ok(CustomerKind::Commercial),
            other => Err(decode_error("customers.kind", other)),
        }
    }
}

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
    /// Row id.
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
        let row = sqlx::query(
            "INSERT INTO customers (name, email, phone, service_address, kind, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(new.name.as_str())
        .bind(new.email.as_str())
        .bind(new.phone.as_str())
        .bind(new.service_address.as_str())
        .bind(new.kind.as_str())
        .bind(now.unix())
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

fn customer_from_row(row: &sqlx::any::AnyRow) -> Result<Customer, StoreError> {
    let email: String = row.try_get("email")?;
    let kind: String = row.try_get("kind")?;
    Ok(Customer {
        id: CustomerId::new(row.try_get("id")?),
        name: row.try_get("name")?,
        email: EmailAddress::parse(&email).map_err(|e| decode_error("customers.email", e))?,
        phone: row.try_get("phone")?,
        service_address: row.try_get("service_address")?,
        kind: CustomerKind::parse(&kind)?,
    })
}
