//! Builds the portal with plain cargo, wasm-bindgen and wasm-opt: the browser bundle, the CSS
//! and static files, and the `porchlight` binary. Prints each step with its time and a progress
//! line while cargo compiles.

use crate::process::{cmd, describe, workspace_root};
use std::{
    fs,
    io::{IsTerminal as _, Write as _},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Which build to make.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Quick to compile (the `demo` profile): no debug info, dependencies lightly optimized,
    /// Leptos' type-erased views; site in `target/demo-site`.
    Demo,
    /// What ships: optimized server carrying the site (`target/site`), size-optimized wasm.
    Release,
}

/// What a build produced.
pub struct Built {
    /// The `porchlight` executable.
    pub binary: PathBuf,
    /// The site folder (also compiled into a release binary).
    pub site: PathBuf,
}

const OUTPUT_NAME: &str = "porchlight";

/// Builds everything for `kind`, printing a line per step with its duration.
pub fn build(kind: Kind) -> Result<Built, String> {
    let root = workspace_root();
    let site = root.join(match kind {
        Kind::Demo => "target/demo-site",
        Kind::Release => "target/site",
    });
    let logs = root.join("target/xtask-logs");
    fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let started = Instant::now();

    // The wasm bundle and the server's dependencies compile side by side (two target folders,
    // so neither waits for the other's lock); on two cores this fills the gaps of each.
    let mut front = cargo_front(&root, kind);
    // The release server embeds the site, so it is built now without it (every dependency with
    // the exact features of the final build) and again, quickly, once the site exists.
    let mut server = cargo_server(&root, kind, false);
    let server_step = match kind {
        Kind::Demo => "server (demo profile)",
        Kind::Release => "server without the site (release)",
    };
    let mut builds = Builds::start(
        &logs,
        &mut [
            ("wasm bundle", &mut front, "front.log"),
            (server_step, &mut server, "server.log"),
        ],
    )?;
    // The wasm steps run while the server still compiles.
    builds.wait(&["wasm bundle"])?;
    let pkg = site.join("pkg");
    step("split by route", || split(&root, kind, &pkg))?;
    step("wasm-bindgen", || wasm_bindgen(&root, kind, &pkg))?;
    if kind == Kind::Release {
        step("wasm-opt -Oz", || wasm_opt(&pkg))?;
    }
    step("styles and static files", || copy_assets(&root, &site))?;
    builds.wait(&[])?;
    drop(builds);

    let binary = match kind {
        Kind::Demo => root.join("target/demo/porchlight"),
        Kind::Release => {
            let mut c = cargo_server(&root, kind, true);
            c.env("PORCHLIGHT_EMBED_SITE", &site);
            Builds::start(
                &logs,
                &mut [("server with the site inside", &mut c, "dist.log")],
            )?
            .wait(&[])?;
            root.join("target/release/porchlight")
        }
    };
    eprintln!(
        "built in {} ({})",
        minutes(started.elapsed()),
        binary.display()
    );
    Ok(Built { binary, site })
}

fn cargo_front(root: &Path, kind: Kind) -> Command {
    let profile = match kind {
        Kind::Demo => "demo",
        Kind::Release => "wasm-release",
    };
    let mut c = cmd(
        "cargo",
        &[
            "build",
            "-p",
            "frontend",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--no-default-features",
            "--profile",
            profile,
        ],
    );
    c.current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target/front"));
    // Relocations let `wasm-split` cut the linked module at the lazy routes' split points.
    // (With `--target`, RUSTFLAGS reach only the wasm, not build scripts or proc macros.)
    let mut flags = String::from("-Clink-args=--emit-relocs");
    if kind == Kind::Demo {
        flags.push_str(" --cfg erase_components");
    }
    c.env("RUSTFLAGS", flags);
    c
}

/// Leptos' faster-compiling debug mode (type-erased views), as `cargo leptos watch` uses; the
/// server and the wasm must both have it or hydration fails (the wasm's is set with its other
/// flags in `cargo_front`).
fn erase_components_for_demo(c: &mut Command, kind: Kind) {
    if kind == Kind::Demo {
        c.env("RUSTFLAGS", "--cfg erase_components");
    }
}

fn cargo_server(root: &Path, kind: Kind, embed_site: bool) -> Command {
    let mut c = cmd(
        "cargo",
        &[
            "build",
            "-p",
            "server",
            "--bin",
            "porchlight",
            "--no-default-features",
        ],
    );
    match kind {
        Kind::Demo => c.args(["--profile", "demo"]),
        Kind::Release => c.arg("--release"),
    };
    if embed_site {
        c.args(["--features", "embed-site"]);
    }
    erase_components_for_demo(&mut c, kind);
    c.current_dir(root);
    c
}

