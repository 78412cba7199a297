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

/// The folder under `/pkg/` the compiled-in `pkg/` files are served from: a hash of them all.
pub static EMBEDDED_VERSION: &str = include!(concat!(env!("OUT_DIR"), "/site_version.rs"));

/// How long a browser may keep a file whose URL carries the build's hash: a year, unasked.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files whose URL stays the same across builds: kept, but checked (`ETag`) before each use.
const REVALIDATE: &str = "public, no-cache";

/// Where static files come from.
#[derive(Clone, Copy, Debug)]
pub enum Site {
    /// The folder in `LEPTOS_SITE_ROOT` (development, tests, or an override).
    Disk,
    /// Files compiled into the binary.
    Embedded {
        /// Every file, its `pkg/` files under `/pkg/{version}/`.
        files: &'static [EmbeddedFile],
        /// The hash folder of the `pkg/` files.
        version: &'static str,
    },
}

impl Site {
    /// The compiled-in site unless it is empty or `LEPTOS_SITE_ROOT` overrides it.
    pub fn choose(site_root_set: bool) -> Site {
        if site_root_set || EMBEDDED.is_empty() {
            Site::Disk
        } else {
            Site::Embedded {
                files: EMBEDDED,
                version: EMBEDDED_VERSION,
            }
        }
    }

    /// The site's package folder as Leptos links it (`pkg`, or `pkg/{version}` when compiled in).
    pub fn pkg_dir(&self) -> String {
        match self {
            Site::Disk => "pkg".to_owned(),
            Site::Embedded { version, .. } => format!("pkg/{version}"),
        }
    }

    /// The folder Leptos should read the chunk manifest from (it emits a page's chunk preloads
    /// from it, at `{root}/{pkg_dir}/`): `configured` for a site on disk; for a compiled-in site, a
    /// folder under the system's temporary folder that gets the manifest written into it (an
    /// error if that fails, which only costs the preloads).
    pub fn leptos_root(&self, configured: &str) -> Result<String, std::io::Error> {
        let Site::Embedded { files, .. } = self else {
            return Ok(configured.to_owned());
        };
        let pkg_dir = self.pkg_dir();
        let manifest_path = format!("/{pkg_dir}/{SPLIT_MANIFEST}");
        let Some(manifest) = files.iter().find(|f| f.path == manifest_path) else {
            return Ok(configured.to_owned());
        };
        let root = std::env::temp_dir().join(format!("porchlight-site-{}", std::process::id()));
        let pkg = root.join(pkg_dir);
        std::fs::create_dir_all(&pkg)?;
        std::fs::write(pkg.join(SPLIT_MANIFEST), manifest.body)?;
        Ok(root.to_string_lossy().into_owned())
    }
}

/// The split build's chunk manifest, in the package folder.
const SPLIT_MANIFEST: &str = "__wasm_split_manifest.json";

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
    // Under `/pkg/` every file sits in its build's hash folder; icons keep their names.
    let cache = if path.starts_with("/pkg/") {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut builder = Response::builder()
        .header(header::ETAG, file.etag)
        .header(header::CACHE_CONTROL, cache)
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
