//! Two repairs to the HTML the app streams, so its pages are valid HTML (the Nu Html Checker's
//! findings). Both are Leptos 0.8's, and both are made on the stream as it passes, chunk by
//! chunk, so streamed pages still stream:
//!
//! - Leptos sends its resources' data (`<script>` elements) and, when streaming out of order,
//!   its resolved fragments (`<template>` and `<script>`) after the shell, that is after
//!   `</body></html>`. Browsers put them into the body anyway; here the shell's
//!   `</body></html>` moves to the end of the stream, so they are inside the document.
//! - Leptos' `HydrationScripts` (and its chunk preloads) write the response's CSP nonce into
//!   the preload links' `crossorigin`, whose valid values are `anonymous` and `use-credentials`.
//!   An invalid value already means `anonymous`, so `crossorigin="anonymous"` loads the same;
//!   and the nonce, which browsers hide from the page in `nonce` attributes, is no longer
//!   readable (by a script or a CSS attribute selector) in another attribute.
//!
//! Only the app's own pages are touched: `text/html` responses whose Content-Security-Policy
//! carries a nonce (the shell sets it; nothing else does).

use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::header,
    middleware::Next,
    response::Response,
};
use futures::StreamExt;

/// The shell's end, which must come after everything Leptos appends.
const DOCUMENT_END: &[u8] = b"</body></html>";

/// See the module docs.
pub async fn mend_pages(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let nonce = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of);
    let (Some(nonce), true) = (nonce, is_html) else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    // The length changes (the nonce's length against "anonymous").
    parts.headers.remove(header::CONTENT_LENGTH);
    let mender = Mender::new(&nonce);
    let chunks = futures::stream::unfold(
        Some((body.into_data_stream(), mender)),
        |state| async move {
            let (mut chunks, mut mender) = state?;
            loop {
                match chunks.next().await {
                    Some(Ok(chunk)) => {
                        let out = mender.push(&chunk);
                        if !out.is_empty() {
                            return Some((Ok(Bytes::from(out)), Some((chunks, mender))));
                        }
                    }
                    Some(Err(e)) => return Some((Err(e), None)),
                    None => return Some((Ok(Bytes::from(mender.finish())), None)),
                }
            }
        },
    );
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// The nonce of a Content-Security-Policy's `'nonce-…'` source, if it has one.
fn nonce_of(policy: &str) -> Option<String> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let rest = &policy[start..];
    let nonce = &rest[..rest.find('\'')?];
    (!nonce.is_empty()).then(|| nonce.to_owned())
}

/// The repairs, made on a stream of chunks: text that could be the start of something to
/// repair is held back until the next chunk shows what it is.
#[derive(Debug)]
pub struct Mender {
    /// `crossorigin="{nonce}"`, the invalid attribute.
    nonce_attribute: Vec<u8>,
    /// Received and not yet sent.
    held: Vec<u8>,
    /// Whether the shell's `</body></html>` was taken out (and is owed at the end).
    moved_end: bool,
}

/// The valid attribute in place of the nonce.
const CROSSORIGIN: &[u8] = b"crossorigin=\"anonymous\"";

impl Mender {
    /// A mender for a page whose CSP nonce is `nonce`.
    pub fn new(nonce: &str) -> Self {
        Self {
            nonce_attribute: format!("crossorigin=\"{nonce}\"").into_bytes(),
            held: Vec::new(),
            moved_end: false,
        }
    }

    /// Takes the next chunk; returns what can be sent now.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        self.held.extend_from_slice(chunk);
        let mut out = Vec::with_capacity(self.held.len());
        loop {
            let nonce = find(&self.held, &self.nonce_attribute);
            let end = (!self.moved_end)
                .then(|| find(&self.held, DOCUMENT_END))
                .flatten();
            match (nonce, end) {
                (Some(n), e) if e.is_none_or(|e| n < e) => {
                    out.extend_from_slice(&self.held[..n]);
                    out.extend_from_slice(CROSSORIGIN);
                    self.held.drain(..n + self.nonce_attribute.len());
                }
                (_, Some(e)) => {
                    out.extend_from_slice(&self.held[..e]);
                    self.held.drain(..e + DOCUMENT_END.len());
                    self.moved_end = true;
                }
                _ => break,
            }
        }
        // Whatever was not found could still begin in the last few bytes.
        let longest = self.nonce_attribute.len().max(DOCUMENT_END.len());
        let keep = self.held.len().min(longest - 1);
        let send = self.held.len() - keep;
        out.extend(self.held.drain(..send));
        out
    }

    /// The rest, after the last chunk: with the shell's end last.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.held);
        if self.moved_end {
            out.extend_from_slice(DOCUMENT_END);
        }
        out
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html><html><head><link rel=\"modulepreload\" href=\"/pkg/a.js\" \
        crossorigin=\"Nonce42\"><script nonce=\"Nonce42\">go()</script></head><body><main>\
        “café”</main></body></html><template id=\"t\">late</template><script nonce=\"Nonce42\">\
        data()</script>";

    const MENDED: &str = "<!DOCTYPE html><html><head><link rel=\"modulepreload\" \
        href=\"/pkg/a.js\" crossorigin=\"anonymous\"><script nonce=\"Nonce42\">go()</script>\
        </head><body><main>“café”</main><template id=\"t\">late</template><script \
        nonce=\"Nonce42\">data()</script></body></html>";

    /// `page` sent through a mender in chunks of `size` bytes.
    fn mended_in_chunks(page: &str, size: usize) -> String {
        let mut mender = Mender::new("Nonce42");
        let mut out = Vec::new();
        for chunk in page.as_bytes().chunks(size) {
            out.extend(mender.push(chunk));
        }
        out.extend(mender.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_document_ends_after_what_leptos_appends_and_crossorigin_holds_no_nonce() {
        assert_eq!(mended_in_chunks(PAGE, PAGE.len()), MENDED);
    }

    #[test]
    fn repairs_split_across_chunks_are_made_the_same() {
        for size in 1..40 {
            assert_eq!(
                mended_in_chunks(PAGE, size),
                MENDED,
                "chunks of {size} bytes"
            );
        }
    }

    #[test]
    fn a_page_without_anything_to_repair_passes_unchanged() {
        let page = "<!DOCTYPE html><html><body><p>crossorigin=\"x\" </body> </html></p>";
        assert_eq!(mended_in_chunks(page, 7), page);
    }

    #[test]
    fn only_the_first_document_end_moves() {
        let page = "<html><body></body></html><script>\"</body></html>\"</script>";
        assert_eq!(
            mended_in_chunks(page, 5),
            "<html><body><script>\"</body></html>\"</script></body></html>"
        );
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        assert_eq!(
            nonce_of("default-src 'self'; script-src 'self' 'nonce-AbC+/=' 'wasm-unsafe-eval'"),
            Some("AbC+/=".to_owned())
        );
        assert_eq!(nonce_of("default-src 'self'"), None);
    }
}
