//! `/office/customers/:id`: contact details, portal status, jobs, invoices, Payment Methods.

mod api;
mod page;

pub use api::{JobRow, customer_record};
pub use page::{CustomerRecordPage, PaymentHistoryPage};
