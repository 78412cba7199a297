//! `/office/customers/:id`: contact details, portal status, jobs, invoices, Payment Methods.

pub mod api;
pub mod page;

pub use api::customer_record;
pub use page::{CustomerRecordPage, PaymentHistoryPage};