fn front_wasm(root: &Path, kind: Kind) -> PathBuf {
    let profile_dir = match kind {
        Kind::Demo => "demo",
        Kind::Release => "wasm-release",
    };
    root.join("target/front/wasm32-unknown-unknown")
        .join(profile_dir)
        .join("frontend.wasm")
}

/// One cargo build in the background.
struct Running {
    name: String,
    child: Child,
    log: PathBuf,
    took: Option<Duration>,
}

/// Cargo builds running side by side, each logging to its own file, with one progress line.
struct Builds {
    started: Instant,
    running: Vec<Running>,
}

impl Builds {
    /// Starts every `(name, command, log file)` at once.
    fn start(logs: &Path, builds: &mut [(&str, &mut Command, &str)]) -> Result<Self, String> {
        let mut started = Builds {
            started: Instant::now(),
            running: Vec::new(),
        };
        for (name, command, log) in builds.iter_mut() {
            let path = logs.join(log);
            let file = fs::File::create(&path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            eprintln!("+ {}  (log: {})", describe(command), path.display());
            let child = command
                .stdout(Stdio::null())
                .stderr(file)
                .spawn()
                .map_err(|e| format!("cannot start `{}`: {e}", describe(command)))?;
            started.running.push(Running {
                name: (*name).to_owned(),
                child,
                log: path,
                took: None,
            });
        }
        Ok(started)
    }

    /// Waits until the builds named in `names` (every build when empty) are done, showing all.
    fn wait(&mut self, names: &[&str]) -> Result<(), String> {
        // On a terminal one line redraws twice a second; in a log, a line every 30 seconds.
        let terminal = std::io::stderr().is_terminal();
        let mut last_logged = Instant::now();
        let awaited = |r: &Running| names.is_empty() || names.contains(&r.name.as_str());
        loop {
            let mut line = String::new();
            for r in &mut self.running {
                if r.took.is_none() {
                    let status = r
                        .child
                        .try_wait()
                        .map_err(|e| format!("waiting for the {} build: {e}", r.name))?;
                    if let Some(status) = status {
                        r.took = Some(self.started.elapsed());
                        if !status.success() {
                            return Err(failure(&r.name, &r.log));
                        }
                        eprintln!(
                            "{}  {}: {}",
                            if terminal { "\r\x1b[2K" } else { "" },
                            r.name,
                            minutes(self.started.elapsed())
                        );
                    }
                }
                let state = match r.took {
                    Some(took) => format!("done in {}", minutes(took)),
                    None => format!("{} crates compiled", compiled_count(&r.log)),
                };
                line.push_str(&format!("{}: {state} · ", r.name));
            }
            if self
                .running
                .iter()
                .filter(|r| awaited(r))
                .all(|r| r.took.is_some())
            {
                if terminal {
                    eprint!("\r\x1b[2K");
                }
                return Ok(());
            }
            if terminal {
                eprint!("\r\x1b[2K  {line}{}", minutes(self.started.elapsed()));
                let _ = std::io::stderr().flush();
            } else if last_logged.elapsed() >= Duration::from_secs(30) {
                eprintln!("  {line}{}", minutes(self.started.elapsed()));
                last_logged = Instant::now();
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Builds {
    /// A build still running when another failed is stopped with it.
    fn drop(&mut self) {
        for r in &mut self.running {
            if r.took.is_none() {
                let _ = r.child.kill();
                let _ = r.child.wait();
            }
        }
    }
}

/// The last lines of a failed build's log, then the error naming it.
fn failure(name: &str, log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(60).collect();
    for l in tail.iter().rev() {
        eprintln!("{l}");
    }
    format!("the {name} build failed (full log: {})", log.display())
}

/// How many crates a cargo log says it compiled so far.
fn compiled_count(log: &Path) -> usize {
    fs::read_to_string(log)
        .map(|t| {
            t.lines()
                .filter(|l| l.trim_start().starts_with("Compiling "))
                .count()
        })
        .unwrap_or(0)
}

/// Runs one step, then prints its name and duration.
fn step(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let started = Instant::now();
    f()?;
    eprintln!("  {name}: {}", minutes(started.elapsed()));
    Ok(())
}

fn run_quiet(c: &mut Command) -> Result<(), String> {
    let output = c
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(c)))?;
    if output.status.success() {
        Ok(())
    } else {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        Err(format!("`{}` failed ({})", describe(c), output.status))
    }
}

/// `frontend.wasm` → the main module `frontend_split.wasm` beside it, and in `pkg/` one chunk per
/// lazy route (plus shared chunks), their loader and `__wasm_split_manifest.json`, by the
/// workspace's `wasm-split` tool (built in its own target folder so it never waits for the
/// server build's lock).
fn split(root: &Path, kind: Kind, pkg: &Path) -> Result<(), String> {
    if pkg.exists() {
        fs::remove_dir_all(pkg).map_err(|e| format!("cannot empty {}: {e}", pkg.display()))?;
    }
    run_quiet(
        cmd(
            "cargo",
            &["run", "--quiet", "--release", "-p", "wasm-split", "--"],
        )
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target/tools"))
        .arg(front_wasm(root, kind))
        .arg(pkg)
        .arg(OUTPUT_NAME),
    )
}

/// The split main module → `pkg/porchlight.js` + `pkg/porchlight.wasm` (the names Leptos links).
fn wasm_bindgen(root: &Path, kind: Kind, pkg: &Path) -> Result<(), String> {
    let input = front_wasm(root, kind).with_file_name("frontend_split.wasm");
    run_quiet(
        cmd(
            "wasm-bindgen",
            &[
                "--target",
                "web",
                "--no-typescript",
                "--keep-lld-exports",
                "--no-demangle",
            ],
        )
        .arg("--out-name")
        .arg(OUTPUT_NAME)
        .arg("--out-dir")
        .arg(pkg)
        .arg(&input),
    )?;
    let from = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    let to = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    fs::rename(&from, &to).map_err(|e| format!("cannot rename {}: {e}", from.display()))
}

/// The size optimizer, from npm's `binaryen` in `end2end/` (installed by `cargo xtask setup`).
pub fn wasm_opt_path() -> PathBuf {
    workspace_root().join("end2end/node_modules/.bin/wasm-opt")
}

/// Chunks smaller than this are sent as wasm-bindgen left them: each wasm-opt run costs about a
/// second of start-up, and the split makes a couple of hundred mostly tiny chunks (whose name
/// sections `wasm-split` already dropped, which is most of what wasm-opt would save on them).
const OPTIMIZE_FROM_BYTES: u64 = 2 * 1024;

/// The main module and every chunk of at least [`OPTIMIZE_FROM_BYTES`], two at a time.
fn wasm_opt(pkg: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    for entry in fs::read_dir(pkg).map_err(|e| format!("cannot read {}: {e}", pkg.display()))? {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", pkg.display()))?;
        let path = entry.path();
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if path.extension().is_some_and(|x| x == "wasm") && size >= OPTIMIZE_FROM_BYTES {
            files.push((size, path));
        }
    }
    // Largest first (the main module), then two workers take the next file as each finishes.
    files.sort_by_key(|(size, _)| *size);
    let queue = std::sync::Mutex::new(files);
    let next = || {
        queue
            .lock()
            .ok()
            .and_then(|mut q| q.pop())
            .map(|(_, path)| path)
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    while let Some(wasm) = next() {
                        run_quiet(
                            Command::new(wasm_opt_path())
                                .args([
                                    "-Oz",
                                    "--enable-bulk-memory",
                                    "--enable-nontrapping-float-to-int",
                                ])
                                .arg(&wasm)
                                .arg("-o")
                                .arg(&wasm),
                        )?;
                    }
                    Ok::<(), String>(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err("a wasm-opt worker panicked".into()))
        })
    })
}

/// `style/main.css` → `pkg/porchlight.css`; `public/` → the site root.
fn copy_assets(root: &Path, site: &Path) -> Result<(), String> {
    let css = site.join("pkg").join(format!("{OUTPUT_NAME}.css"));
    fs::copy(root.join("style/main.css"), &css)
        .map_err(|e| format!("cannot write {}: {e}", css.display()))?;
    copy_tree(&root.join("public"), site)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// `1m05s` or `12s`.
pub fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_minutes_and_seconds() {
        assert_eq!(minutes(Duration::from_secs(7)), "7s");
        assert_eq!(minutes(Duration::from_secs(65)), "1m05s");
        assert_eq!(minutes(Duration::from_secs(600)), "10m00s");
    }

    #[test]
    fn the_progress_count_reads_cargo_compiling_lines() {
        let log = std::env::temp_dir().join(format!("xtask-progress-{}.log", std::process::id()));
        fs::write(
            &log,
            "   Compiling serde v1.0.0\n   Compiling app v0.1.0\nwarning: x\n   Finished\n",
        )
        .unwrap_or_default();
        assert_eq!(compiled_count(&log), 2);
        let _ = fs::remove_file(&log);
    }
}
