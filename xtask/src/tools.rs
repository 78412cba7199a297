//! What the commands need. `check` names each missing tool on a line of its own and points at
//! `cargo xtask setup`; only `setup` installs, skipping whatever is already there.

use crate::process::{cmd, first_line, run, workspace_root};
use std::path::Path;

/// How much of the toolchain a command needs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Need {
    /// The quick demo build: the wasm32 target and wasm-bindgen.
    Demo,
    /// The release build: also Node.js and npm's binaryen for `wasm-opt`.
    Build,
    /// Also rustfmt and clippy, Chromium, Java (for the Nu Html Checker), the Playwright packages
    /// and PostgreSQL.
    Test,
    /// Also cargo-leptos, for `cargo leptos watch`.
    Develop,
}

const CARGO_LEPTOS: &str = "0.3.10";
const WASM_BINDGEN: &str = "0.2.130";

/// One thing a command needs: how to tell it is there, and how `setup` installs it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tool {
    WasmTarget,
    WasmBindgen,
    Node,
    NpmPackages,
    Components,
    Chromium,
    Java,
    Postgres,
    CargoLeptos,
}

/// Every tool, in the order `setup` installs them (Node.js before the npm packages).
const TOOLS: [Tool; 9] = [
    Tool::WasmTarget,
    Tool::WasmBindgen,
    Tool::Node,
    Tool::NpmPackages,
    Tool::Components,
    Tool::Chromium,
    Tool::Java,
    Tool::Postgres,
    Tool::CargoLeptos,
];

impl Tool {
    /// The least command that needs it.
    fn need(self) -> Need {
        match self {
            Tool::WasmTarget | Tool::WasmBindgen => Need::Demo,
            Tool::Node | Tool::NpmPackages => Need::Build,
            Tool::Components | Tool::Chromium | Tool::Java | Tool::Postgres => Need::Test,
            Tool::CargoLeptos => Need::Develop,
        }
    }

    /// What it is, as a missing-tool line names it.
    fn name(self) -> String {
        match self {
            Tool::WasmTarget => "the wasm32-unknown-unknown Rust target".into(),
            Tool::WasmBindgen => format!("wasm-bindgen {WASM_BINDGEN} (wasm-bindgen-cli)"),
            Tool::Node => "Node.js and npm".into(),
            Tool::NpmPackages => "the npm packages of end2end/package-lock.json (wasm-opt, Playwright, vnu) in end2end/node_modules".into(),
            Tool::Components => "rustfmt and clippy".into(),
            Tool::Chromium => "Chromium (/usr/bin/chromium)".into(),
            Tool::Java => "Java (a runtime for the Nu Html Checker, vnu)".into(),
            Tool::Postgres => "PostgreSQL (a local server and psql)".into(),
            Tool::CargoLeptos => format!("cargo-leptos {CARGO_LEPTOS}"),
        }
    }

    /// Whether it is there; quick (no network, nothing built).
    fn present(self) -> bool {
        match self {
            Tool::WasmTarget => stdout_of("rustup", &["target", "list", "--installed"])
                .is_some_and(|targets| targets.contains("wasm32-unknown-unknown")),
            Tool::WasmBindgen => version_is("wasm-bindgen", &["--version"], WASM_BINDGEN),
            Tool::Node => {
                first_line("node", &["--version"]).is_some()
                    && first_line("npm", &["--version"]).is_some()
            }
            Tool::NpmPackages => npm_packages_fresh(&workspace_root().join("end2end")),
            Tool::Components => {
                first_line("cargo", &["fmt", "--version"]).is_some()
                    && first_line("cargo", &["clippy", "--version"]).is_some()
            }
            Tool::Chromium => Path::new("/usr/bin/chromium").exists(),
            // `java -version` writes to stderr; running at all is enough.
            Tool::Java => first_line("java", &["-version"]).is_some(),
            Tool::Postgres => crate::postgres::installed(),
            Tool::CargoLeptos => version_is("cargo", &["leptos", "--version"], CARGO_LEPTOS),
        }
    }

    /// Installs it.
    fn install(self) -> Result<(), String> {
        match self {
            Tool::WasmTarget => run(&mut cmd(
                "rustup",
                &["target", "add", "wasm32-unknown-unknown"],
            )),
            // Not --locked: that lock file pins a crate the registry no longer serves.
            Tool::WasmBindgen => run(&mut fast_install(&[&format!(
                "wasm-bindgen-cli@{WASM_BINDGEN}"
            )])),
            Tool::Node => apt_install(&["nodejs", "npm"]),
            // npm's binaryen installs in seconds (the crates.io wasm-opt compiles C++ for 12
            // minutes); Debian's binaryen is too old and breaks hydration.
            Tool::NpmPackages => run(cmd("npm", &["ci", "--no-audit", "--no-fund"])
                .current_dir(workspace_root().join("end2end"))),
            Tool::Components => run(&mut cmd(
                "rustup",
                &["component", "add", "rustfmt", "clippy"],
            )),
            Tool::Chromium => apt_install(&["chromium"]),
            Tool::Java => apt_install(&["default-jre-headless"]),
            Tool::Postgres => crate::postgres::install(),
            Tool::CargoLeptos => run(&mut fast_install(&[
                &format!("cargo-leptos@{CARGO_LEPTOS}"),
                "--locked",
                "--features",
                "no_downloads",
            ])),
        }
    }
}

