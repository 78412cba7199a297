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
    // Chunks skip wasm-opt when small (each run costs about a second); their name sections,
    // which are most of a small chunk's size, are dropped here instead.
    for chunk in &out.split_modules {
        let bytes =
            std::fs::read(chunk).map_err(|e| format!("reading {}: {e}", chunk.display()))?;
        let stripped = strip_debug_sections(&bytes)
            .ok_or_else(|| format!("{} is not a well-formed wasm module", chunk.display()))?;
        std::fs::write(chunk, stripped).map_err(|e| format!("writing {}: {e}", chunk.display()))?;
    }
    let manifest = serde_json::to_string_pretty(&out.prefetch_map)
        .map_err(|e| format!("writing the manifest: {e}"))?;
    let manifest_path = pkg.join("__wasm_split_manifest.json");
    std::fs::write(&manifest_path, manifest)
        .map_err(|e| format!("writing {}: {e}", manifest_path.display()))?;
    Ok(out.split_modules)
}

/// `wasm` without its custom sections that only serve debugging (`name`, `producers`), or `None`
/// if it is not a well-formed module.
fn strip_debug_sections(wasm: &[u8]) -> Option<Vec<u8>> {
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    let mut out = wasm.get(..8)?.to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (size, width) = leb128(wasm.get(at + 1..)?)?;
        let start = at + 1 + width;
        let end = start.checked_add(size)?;
        let payload = wasm.get(start..end)?;
        let keep = id != 0 || {
            let (len, width) = leb128(payload)?;
            let name = payload.get(width..width.checked_add(len)?)?;
            name != b"name" && name != b"producers"
        };
        if keep {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    Some(out)
}

/// An unsigned LEB128 number at the start of `bytes`, and how many bytes it took.
fn leb128(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().enumerate().take(5) {
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str, body: &[u8]) -> Vec<u8> {
        let mut payload = vec![u8::try_from(name.len()).unwrap()];
        payload.extend_from_slice(name.as_bytes());
        payload.extend_from_slice(body);
        let mut section = vec![0, u8::try_from(payload.len()).unwrap()];
        section.extend(payload);
        section
    }

    #[test]
    fn name_and_producers_sections_are_dropped_and_everything_else_kept() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let types = vec![1, 4, 1, 0x60, 0, 0];
        let keep = custom("__wasm_split", b"keep me");
        let module = [
            header.clone(),
            types.clone(),
            custom("name", &[1, 2, 3, 4]),
            keep.clone(),
            custom("producers", b"rustc"),
        ]
        .concat();
        assert_eq!(
            strip_debug_sections(&module),
            Some([header, types, keep].concat())
        );
    }

    #[test]
    fn a_truncated_or_foreign_file_is_refused() {
        assert_eq!(strip_debug_sections(b"not wasm at all"), None);
        assert_eq!(strip_debug_sections(b"\0asm\x01\0\0\0\x01\x09\x01"), None);
    }
}
