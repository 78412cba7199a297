//! Stripe: checked keys, a small client for the endpoints Porchlight uses, and the parts of
//! Stripe's objects it reads.

mod client;
mod gateway;
mod keys;
mod objects;

pub use client::{API_VERSION, ClientSettings, DEFAULT_API_URL, Params, StripeClient, StripeError};
pub use gateway::{CURRENCY, DEFAULT_JS_URL, StripeGateway, decline_of, outcome_of};
pub use keys::{KeyProblem, PUBLISHABLE_KEY_VAR, SECRET_KEY_VAR, StripeKeys, WEBHOOK_SECRET_VAR};
pub use objects::{
    Address, BillingDetails, Card, Charge, Customer, ErrorDetail, Expandable, HasId,
    InvoiceSettings, List, PaymentIntent, PaymentMethod, SetupIntent,
};
