//! Server-only services: storage, password hashing, clock, secrets and the shared [`AppState`].

pub mod auth;
pub mod card_requests;
pub mod cards;
pub mod clock;
pub mod consent;
pub mod gateway;
pub mod mail;
pub mod passwords;
pub mod payments;
pub mod processor;
pub mod records;
pub mod reminders;
pub mod request;
pub mod secret;
pub mod state;
pub mod store;
/// Test helpers (a fresh database per test); not part of the release binary.
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod webhooks;

pub use clock::Clock;
pub use passwords::PasswordHasher;
pub use secret::Secret;
pub use state::{AppState, PublicSettings};
pub use store::{Store, StoreError};
