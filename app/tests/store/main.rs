//! Store tests; run on SQLite and on PostgreSQL (`PORCHLIGHT_TEST_BACKEND`).
#![allow(clippy::unwrap_used)] // Test helpers: a panic is the failure report.

mod backup;
mod card_terms;
mod cards;
mod customers;
mod invoices;
mod purge;
mod reminders;
mod schema;
mod settings;

/// A card holder's agreement to the first card-on-file terms, as the portal records it.
pub fn agreed() -> app::backend::store::ConsentGiven {
    app::backend::store::ConsentGiven {
        consent: app::domain::consent::CardConsent::Terms(1),
        ip: "203.0.113.7".into(),
        user_agent: "StoreTest/1.0".into(),
    }
}
