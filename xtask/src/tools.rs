//! Installs what the build and the tests need, skipping whatever is already there.

use crate::process::{cmd, first_line, run, workspace_root};
use std::path::Path;

/// How much of the toolchain a command needs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// The quick demo build: the wasm32 target and wasm-bindgen.
    Demo,
    /// The release build: also npm's binaryen for `wasm-opt` (Node.js needed).
    Build,
    /// Also Chromium and the Playwright packages.
    Test,
    /// Also cargo-leptos, for `cargo leptos watch`.
    Develop,
}

const CARGO_LEPTOS: &str = "0.3.10";
const WASM_BINDGEN: &str = "0.2.130";

/// Installs every missing tool for `need`; quick when all are present.
pub fn ensure(need: Need) -> Result<(), String> {
    if first_line("rustup", &["--version"]).is_none() {
        return Err("rustup is needed (https://rustup.rs); install it, then run this again".into());
    }
    let installed = std::process::Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        run(&mut cmd(
            "rustup",
            &["target", "add", "wasm32-unknown-unknown"],
        ))?;
    }
    // Release builds compile faster without LTO; these are tools, not the product.
    let fast_install = |c: &mut std::process::Command| {
        c.env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    };
    if !first_line("wasm-bindgen", &["--version"]).is_some_and(|v| v.contains(WASM_BINDGEN)) {
        // Not --locked: that lock file pins a crate the registry no longer serves.
        let mut c = cmd(
            "cargo",
            &["install", &format!("wasm-bindgen-cli@{WASM_BINDGEN}")],
        );
        fast_install(&mut c);
        run(&mut c)?;
    }
    if need >= Need::Build {
        // npm's binaryen installs in seconds (the crates.io wasm-opt compiles C++ for 12
        // minutes); Debian's binaryen is too old and breaks hydration.
        ensure_npm_packages()?;
    }
    if need >= Need::Test {
        ensure_chromium()?;
    }
    if need == Need::Develop
        && !first_line("cargo", &["leptos", "--version"]).is_some_and(|v| v.contains(CARGO_LEPTOS))
    {
        let mut c = cmd(
            "cargo",
            &[
                "install",
                &format!("cargo-leptos@{CARGO_LEPTOS}"),
                "--locked",
                "--features",
                "no_downloads",
            ],
        );
        fast_install(&mut c);
        run(&mut c)?;
    }
    Ok(())
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

fn ensure_chromium() -> Result<(), String> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    apt_install(&["chromium"])
}

fn ensure_npm_packages() -> Result<(), String> {
    let dir = workspace_root().join("end2end");
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&lock), modified(&installed)), (Some(l), Some(i)) if i >= l);
    if fresh {
        return Ok(());
    }
    if first_line("npm", &["--version"]).is_none() {
        return Err("Node.js and npm are needed for the release build (wasm-opt) and the end-to-end tests; install them (apt-get install nodejs npm)".into());
    }
    run(cmd("npm", &["ci", "--no-audit", "--no-fund"]).current_dir(&dir))
}
