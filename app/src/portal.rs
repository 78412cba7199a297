//! The customer side of the portal: one module per feature.

mod account;
mod dashboard;
mod invitation;
mod invoice;
mod login;
mod password_reset;
mod pay;
mod payment_methods;
mod session;
mod verify;

pub use account::AccountPage;
pub use dashboard::DashboardPage;
pub use invitation::RequestInvitationPage;
pub use invoice::InvoicePage;
pub use login::LoginPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use pay::{PayPage, ReceiptPage};
pub use payment_methods::PaymentMethodsPage;
pub use session::{CustomerSummary, PortalShell, UserMenu};
pub use verify::VerifyPage;
