//! The project runner: `cargo xtask setup` installs the tools, `cargo xtask demo` starts the
//! portal with demo data, `cargo xtask test` runs every check CI runs. Std only, so it compiles in seconds on a fresh machine.

mod bench;
mod lighthouse;
mod load;
mod postgres;
mod process;
mod site;
mod test;
mod tools;
mod watch_check;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  setup [--watch]
          install everything the commands below use: the wasm32 target, wasm-bindgen,
          Node.js and the npm packages (binaryen's wasm-opt, Playwright), rustfmt and
          clippy, Chromium, PostgreSQL; with --watch also cargo-leptos (about 12 minutes
          to compile) for `cargo leptos watch`; skips whatever is there, so a second run
          takes seconds
  demo    build a quick debug build and serve the portal with demo data (a second run
          starts in seconds)
  dist    build the release binary, target/release/porchlight, with the site inside it:
          the one file to deploy
  test    run every check: fmt, clippy (ssr + hydrate), unit tests, store tests on SQLite
          and PostgreSQL, integration tests, Playwright end-to-end tests against the release
          binary (with what a phone transfers, against end2end/budgets.json)
  lighthouse [RUNS]
          Lighthouse (mobile) on /login and a signed-in /payment-methods of the release
          binary with the demo data: median of RUNS (default 5), against issue 14's goals
  bench [--smoke] [--backend sqlite|postgres|both]
          the card page and Set as Primary against baselines in the same binary (the
          `bench` feature), server on CPU 0 and load on CPU 1, SQLite and PostgreSQL:
          requests/s, p50, p99, PASS/FAIL (`cargo xtask bench --help`)
  watch-check
          `cargo leptos watch --split` on a copy of the current commit, rebuilding twice
          after edits; Chromium checks each build's page hydrates (needs `setup --watch`)
  crash   payments in flight while the release server is killed with SIGKILL and restarted,
          on SQLite and PostgreSQL: acknowledged payments kept, nothing charged twice,
          every data rule intact (part of `test`)
  load    signed-in page loads against the release build on SQLite and PostgreSQL while the
          cores are busy; fails on any load slower than 5 s or not answering 200
          (`cargo xtask load --help` for the options)

demo, dist, test and lighthouse install nothing: they first check for what they use, name
each missing tool on a line of its own and stop; `cargo xtask setup` installs it.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => tools::check(tools::Need::Demo).and_then(|()| demo()),
        Some("dist") => tools::check(tools::Need::Build)
            .and_then(|()| site::build(site::Kind::Release).map(drop)),
        Some("test") => tools::check(tools::Need::Test).and_then(|()| test::run_all()),
        Some("setup") => {
            let watch = args[1..].iter().any(|a| a == "--watch");
            timed("setup", || tools::setup(watch))
        }
        Some("lighthouse") => {
            tools::check(tools::Need::Test).and_then(|()| lighthouse::run(&args[1..]))
        }
        Some("crash") => crash(),
        Some("bench") => bench::run_cli(&args[1..]),
        Some("watch-check") => {
            tools::check(tools::Need::Develop).and_then(|()| watch_check::run_check())
        }
        Some("load") => load::Options::parse(&args[1..]).and_then(|o| load::run(&o).map(drop)),
        Some("busy") => {
            load::spin();
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The crash test on both backends against the release binary.
fn crash() -> Result<(), String> {
    let binary = process::workspace_root().join("target/release/porchlight");
    for backend in [load::Backend::Sqlite, load::Backend::Postgres] {
        eprintln!("{}", load::crash::run(&binary, backend)?);
    }
    Ok(())
}

/// Runs `f`, then prints how long it took under `name`.
fn timed(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let started = std::time::Instant::now();
    f()?;
    eprintln!("  {name}: {}", site::minutes(started.elapsed()));
    Ok(())
}

/// Builds the quick demo build, loads the demo business into `data/demo.db` and serves it.
fn demo() -> Result<(), String> {
    let root = process::workspace_root();
    let built = site::build(site::Kind::Demo)?;
    let db =
        std::env::var("PORCHLIGHT_DATABASE_URL").unwrap_or_else(|_| "sqlite://data/demo.db".into());
    let url =
        std::env::var("PORCHLIGHT_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into());
    let with_env = |args: &[&str]| {
        let mut c = process::cmd(built.binary.to_str().unwrap_or("porchlight"), args);
        c.current_dir(&root)
            .env("PORCHLIGHT_DATABASE_URL", &db)
            .env("PORCHLIGHT_PUBLIC_URL", &url)
            .env("LEPTOS_SITE_ROOT", &built.site);
        c
    };
    process::run(&mut with_env(&["demo", "--force"]))?;
    eprintln!("\nPorchlight is starting at {url}\nPress Ctrl-C to stop.\n");
    process::run(&mut with_env(&["serve"]))
}
