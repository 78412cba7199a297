//! `/payment-methods` ("Saved Payment Methods"): the customer's cards on file.

mod api;
mod page;

pub use page::PaymentMethodsPage;
