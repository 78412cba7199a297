//! `porchlight-bench`: `porchlight` with the baseline routes of `cargo xtask bench` (the `bench`
//! feature); never deployed.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run().await
}
