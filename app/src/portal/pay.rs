//! Paying an invoice with a saved card (`/invoices/:id/pay`) and the receipt that follows
//! (`/payments/:id/receipt`).

pub mod api;
pub mod page;
pub mod receipt;

pub use page::PayPage;
pub use receipt::ReceiptPage;
