//! `cargo xtask lighthouse [RUNS]`: Lighthouse's mobile audit of the release binary, with the
//! demo business loaded, on /login and a signed-in /payment-methods (`end2end/lighthouse.mjs`).

use crate::load::{Backend, Server, Who};
use crate::process::{cmd, workspace_root};

/// Builds the release binary, serves the demo on a free port and runs the audit.
pub fn run_audit(runs: u32) -> Result<(), String> {
    let built = crate::site::build(crate::site::Kind::Release)?;
    let server = Server::start(&built.binary, Backend::Sqlite)?;
    let cookie = server.sign_in(Who::Customer)?;
    let base = format!("http://{}", server.addr);
    let mut audit = cmd(
        "node",
        &["lighthouse.mjs", &base, &cookie, &runs.to_string()],
    );
    audit.current_dir(workspace_root().join("end2end"));
    crate::process::run(&mut audit)
        .map_err(|_| "some Lighthouse goals were missed (the FAIL lines above)".to_owned())
}

/// Parses `[RUNS]` and runs the audit.
pub fn run(args: &[String]) -> Result<(), String> {
    let runs = match args.first() {
        None => 5,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=25).contains(n))
            .ok_or_else(|| format!("RUNS must be a number from 1 to 25, not {n:?}"))?,
    };
    run_audit(runs)
}