/// The line `check` prints for a missing tool.
fn missing_line(tool: Tool) -> String {
    format!("missing: {}; run `cargo xtask setup`", tool.name())
}

/// Fails before anything is built when a tool `need` uses is missing, naming each on its own
/// line; installs nothing.
pub fn check(need: Need) -> Result<(), String> {
    need_rustup()?;
    let missing: Vec<Tool> = TOOLS
        .into_iter()
        .filter(|tool| tool.need() <= need && !tool.present())
        .collect();
    for &tool in &missing {
        eprintln!("{}", missing_line(tool));
    }
    match missing.len() {
        0 => Ok(()),
        1 => Err("a tool is missing: run `cargo xtask setup`, then this again".into()),
        n => Err(format!(
            "{n} tools are missing: run `cargo xtask setup`, then this again"
        )),
    }
}

/// Installs every missing tool, skipping those already there (a quick run when all are);
/// cargo-leptos (about 12 minutes to compile) only with `watch`.
pub fn setup(watch: bool) -> Result<(), String> {
    need_rustup()?;
    for tool in TOOLS {
        if tool == Tool::CargoLeptos && !watch {
            continue;
        }
        if tool.present() {
            eprintln!("  have        {}", tool.name());
            continue;
        }
        eprintln!("  installing  {}", tool.name());
        tool.install()?;
        if !tool.present() {
            return Err(format!(
                "installed {}, but it is still missing",
                tool.name()
            ));
        }
    }
    eprintln!(
        "done: everything `cargo xtask demo`, `dist` and `test` use is installed{}",
        if watch {
            ", and cargo-leptos for `cargo leptos watch`"
        } else {
            " (`cargo xtask setup --watch` adds cargo-leptos for `cargo leptos watch`)"
        }
    );
    Ok(())
}

fn need_rustup() -> Result<(), String> {
    if first_line("rustup", &["--version"]).is_none() {
        return Err("rustup is needed (https://rustup.rs); install it, then run this again".into());
    }
    Ok(())
}

/// Whether `program args` prints a first line holding `version`.
fn version_is(program: &str, args: &[&str], version: &str) -> bool {
    first_line(program, args).is_some_and(|line| line.contains(version))
}

/// Everything `program args` prints on stdout, or `None` if it cannot run or fails.
fn stdout_of(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `cargo install` of a tool, without LTO and with more codegen units: these are tools, not
/// the product, so they should compile fast.
fn fast_install(args: &[&str]) -> std::process::Command {
    let mut c = cmd("cargo", &["install"]);
    c.args(args)
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    c
}

/// Whether `dir/node_modules` was installed by `npm ci` from the current `package-lock.json`.
fn npm_packages_fresh(dir: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock = modified(&dir.join("package-lock.json"));
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    matches!((lock, installed), (Some(l), Some(i)) if i >= l)
}

/// `apt-get install`, through sudo when not root.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    let is_root = first_line("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    let (program, mut prefix): (&str, Vec<&str>) = if is_root {
        ("apt-get", vec![])
    } else {
        ("sudo", vec!["apt-get"])
    };
    let mut update = prefix.clone();
    update.push("update");
    run(&mut cmd(program, &update))?;
    prefix.extend(["install", "-y", "--no-install-recommends"]);
    prefix.extend(packages);
    run(cmd(program, &prefix).env("DEBIAN_FRONTEND", "noninteractive"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tool_is_one_line_naming_it_and_the_fix() {
        for tool in TOOLS {
            let line = missing_line(tool);
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains(&tool.name()) && line.ends_with("run `cargo xtask setup`"));
        }
    }

    #[test]
    fn each_command_needs_what_the_smaller_ones_need() {
        let needed = |need: Need| TOOLS.into_iter().filter(move |t| t.need() <= need);
        assert_eq!(
            needed(Need::Demo).collect::<Vec<_>>(),
            [Tool::WasmTarget, Tool::WasmBindgen]
        );
        assert!(needed(Need::Test).all(|t| t != Tool::CargoLeptos));
        assert_eq!(needed(Need::Develop).count(), TOOLS.len());
        let node = TOOLS.iter().position(|&t| t == Tool::Node);
        let packages = TOOLS.iter().position(|&t| t == Tool::NpmPackages);
        assert!(
            node < packages,
            "Node.js is installed before the npm packages"
        );
    }

    #[test]
    fn npm_packages_count_only_when_installed_from_the_current_lock_file() {
        let dir = std::env::temp_dir().join(format!("xtask-npm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("node_modules")).unwrap();
        std::fs::write(dir.join("package-lock.json"), "{}").unwrap();
        assert!(!npm_packages_fresh(&dir), "nothing installed yet");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("node_modules/.package-lock.json"), "{}").unwrap();
        assert!(npm_packages_fresh(&dir));
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("package-lock.json"), "{ }").unwrap();
        assert!(!npm_packages_fresh(&dir), "the lock file changed since");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
