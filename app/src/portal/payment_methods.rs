//! `/payment-methods` ("Saved Payment Methods"): the customer's cards on file.

pub mod api;
pub mod page;

pub use page::PaymentMethodsPage;
