//! `porchlight serve`: the portal with its background tasks, until SIGINT or SIGTERM.

use super::{CliError, open_store};
use crate::{
    config::{Config, GatewayConfig},
    startup,
};
use app::backend::{
    AppState, Clock, PasswordHasher,
    gateway::{
        Gateway, Mode,
        sandbox::SandboxGateway,
        stripe::{ClientSettings, StripeGateway},
    },
    mail::Mailer,
};
use std::sync::Arc;

/// How often expired rows are deleted.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Applies migrations, then serves the portal on the configured address.
pub(super) async fn serve(config: Config) -> Result<(), CliError> {
    let secret = config.load_secret()?;
    let secret_for_gateway = secret.clone();
    let store = open_store(&config).await?;
    let mut leptos_options = leptos::config::get_configuration(None)
        .map_err(|e| CliError::Other(format!("Leptos configuration (LEPTOS_*): {e}")))?
        .leptos_options;
    // The address and site folder as given (option or variable), not only as Leptos read them.
    leptos_options.site_addr = config.site_addr;
    let site = crate::site::Site::choose(config.site_root_set);
    leptos_options.site_pkg_dir = site.pkg_dir().into();
    // Leptos reads the chunk manifest from the site folder to preload a page's chunks; a
    // compiled-in site gets its manifest written to a folder of its own.
    leptos_options.site_root = match site.leptos_root(&config.site_root) {
        Ok(root) => root.into(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot write the chunk manifest; pages will not preload their chunks");
            config.site_root.as_str().into()
        }
    };
    let addr = leptos_options.site_addr;
    let public = config.public_settings();
    let gateway: Arc<dyn Gateway> = match &config.gateway {
        GatewayConfig::Sandbox => Arc::new(SandboxGateway::new(
            store.clone(),
            secret_for_gateway,
            Clock::system(),
        )),
        GatewayConfig::Stripe {
            keys,
            api_url,
            js_url,
        } => Arc::new(
            StripeGateway::from_keys(keys, ClientSettings::new(api_url), js_url)
                .map_err(|e| CliError::Other(format!("Stripe: {e}")))?,
        ),
    };
    tracing::info!(
        gateway = gateway.name(),
        mode = ?gateway.mode(),
        "payment processor ready"
    );
    // While no real money moves, every email says so (and every page, see `app::shell`).
    let mailer = Mailer::new(&public)
        .map_err(|e| CliError::Other(format!("PORCHLIGHT_SMTP_URL / PORCHLIGHT_OUTBOX_DIR: {e}")))?
        .sending_as(config.mail_from.clone())
        .in_test_mode(gateway.mode() == Mode::Test);
    let state = AppState {
        store: store.clone(),
        secret,
        passwords: PasswordHasher::default(),
        clock: Clock::system(),
        public: Arc::new(public),
        mailer,
        gateway,
        leptos_options,
    };
    // Payments a crash left half-done are finished at once (asking the gateway with their own
    // keys); later, attempts pending for longer than a short grace are finished the same way.
    let reconcile = state.clone();
    tokio::spawn(async move {
        use app::backend::payments::{PENDING_GRACE_SECS, RECONCILE_EVERY, reconcile_pending};
        reconcile_pending(&reconcile, 0).await;
        loop {
            tokio::time::sleep(RECONCILE_EVERY).await;
            reconcile_pending(&reconcile, PENDING_GRACE_SECS).await;
        }
    });
    // Webhook events: recorded by the handler, handled here (at once when one arrives, and
    // every few seconds for retries and claims a stopped server left), each by one server.
    let wake = app::backend::webhooks::Wake::default();
    tokio::spawn(app::backend::webhooks::run_forever(
        state.clone(),
        wake.clone(),
    ));
    // Expiry reminders: now, then hourly (each reminder once, whichever server sends it).
    tokio::spawn(app::backend::reminders::run_forever(state.clone()));
    // Expired sessions, one-time links, unused sandbox tokens and old counters are deleted in
    // the background, never on a request's path.
    let purge = state.clone();
    tokio::spawn(async move {
        loop {
            match purge.store.purge_expired(purge.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "purged expired rows"),
                Err(e) => tracing::warn!(error = %e, "purging expired rows failed; will retry"),
            }
            tokio::time::sleep(PURGE_EVERY).await;
        }
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Other(format!("LEPTOS_SITE_ADDR: cannot listen on {addr}: {e}")))?;
    match site {
        crate::site::Site::Embedded { files, version } => {
            tracing::info!(
                files = files.len(),
                version,
                "serving the site compiled into this binary"
            );
        }
        crate::site::Site::Disk => tracing::info!(
            root = %state.leptos_options.site_root,
            "serving the site from disk (LEPTOS_SITE_ROOT)"
        ),
    }
    tracing::info!(
        "Porchlight is listening on http://{addr} (public URL {})",
        config.public_url
    );
    let router = startup::build_router(state, site).layer(axum::Extension(wake));
    startup::serve(listener, router)
        .await
        .map_err(|e| CliError::Other(format!("server error: {e}")))?;
    store.close().await;
    Ok(())
}
