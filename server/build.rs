//! With the `embed-site` feature, compiles the built site (the folder named by
//! `PORCHLIGHT_EMBED_SITE`) into the binary, each file with brotli and gzip copies made here once.
//! The files of `pkg/` are served under `pkg/{version}/`, the version being a hash of all of them,
//! so their URLs change whenever the build does and browsers may keep them for good.
//! Without it, the list is empty and the server reads the site from `LEPTOS_SITE_ROOT`.
#![allow(clippy::print_stdout, reason = "cargo reads a build script's directives from stdout")]

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=PORCHLIGHT_EMBED_SITE");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::from("&[\n");
    #[cfg(feature = "embed-site")]
    let version = embed::entries(&out_dir, &mut code);
    #[cfg(not(feature = "embed-site"))]
    let version = String::new();
    code.push_str("]\n");
    std::fs::write(out_dir.join("site.rs"), code).expect("cannot write site.rs to OUT_DIR");
    std::fs::write(out_dir.join("site_version.rs"), literal(&version))
        .expect("cannot write site_version.rs to OUT_DIR");
}

/// Every file under `dir`, sorted, as paths relative to it with `/` separators.
#[cfg_attr(not(feature = "embed-site"), allow(dead_code))]
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("readable folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((name, path));
            }
        }
    }
    found.sort();
    found
}

/// A Rust string literal for `s`.
fn literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(feature = "embed-site")]
mod embed {
    use super::{files_under, literal};
    use std::{
        fmt::Write as _,
        hash::{DefaultHasher, Hash, Hasher},
        io::Write as _,
        path::Path,
    };

    /// Writes one `EmbeddedFile` per site file into `code`, compressing what compresses; returns
    /// the version folder the `pkg/` files are served under.
    pub fn entries(out_dir: &Path, code: &mut String) -> String {
        let Ok(site) = std::env::var("PORCHLIGHT_EMBED_SITE") else {
            panic!(
                "the embed-site feature needs PORCHLIGHT_EMBED_SITE, the folder of the built site \
                 (`cargo xtask dist` sets it)"
            );
        };
        let site = Path::new(&site);
        assert!(
            site.join("pkg").is_dir(),
            "PORCHLIGHT_EMBED_SITE={} has no pkg/ folder: build the site first (`cargo xtask dist`)",
            site.display()
        );
        println!("cargo:rerun-if-changed={}", site.display());
        let compressed_dir = out_dir.join("site-compressed");
        let files: Vec<_> = files_under(site)
            .into_iter()
            .map(|(name, path)| {
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                (name, path, bytes)
            })
            .collect();
        let version = version_of(&files);
        for (name, path, bytes) in &files {
            let (name, path) = (name.as_str(), path.as_path());
            let mut hasher = DefaultHasher::new();
            bytes.hash(&mut hasher);
            let etag = format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len());
            let (brotli, gzip) = if worth_compressing(name) {
                let target = compressed_dir.join(name);
                std::fs::create_dir_all(target.parent().unwrap_or(&compressed_dir))
                    .expect("cannot create a folder in OUT_DIR");
                let br = target.with_extension(extension_plus(&target, "br"));
                let gz = target.with_extension(extension_plus(&target, "gz"));
                std::fs::write(&br, brotli_bytes(bytes)).expect("cannot write to OUT_DIR");
                std::fs::write(&gz, gzip_bytes(bytes)).expect("cannot write to OUT_DIR");
                (
                    format!("Some(include_bytes!({}))", literal(&br.to_string_lossy())),
                    format!("Some(include_bytes!({}))", literal(&gz.to_string_lossy())),
                )
            } else {
                ("None".to_owned(), "None".to_owned())
            };
            let url = match name.strip_prefix("pkg/") {
                Some(rest) => format!("/pkg/{version}/{rest}"),
                None => format!("/{name}"),
            };
            let _ = writeln!(
                code,
                "    EmbeddedFile {{ path: {}, body: include_bytes!({}), brotli: {brotli}, gzip: {gzip}, etag: {} }},",
                literal(&url),
                literal(&path.to_string_lossy()),
                literal(&etag),
            );
        }
        version
    }

    /// A hash of every `pkg/` file's name and bytes: 16 hex digits.
    fn version_of(files: &[(String, std::path::PathBuf, Vec<u8>)]) -> String {
        let mut hasher = DefaultHasher::new();
        for (name, _, bytes) in files.iter().filter(|(n, _, _)| n.starts_with("pkg/")) {
            name.hash(&mut hasher);
            bytes.hash(&mut hasher);
        }
        format!("{:016x}", hasher.finish())
    }

    /// Text, wasm and SVG shrink; images and fonts are compressed already.
    fn worth_compressing(name: &str) -> bool {
        let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
        matches!(
            extension,
            "wasm" | "js" | "mjs" | "css" | "svg" | "html" | "json" | "txt" | "xml" | "map"
        )
    }

    fn extension_plus(path: &Path, more: &str) -> String {
        match path.extension() {
            Some(e) => format!("{}.{more}", e.to_string_lossy()),
            None => more.to_owned(),
        }
    }

    fn brotli_bytes(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            size_hint: bytes.len(),
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
            .expect("brotli compression in memory");
        out
    }

    fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder
            .write_all(bytes)
            .expect("gzip compression in memory");
        encoder.finish().expect("gzip compression in memory")
    }
}
