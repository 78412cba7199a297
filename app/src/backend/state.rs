//! [`AppState`]: everything a request needs, handed to server functions through Leptos context.

use super::{Clock, PasswordHasher, Secret, Store, gateway::Gateway, mail::Mailer};
use leptos::config::LeptosOptions;
use std::{path::PathBuf, sync::Arc};

/// Deployment facts that pages and emails need (the SMTP URL's password prints redacted).
#[derive(Clone)]
pub struct PublicSettings {
    /// Where users reach the portal, e.g. `https://pay.example.com`; used for links and the origin check.
    pub public_url: String,
    /// Where emails are written when no SMTP server is configured.
    pub outbox_dir: PathBuf,
    /// The SMTP server, if any.
    pub smtp_url: Option<String>,
    /// Reverse proxies whose forwarded client addresses are believed.
    pub trusted_proxies: super::request::TrustedProxies,
}

impl std::fmt::Debug for PublicSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicSettings")
            .field("public_url", &self.public_url)
            .field("outbox_dir", &self.outbox_dir)
            .field(
                "smtp_url",
                &self.smtp_url.as_deref().map(super::secret::redact_url),
            )
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

impl PublicSettings {
    /// The origin (`scheme://host[:port]`) of the public URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// Whether the portal is served over https (so cookies get `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Shared services; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// HMAC key.
    pub secret: Secret,
    /// Password hashing with bounded concurrency.
    pub passwords: PasswordHasher,
    /// The time source.
    pub clock: Clock,
    /// Deployment facts.
    pub public: Arc<PublicSettings>,
    /// Outgoing email.
    pub mailer: Mailer,
    /// The payment processor.
    pub gateway: Arc<dyn Gateway>,
    /// Leptos' own options (site root, output name).
    pub leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The [`AppState`] of the current request, for server functions.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        crate::error::AppError::internal("app state", "AppState missing from context")
    })
}
