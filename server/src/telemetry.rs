//! Logging: `RUST_LOG` filters, every request's lines carry its request id.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global log subscriber (human-readable lines on stderr).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
