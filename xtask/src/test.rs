//! `cargo xtask test`: every check, in the order that fails fastest, with counts per group.

use crate::{
    process::{cmd, run, run_captured, workspace_root},
    tools::apt_install,
};
use std::{
    net::{TcpStream, ToSocketAddrs},
    process::Command,
    time::{Duration, Instant},
};

/// The PostgreSQL server the store tests create their databases on.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Cargo flags shared by every Rust test group, so they all reuse one build.
const TEST_PACKAGES: &[&str] = &[
    "-p",
    "app",
    "-p",
    "server",
    "-p",
    "xtask",
    "--features",
    "app/ssr,app/testing",
];

struct Tally {
    rows: Vec<(String, usize, usize)>,
}

impl Tally {
    fn record(&mut self, group: &str, passed: usize, failed: usize) {
        eprintln!("\n==> {group}: {passed} passed, {failed} failed\n");
        self.rows.push((group.to_owned(), passed, failed));
    }
}

/// Runs every group; stops at the first failing one.
pub fn run_all() -> Result<(), String> {
    let root = workspace_root();
    let started = Instant::now();
    let mut tally = Tally { rows: Vec::new() };

    run(cmd("cargo", &["fmt", "--all", "--check"]).current_dir(&root))
        .map_err(|_| "formatting differs: run `cargo fmt --all`".to_owned())?;
    run(cargo(&["clippy", "--all-targets"])
        .args(TEST_PACKAGES)
        .args(["--", "-D", "warnings"]))?;
    run(&mut cargo(&[
        "clippy",
        "-p",
        "frontend",
        "-p",
        "app",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;

    cargo_tests(&mut tally, "unit tests", &["--lib", "--bins"], &[])?;
    let pg = postgres_url();
    ensure_postgres(&pg)?;
    for (suite, name) in [
        ("store", "store tests"),
        ("api", "server integration tests"),
    ] {
        let sqlite = [("PORCHLIGHT_TEST_BACKEND", "sqlite")];
        let postgres = [
            ("PORCHLIGHT_TEST_BACKEND", "postgres"),
            ("PORCHLIGHT_TEST_POSTGRES_URL", pg.as_str()),
        ];
        cargo_tests(
            &mut tally,
            &format!("{name} on SQLite"),
            &["--test", suite],
            &sqlite,
        )?;
        cargo_tests(
            &mut tally,
            &format!("{name} on PostgreSQL"),
            &["--test", suite],
            &postgres,
        )?;
    }

    // The binary that ships: the site compiled in, so the tests below read no site folder.
    let built = crate::site::build(crate::site::Kind::Release)?;
    // The code that compiles the site in (server/build.rs) only builds with a site to embed.
    run(cargo(&[
        "clippy",
        "-p",
        "server",
        "--features",
        "embed-site",
        "--",
        "-D",
        "warnings",
    ])
    .env("PORCHLIGHT_EMBED_SITE", &built.site))?;
    // The page-hang regression (issue 17): signed-in loads under CPU load on both backends.
    let loads = crate::load::Options::parse(&[])?;
    let result = crate::load::run(&loads);
    let (passed, failed) = match &result {
        Ok(n) => (*n, 0),
        Err(_) => (0, 1),
    };
    tally.record(
        "page loads under load, 5 s deadline (SQLite, PostgreSQL)",
        passed,
        failed,
    );
    result?;
    // Payments in flight while the server is killed (SIGKILL) and restarted, on both backends.
    let mut crashed = (0, 0);
    for backend in [crate::load::Backend::Sqlite, crate::load::Backend::Postgres] {
        match crate::load::crash::run(&built.binary, backend) {
            Ok(report) => {
                eprintln!("{report}");
                crashed.0 += 1;
            }
            Err(e) => {
                eprintln!("crash test on {}: {e}", backend.name());
                crashed.1 += 1;
            }
        }
    }
    tally.record(
        "crash: SIGKILL during payments, restart (SQLite, PostgreSQL)",
        crashed.0,
        crashed.1,
    );
    if crashed.1 > 0 {
        return Err("the crash test failed (see the lines above)".into());
    }
    let (ok, out) = run_captured(
        cmd("npx", &["playwright", "test", "--reporter=list"])
            .current_dir(root.join("end2end"))
            .env("CI", "true"),
    )?;
    let (passed, failed) = playwright_counts(&out);
    tally.record(
        "end-to-end tests (Playwright, Chromium, release build)",
        passed,
        failed,
    );
    if !ok || passed == 0 {
        return Err(
            "end-to-end tests failed (screenshots and traces in end2end/test-results/)".into(),
        );
    }
    // No card number or security code in what the e2e server wrote (database, outbox, log).
    let (ok, _) = run_captured(cmd("node", &["pci-scan.mjs"]).current_dir(root.join("end2end")))?;
    tally.record(
        "PCI scan of the e2e database, outbox and log",
        usize::from(ok),
        usize::from(!ok),
    );
    if !ok {
        return Err("the PCI scan found card data (see the lines above)".into());
    }
    // The rules the data must keep, on what the end-to-end flows left behind.
    let e2e_db = root.join("target/e2e/porchlight.db");
    let (ok, _) = run_captured(
        cmd(built.binary.to_str().unwrap_or("porchlight"), &["check"])
            .env(
                "PORCHLIGHT_DATABASE_URL",
                format!("sqlite://{}", e2e_db.display()),
            )
            .env(
                "PORCHLIGHT_SECRET",
                "check-needs-no-secret-0123456789abcdef",
            ),
    )?;
    tally.record(
        "data rules on the e2e database (porchlight check)",
        usize::from(ok),
        usize::from(!ok),
    );
    if !ok {
        return Err("the e2e database breaks a data rule (see the lines above)".into());
    }

    eprintln!("\nSummary ({} s):", started.elapsed().as_secs());
    for (group, passed, failed) in &tally.rows {
        eprintln!("  {group:<58} {passed:>4} passed, {failed} failed");
    }
    let passed: usize = tally.rows.iter().map(|r| r.1).sum();
    let failed: usize = tally.rows.iter().map(|r| r.2).sum();
    #[allow(clippy::print_stdout)]
    {
        println!("{passed} passed, {failed} failed");
    }
    Ok(())
}

fn cargo(args: &[&str]) -> Command {
    let mut c = cmd("cargo", args);
    c.current_dir(workspace_root());
    c
}

/// Runs one selection of cargo tests and records its counts; fails on a failure or on zero tests.
fn cargo_tests(
    tally: &mut Tally,
    group: &str,
    selection: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    let mut c = cargo(&["test"]);
    c.args(TEST_PACKAGES).args(selection);
    for (k, v) in env {
        c.env(k, v);
    }
    let (ok, out) = run_captured(&mut c)?;
    let (passed, failed) = cargo_counts(&out);
    tally.record(group, passed, failed);
    if !ok || failed > 0 {
        return Err(format!("{group} failed"));
    }
    if passed == 0 {
        return Err(format!("{group}: no test ran"));
    }
    Ok(())
}

/// Sums `test result: ok. N passed; M failed` lines.
fn cargo_counts(out: &str) -> (usize, usize) {
    let number_before = |line: &str, word: &str| -> usize {
        line.split(';')
            .find_map(|part| {
                part.trim()
                    .strip_suffix(word)
                    .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
            })
            .unwrap_or(0)
    };
    out.lines()
        .filter(|l| l.starts_with("test result:"))
        .fold((0, 0), |(p, f), l| {
            (
                p + number_before(l, "passed"),
                f + number_before(l, "failed"),
            )
        })
}

/// Reads Playwright's `N passed` / `N failed` summary lines.
fn playwright_counts(out: &str) -> (usize, usize) {
    let count = |word: &str| {
        out.lines()
            .filter_map(|l| {
                let l = l.trim();
                let (n, rest) = l.split_once(' ')?;
                rest.starts_with(word)
                    .then(|| n.parse::<usize>().ok())
                    .flatten()
            })
            .sum()
    };
    (count("passed"), count("failed") + count("flaky"))
}

/// Host and port of a postgres:// URL (defaults: 127.0.0.1, 5432).
fn host_port(url: &str) -> (String, u16) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().unwrap_or(5432)),
        None => (host_port, 5432),
    };
    (
        if host.is_empty() {
            "127.0.0.1".to_owned()
        } else {
            host.to_owned()
        },
        port,
    )
}

