//! The project runner: `cargo xtask demo` starts the portal with demo data, `cargo xtask test`
//! runs every check CI runs. Std only, so it compiles in seconds on a fresh machine.

mod load;
mod process;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  demo    install what is missing, build (release) and serve the portal with demo data
  test    install what is missing, then run every check: fmt, clippy (ssr + hydrate),
          unit tests, store tests on SQLite and PostgreSQL, integration tests,
          Playwright end-to-end tests against the release build, wasm size budget
  setup   only install what is missing (wasm32 target, cargo-leptos, wasm-bindgen,
          wasm-opt, Chromium, npm packages)
  load    signed-in page loads against the release build on SQLite and PostgreSQL while the
          cores are busy; fails on any load slower than 5 s or not answering 200
          (`cargo xtask load --help` for the options)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => tools::ensure(tools::Need::Build).and_then(|()| demo()),
        Some("test") => tools::ensure(tools::Need::Test).and_then(|()| test::run_all()),
        Some("setup") => tools::ensure(tools::Need::Test),
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

/// Builds the release site, loads the demo business into `data/demo.db` and serves it.
fn demo() -> Result<(), String> {
    let root = process::workspace_root();
    process::run(process::cmd("cargo", &["leptos", "build", "--release"]).current_dir(&root))?;
    let db =
        std::env::var("PORCHLIGHT_DATABASE_URL").unwrap_or_else(|_| "sqlite://data/demo.db".into());
    let url =
        std::env::var("PORCHLIGHT_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into());
    let binary = root.join("target/release/porchlight");
    let with_env = |args: &[&str]| {
        let mut c = process::cmd(binary.to_str().unwrap_or("porchlight"), args);
        c.current_dir(&root)
            .env("PORCHLIGHT_DATABASE_URL", &db)
            .env("PORCHLIGHT_PUBLIC_URL", &url);
        c
    };
    process::run(&mut with_env(&["demo", "--force"]))?;
    eprintln!("\nPorchlight is starting at {url}\nPress Ctrl-C to stop.\n");
    process::run(&mut with_env(&["serve"]))
}
