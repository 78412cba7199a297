//! Jobs and invoices: created from the customer record; unpaid invoices can be voided.

pub mod api;
pub mod page;

pub use api::{CreateInvoice, CreateJob, VoidInvoice};
pub use page::{InvoiceForm, JobForm};
