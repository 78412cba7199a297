//! Server integration tests: the real router on a real port with a fresh database per test.
#![allow(clippy::unwrap_used)] // Test helpers: a panic is the failure report.

mod accounts;
mod bank_checks;
mod card_requests;
mod cards;
mod cli;
mod consent;
mod csrf;
mod dashboard;
mod fake_stripe;
mod gateway_contract;
mod health;
mod helpers;
mod hostile;
mod instances;
mod markup;
mod office;
mod pages;
mod payments;
mod proxy;
mod refused_forms;
mod reminders;
mod sessions;
mod smtp;
mod staff_reset;
mod stripe_client;
mod stripe_payments;
mod throttling;
mod webhooks;
