//! Logging: the `RUST_LOG` filter (`--log`), every request's lines carry its request id.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global log subscriber (human-readable lines on stderr) with `filter`, a filter
/// the configuration checked (`info` if it still does not parse).
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