fn answers(host: &str, port: u16) -> bool {
    (host, port)
        .to_socket_addrs()
        .map(|mut addrs| {
            addrs.any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
        })
        .unwrap_or(false)
}

/// The PostgreSQL server tests create their databases on (`PORCHLIGHT_TEST_POSTGRES_URL`).
pub fn postgres_url() -> String {
    std::env::var("PORCHLIGHT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// Makes sure PostgreSQL answers, installing and starting a local one when needed.
pub fn ensure_postgres(url: &str) -> Result<(), String> {
    let (host, port) = host_port(url);
    if answers(&host, port) {
        return Ok(());
    }
    let local = matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1");
    let fail = |why: &str| {
        format!(
            "PostgreSQL does not answer at {host}:{port} ({why}); start it or set PORCHLIGHT_TEST_POSTGRES_URL"
        )
    };
    if !local {
        return Err(fail("not a local server, so not started here"));
    }
    let fresh_install = !std::path::Path::new("/etc/postgresql").exists();
    if fresh_install {
        apt_install(&["postgresql"]).map_err(|e| fail(&e))?;
    }
    let versions = std::fs::read_dir("/etc/postgresql").map_err(|e| fail(&e.to_string()))?;
    for version in versions.flatten() {
        let version = version.file_name().to_string_lossy().into_owned();
        if fresh_install {
            // A server installed just for the tests trusts loopback, as the test URL expects.
            trust_loopback(&format!("/etc/postgresql/{version}/main/pg_hba.conf"))
                .map_err(|e| fail(&e))?;
        }
        let _ = run(&mut cmd(
            "pg_ctlcluster",
            &["--skip-systemctl-redirect", &version, "main", "start"],
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if answers(&host, port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(fail("started it, but it still does not answer"))
}

/// Puts `host all all 127.0.0.1/32 trust` first in a pg_hba.conf.
fn trust_loopback(path: &str) -> Result<(), String> {
    let current = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let line = "host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n";
    if current.starts_with(line) {
        return Ok(());
    }
    std::fs::write(path, format!("{line}{current}")).map_err(|e| format!("writing {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_counts_add_up_every_test_binary() {
        let out = "test result: ok. 12 passed; 0 failed; 1 ignored\nnoise\ntest result: FAILED. 3 passed; 2 failed; 0 ignored\n";
        assert_eq!(cargo_counts(out), (15, 2));
    }

    #[test]
    fn playwright_counts_read_the_summary() {
        assert_eq!(
            playwright_counts("  ok 1 …\n\n  5 passed (12.3s)\n"),
            (5, 0)
        );
        assert_eq!(playwright_counts("  1 failed\n  4 passed (9s)\n"), (4, 1));
    }

    #[test]
    fn postgres_urls_give_host_and_port() {
        assert_eq!(
            host_port("postgres://postgres@127.0.0.1:5432/postgres"),
            ("127.0.0.1".into(), 5432)
        );
        assert_eq!(
            host_port("postgres://u:p@db.internal/x?sslmode=disable"),
            ("db.internal".into(), 5432)
        );
        assert_eq!(
            host_port("postgresql://localhost:6543"),
            ("localhost".into(), 6543)
        );
    }
}
