//! The customer side of the portal: one module per feature.

mod business;
mod home;
mod login;

pub use business::BusinessName;
pub use home::HomePage;
pub use login::LoginPage;
