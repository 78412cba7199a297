//! The office side: staff sign-in, settings, Call Booking, customers, jobs and invoices.

mod auth;
mod billing;
mod call_booking;
mod cards;
mod customers;
mod nav;
mod record;
mod settings;
mod staff;

pub use auth::{OfficeLoginPage, OfficeShell, StaffSummary};
pub use call_booking::{CallBookingPage, EditCustomerPage};
pub use customers::CustomersPage;
pub use nav::OfficeNav;
pub use record::{CustomerRecordPage, PaymentHistoryPage};
pub use settings::OnlinePaymentsPage;
pub use staff::StaffPage;
