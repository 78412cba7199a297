//! The built site (wasm, JS, CSS, icons): compiled into a release binary made by
//! `cargo xtask dist`, or read from `LEPTOS_SITE_ROOT` on disk.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::Response,
};

/// One file of the built site held in the binary, with its precompressed copies.
#[derive(Debug)]
pub struct EmbeddedFile {
    /// Its URL path, e.g. `/pkg/porchlight.wasm`.
    pub path: &'static str,
    /// The file as built.
    pub body: &'static [u8],
    /// Brotli copy, for files that compress.
    pub brotli: Option<&'static [u8]>,
    /// Gzip copy, for files that compress.
    pub gzip: Option<&'static [u8]>,
    /// Strong validator, a hash of `body`.
    pub etag: &'static str,
}

/// The files compiled in by `build.rs`; empty unless built with the `embed-site` feature.
pub static EMBEDDED: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/site.rs"));

/// Where static files come from.
#[derive(Clone, Copy, Debug)]
pub enum Site {
    /// The folder in `LEPTOS_SITE_ROOT` (development, tests, or an override).
    Disk,
    /// Files compiled into the binary.
    Embedded(&'static [EmbeddedFile]),
}

impl Site {
    /// The compiled-in site unless it is empty or `LEPTOS_SITE_ROOT` overrides it.
    pub fn choose(site_root_set: bool) -> Site {
        if site_root_set || EMBEDDED.is_empty() {
            Site::Disk
        } else {
            Site::Embedded(EMBEDDED)
        }
    }
}

/// Where the split build's chunk manifest sits, as the URL path of its file.
const SPLIT_MANIFEST: &str = "/pkg/__wasm_split_manifest.json";

impl Site {
    /// The folder Leptos should read the chunk manifest from (it emits a page's chunk preloads
    /// from it): `configured` for a site on disk; for a compiled-in site, a folder under the
    /// system's temporary folder that gets the manifest written into it (an error if that fails,
    /// which only costs the preloads).
    pub fn leptos_root(&self, configured: &str) -> Result<String, std::io::Error> {
        let Site::Embedded(files) = self else {
            return Ok(configured.to_owned());
        };
        let Some(manifest) = files.iter().find(|f| f.path == SPLIT_MANIFEST) else {
            return Ok(configured.to_owned());
        };
        let root = std::env::temp_dir().join(format!("porchlight-site-{}", std::process::id()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg)?;
        std::fs::write(pkg.join("__wasm_split_manifest.json"), manifest.body)?;
        Ok(root.to_string_lossy().into_owned())
    }
}

/// The answer for a GET or HEAD of an embedded file, or `None` when `path` is not one.
pub fn embedded_response(
    files: &[EmbeddedFile],
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Option<Response> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return None;
    }
    let file = files.iter().find(|f| f.path == path)?;
    let mut builder = Response::builder()
        .header(header::ETAG, file.etag)
        // Names carry no hash, so browsers ask again each time and get a 304 while unchanged.
        .header(header::CACHE_CONTROL, "public, no-cache")
        .header(header::VARY, "accept-encoding");
    let matches_etag = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == file.etag || tag.trim() == "*")
        });
    if matches_etag {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .ok();
    }
    let (body, encoding) = match preferred_encoding(headers) {
        Encoding::Brotli if file.brotli.is_some() => (file.brotli, Some("br")),
        Encoding::Brotli | Encoding::Gzip if file.gzip.is_some() => (file.gzip, Some("gzip")),
        _ => (None, None),
    };
    let body = body.unwrap_or(file.body);
    if let Some(encoding) = encoding {
        builder = builder.header(header::CONTENT_ENCODING, encoding);
    }
    builder = builder
        .header(header::CONTENT_TYPE, content_type(file.path))
        .header(header::CONTENT_LENGTH, body.len());
    let body = if *method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    };
    builder.status(StatusCode::OK).body(body).ok()
}

#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client accepts (`q=0` refuses one).
fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    let accepted = |name: &str| {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|item| {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                coding.eq_ignore_ascii_case(name) && !refused
            })
    };
    if accepted("br") {
        Encoding::Brotli
    } else if accepted("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The media type for a file name.
fn content_type(path: &str) -> HeaderValue {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    HeaderValue::from_static(match extension {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "html" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    })
}

#[cfg(test)]
mod tests;
