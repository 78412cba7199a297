//! `cargo xtask watch-check`: `cargo leptos watch --split` on a copy of the checked-out commit,
//! rebuilding twice. After the first build and after each of two edits of the sign-in page's
//! heading, Chromium must see the new heading on a hydrated page with no console error. Issue
//! 14's sharp edge (cargo-leptos #557: `watch --split` panicking on a rebuild).

use crate::process::{cmd, run, run_captured, workspace_root};
use std::{
    fs,
    net::TcpListener,
    os::unix::process::CommandExt as _,
    path::Path,
    process::{Child, Stdio},
    time::{Duration, Instant},
};

/// The first build compiles the debug server and wasm (minutes on 2 cores); a rebuild, seconds.
const FIRST_BUILD: Duration = Duration::from_secs(30 * 60);
const REBUILD: Duration = Duration::from_secs(10 * 60);
const HEADING: &str = "Sign in to your account";
const PAGE: &str = "app/src/portal/login.rs";

/// Runs the check; the worktree and the watcher are removed whatever the outcome.
pub fn run_check() -> Result<(), String> {
    let root = workspace_root();
    let tree = root.join("target/watch-check/tree");
    let _ = run_captured(cmd("git", &["worktree", "remove", "--force"]).arg(&tree));
    run(cmd("git", &["worktree", "add", "--detach", "--force"])
        .arg(&tree)
        .arg("HEAD")
        .current_dir(&root))?;
    let outcome = check_in(&tree);
    let _ = run_captured(
        cmd("git", &["worktree", "remove", "--force"])
            .arg(&tree)
            .current_dir(&root),
    );
    outcome
}

fn check_in(tree: &Path) -> Result<(), String> {
    let root = workspace_root();
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let data = tree.join("data");
    fs::create_dir_all(&data).map_err(|e| format!("creating {}: {e}", data.display()))?;
    let log = tree.join("watch.log");
    let log_file =
        fs::File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
    let mut watch = cmd("cargo", &["leptos", "watch", "--split"]);
    watch
        .current_dir(tree)
        // The workspace's own target folder: dependencies are already compiled there.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env(
            "PORCHLIGHT_DATABASE_URL",
            format!("sqlite://{}/watch.db", data.display()),
        )
        .env("PORCHLIGHT_PUBLIC_URL", &base)
        .env(
            "PORCHLIGHT_SECRET",
            "watch-check-secret-0123456789abcdef0123",
        )
        .env("PORCHLIGHT_OUTBOX_DIR", data.join("outbox"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_RELOAD_PORT", free_port()?.to_string())
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
        .stderr(log_file)
        // Its own process group, so the server it starts stops with it.
        .process_group(0);
    eprintln!(
        "+ cargo leptos watch --split  (in {}, log: {})",
        tree.display(),
        log.display()
    );
    let mut child = watch
        .spawn()
        .map_err(|e| format!("starting cargo leptos watch: {e}"))?;
    let outcome = rebuild_twice(tree, &log, &base);
    stop(&mut child);
    if outcome.is_err() {
        eprintln!("the watcher's log: {}", log.display());
    }
    outcome
}

fn rebuild_twice(tree: &Path, log: &Path, base: &str) -> Result<(), String> {
    let started = Instant::now();
    let mut seen = wait_for_server(log, 0, FIRST_BUILD)?;
    eprintln!("first build served after {} s", started.elapsed().as_secs());
    probe(base, HEADING)?;
    let page = tree.join(PAGE);
    for n in 1..=2 {
        let text = fs::read_to_string(&page).map_err(|e| format!("reading {PAGE}: {e}"))?;
        let before = if n == 1 {
            HEADING.to_owned()
        } else {
            format!("{HEADING} (rebuild {})", n - 1)
        };
        let after = format!("{HEADING} (rebuild {n})");
        if !text.contains(&format!("\"{before}\"")) {
            return Err(format!("{PAGE} no longer holds the heading \"{before}\""));
        }
        fs::write(
            &page,
            text.replace(&format!("\"{before}\""), &format!("\"{after}\"")),
        )
        .map_err(|e| format!("writing {PAGE}: {e}"))?;
        let edited = Instant::now();
        seen = wait_for_server(log, seen, REBUILD)?;
        eprintln!("rebuild {n} served after {} s", edited.elapsed().as_secs());
        probe(base, &after)?;
    }
    Ok(())
}

/// Waits until the log, past its first `from` bytes, says the server listens; the log's length
/// then. Fails on a panic or an error in the log, or after `limit`.
fn wait_for_server(log: &Path, from: usize, limit: Duration) -> Result<usize, String> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        let text = fs::read(log).unwrap_or_default();
        let new = String::from_utf8_lossy(text.get(from..).unwrap_or_default());
        if new.contains("panicked") || new.lines().any(|l| l.starts_with("error")) {
            return Err("cargo leptos watch failed (see its log)".into());
        }
        if new.contains("Porchlight is listening on") {
            return Ok(text.len());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(format!("no server within {} s", limit.as_secs()))
}

/// The browser check of `end2end/watch-probe.cjs`.
fn probe(base: &str, heading: &str) -> Result<(), String> {
    let (ok, _) = run_captured(
        cmd("node", &["watch-probe.cjs", base, heading])
            .current_dir(workspace_root().join("end2end")),
    )?;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the page at {base}/login did not show \"{heading}\" hydrated"
        ))
    }
}

/// Stops the watcher and everything it started (its process group).
fn stop(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = cmd("kill", &["-TERM", "--", &group]).status();
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = cmd("kill", &["-KILL", "--", &group]).status();
    let _ = child.wait();
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("finding a free port: {e}"))
}
