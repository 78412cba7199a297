//! `porchlight`: serves the portal and runs the operator's tasks.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run().await
}
