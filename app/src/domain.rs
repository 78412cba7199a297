//! Pure business rules shared by the browser and the server: no leptos, sqlx or axum here.

pub mod card;
pub mod consent;
pub mod customer;
pub mod email;
pub mod ids;
pub mod invoice;
pub mod money;
pub mod next;
pub mod paging;
pub mod password;
pub mod reminder;
pub mod staff;
pub mod status;
pub mod time;
pub mod tokenization;

pub use customer::{CustomerDetails, CustomerKind, Phone, PortalStatus};
pub use email::EmailAddress;
pub use ids::{CustomerId, InstallId, InvoiceId, JobId, PaymentId, PaymentMethodId, StaffId};
pub use money::Cents;
pub use password::Password;
pub use staff::StaffRole;
pub use time::Timestamp;
