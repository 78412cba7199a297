//! `cargo xtask test`: every check, in the order that fails fastest, with counts per group.

use crate::process::{cmd, run, run_captured, workspace_root};
use std::{process::Command, time::Instant};

/// Cargo flags shared by every Rust test group, so they all reuse one build.
const TEST_PACKAGES: &[&str] = &[
    "-p",
    "app",
    "-p",
    "server",
    "-p",
    "xtask",
    "-p",
    "wasm-split",
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
    let pg = crate::postgres::url();
    crate::postgres::ensure_running(&pg)?;
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
    // The bench's baselines (server/src/bench.rs) build only with the `bench` feature.
    run(&mut cargo(&[
        "clippy",
        "-p",
        "server",
        "--all-targets",
        "--features",
        "bench",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The bench, a few requests of each load on both backends: it builds and runs; no timing
    // is judged here (`cargo xtask bench` does that).
    let result = crate::bench::run_cli(&["--smoke".to_owned()]);
    tally.record(
        "bench smoke: card page and set primary vs baselines (SQLite, PostgreSQL)",
        usize::from(result.is_ok()),
        usize::from(result.is_err()),
    );
    result?;
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
    // The mixed write load, short form (issue 16): cards and payments from 20 customers at once.
    let backends = [crate::load::Backend::Sqlite, crate::load::Backend::Postgres];
    let size = crate::load::mixed::Size {
        clients: 20,
        secs: 10,
        max_requests: 1_000_000,
        instances: 1,
        crashes: 0,
    };
    let result = crate::load::mixed::run_all(&built.binary, &backends, size);
    tally.record(
        "mixed write load, 20 clients for 10 s, data rules after (SQLite, PostgreSQL)",
        *result.as_ref().unwrap_or(&0),
        usize::from(result.is_err()),
    );
    result?;
    // The same load split over two servers on one PostgreSQL database (issue 16, part 3).
    let two = crate::load::mixed::Size {
        instances: 2,
        ..size
    };
    let result = crate::load::mixed::run_all(&built.binary, &[crate::load::Backend::Postgres], two);
    tally.record(
        "mixed write load over two servers on one PostgreSQL, 20 clients for 10 s",
        *result.as_ref().unwrap_or(&0),
        usize::from(result.is_err()),
    );
    result?;
    // The same load with the server killed (SIGKILL) and restarted halfway (issue 16, part 2).
    let crashed = crate::load::mixed::Size { crashes: 1, ..size };
    let result = crate::load::mixed::run_all(&built.binary, &backends, crashed);
    tally.record(
        "mixed write load with a SIGKILL and restart halfway, acknowledged writes kept (SQLite, PostgreSQL)",
        *result.as_ref().unwrap_or(&0),
        usize::from(result.is_err()),
    );
    result?;
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
}
