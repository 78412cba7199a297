//! Store tests; run on SQLite and on PostgreSQL (`PORCHLIGHT_TEST_BACKEND`).
#![allow(clippy::unwrap_used)] // Test helpers: a panic is the failure report.

mod backup;
mod cards;
mod customers;
mod invoices;
mod purge;
mod reminders;
mod schema;
mod settings;
