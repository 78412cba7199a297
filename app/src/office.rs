//! The office side: staff sign-in, settings, Call Booking, customers, jobs and invoices.

pub mod auth;
pub mod billing;
pub mod call_booking;
pub mod card_terms;
pub mod cards;
pub mod customers;
pub mod nav;
pub mod password_reset;
pub mod record;
pub mod settings;
pub mod staff;

pub use auth::{OfficeLoginPage, OfficeShell, StaffSummary};
pub use call_booking::{CallBookingPage, EditCustomerPage};
pub use customers::CustomersPage;
pub use nav::OfficeNav;
pub use password_reset::{OfficeForgotPasswordPage, OfficeResetPasswordPage};
pub use record::{CustomerRecordPage, PaymentHistoryPage};
pub use settings::OnlinePaymentsPage;
pub use staff::StaffPage;
