//! `wasm-split INPUT.wasm PKG_DIR NAME`: splits the linked front-end wasm (built with
//! `-Clink-args=--emit-relocs`) at its `#[lazy]` split points, the way Leptos' lazy routes expect:
//! chunks and `__wasm_split.______________________.js` go to `PKG_DIR`, the main module to
//! `INPUT`'s folder as `<input stem>_split.wasm` (for wasm-bindgen, whose JS will be
//! `PKG_DIR/NAME.js`), and the chunk prefetch map to `PKG_DIR/__wasm_split_manifest.json`, which
//! the server reads to preload a page's chunks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The loader module name Leptos' `HydrationScripts` links to.
const LINK_NAME: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, pkg, name] = args.as_slice() else {
        eprintln!("usage: wasm-split INPUT.wasm PKG_DIR NAME");
        return ExitCode::from(2);
    };
    match split(Path::new(input), Path::new(pkg), name) {
        Ok(chunks) => {
            for chunk in chunks {
                eprintln!("wasm-split: {}", chunk.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm-split: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Splits `input` and returns the chunk files written.
fn split(input: &Path, pkg: &Path, name: &str) -> Result<Vec<PathBuf>, String> {
    let wasm = std::fs::read(input).map_err(|e| format!("reading {}: {e}", input.display()))?;
    let stem = input
        .file_stem()
        .ok_or_else(|| format!("{} is not a file name", input.display()))?
        .to_string_lossy();
    let main_out = input.with_file_name(format!("{stem}_split.wasm"));
    let main_module = format!("./{name}.js");
    std::fs::create_dir_all(pkg).map_err(|e| format!("creating {}: {e}", pkg.display()))?;
    let out = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = pkg;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        opts.link_name = LINK_NAME;
        opts
    })
    .map_err(|e| format!("splitting {}: {e:?}", input.display()))?;
    let manifest = serde_json::to_string_pretty(&out.prefetch_map)
        .map_err(|e| format!("writing the manifest: {e}"))?;
    let manifest_path = pkg.join("__wasm_split_manifest.json");
    std::fs::write(&manifest_path, manifest)
        .map_err(|e| format!("writing {}: {e}", manifest_path.display()))?;
    Ok(out.split_modules)
}
