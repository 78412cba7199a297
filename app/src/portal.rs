//! The customer side of the portal: one module per feature.

pub mod account;
pub mod dashboard;
pub mod invitation;
pub mod invoice;
pub mod login;
pub mod password_reset;
pub mod pay;
pub mod payment_methods;
pub mod session;
pub mod verify;

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
