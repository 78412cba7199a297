//! Cross-cutting HTTP rules: cross-site POSTs refused, security headers, caching.

use app::AppError;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// The one origin allowed to send state-changing requests.
#[derive(Clone, Debug)]
pub struct TrustedOrigin(pub Arc<str>);

/// Whether a request may change state, by the browser's `Sec-Fetch-Site` and `Origin` headers.
///
/// Safe methods always pass. A browser marks every request with `Sec-Fetch-Site`; `same-origin`
/// and `none` (typed by the user) pass, anything else must carry our exact `Origin`. A request
/// with neither header passes only without a session cookie (the webhooks and the sandbox's API,
/// which check their own signatures and keys): an old or odd browser sending a signed-in user's
/// cookie without them is refused, since nothing says the post came from our pages.
pub fn allows_state_change(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    trusted: &str,
    with_session: bool,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if matches!(sec_fetch_site, Some("same-origin" | "none")) {
        return true;
    }
    match origin {
        Some(origin) => origin.eq_ignore_ascii_case(trusted),
        None => sec_fetch_site.is_none() && !with_session,
    }
}

/// Refuses cross-site state-changing requests with 403.
pub async fn reject_cross_site(
    State(trusted): State<TrustedOrigin>,
    req: Request,
    next: Next,
) -> Response {
    let (fetch_site, origin) = {
        let header = |name| {
            req.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        (header("sec-fetch-site"), header("origin"))
    };
    let with_session = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| {
            !value.is_empty()
                && [false, true]
                    .iter()
                    .any(|https| name == app::backend::request::session_cookie_name(*https))
        });
    if allows_state_change(
        req.method(),
        fetch_site.as_deref(),
        origin.as_deref(),
        &trusted.0,
        with_session,
    ) {
        return next.run(req).await;
    }
    tracing::warn!(
        method = %req.method(),
        path = req.uri().path(),
        origin = origin.as_deref().unwrap_or("-"),
        "refused a cross-site request"
    );
    (
        StatusCode::FORBIDDEN,
        "This request came from another site and was refused.",
    )
        .into_response()
}

/// A client-sent `X-Request-Id`, cut to 64 visible ASCII characters: for the log line only.
#[derive(Clone, Debug)]
pub struct ClientRequestId(pub String);

/// Removes a client-sent `X-Request-Id`, so every request gets a fresh id of ours (ids end up in
/// the append-only card history); the client's value is kept for the log as [`ClientRequestId`].
pub async fn replace_client_request_id(mut req: Request, next: Next) -> Response {
    if let Some(value) = req.headers_mut().remove("x-request-id") {
        let kept: String = String::from_utf8_lossy(value.as_bytes())
            .chars()
            .filter(char::is_ascii_graphic)
            .take(64)
            .collect();
        req.extensions_mut().insert(ClientRequestId(kept));
    }
    next.run(req).await
}

/// Gives server-function errors the HTTP status of their [`AppError`] instead of a blanket 500.
pub async fn api_error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side.",
        )
            .into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether a path is a static, cacheable asset rather than a page or an API answer.
pub(crate) fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || path.starts_with("/cards/")
        || matches!(path, "/favicon.svg" | "/favicon.ico" | "/logo.svg")
}

/// The Referrer-Policy for a path: none at all from pages whose URL carries a one-time token;
/// same-origin elsewhere, so a form posted without JavaScript can be sent back to its page.
pub fn referrer_policy(path: &str) -> &'static str {
    if matches!(
        path,
        "/verify" | "/reset-password" | "/office/reset-password"
    ) {
        "no-referrer"
    } else {
        "same-origin"
    }
}

/// Whether the public URL is https (then browsers are told to keep to https: HSTS).
#[derive(Clone, Copy, Debug)]
pub struct Https(pub bool);

/// Adds security headers to every response and `Cache-Control: no-store` to everything but assets.
pub async fn security_headers(
    State(Https(https)): State<Https>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let cacheable = is_static_asset(req.uri().path());
    let referrer = referrer_policy(req.uri().path());
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, referrer);
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if https {
        // Two years; not includeSubDomains, which would bind the business's other hosts.
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000");
    }
    if cacheable {
        set(header::CACHE_CONTROL, "public, max-age=3600");
    } else {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_pages_send_no_referrer_and_other_pages_only_to_our_own_origin() {
        assert_eq!(referrer_policy("/verify"), "no-referrer");
        assert_eq!(referrer_policy("/reset-password"), "no-referrer");
        assert_eq!(referrer_policy("/office/reset-password"), "no-referrer");
        assert_eq!(referrer_policy("/payment-methods"), "same-origin");
        assert_eq!(referrer_policy("/"), "same-origin");
    }

    const US: &str = "https://pay.example.com";

    #[test]
    fn reads_always_pass() {
        assert!(allows_state_change(
            &Method::GET,
            Some("cross-site"),
            Some("https://evil.example"),
            US,
            false
        ));
    }

    #[test]
    fn posts_from_another_site_are_refused() {
        assert!(!allows_state_change(
            &Method::POST,
            Some("cross-site"),
            Some("https://evil.example"),
            US,
            false
        ));
        assert!(!allows_state_change(
            &Method::POST,
            None,
            Some("https://evil.example"),
            US,
            false
        ));
        assert!(!allows_state_change(
            &Method::POST,
            Some("same-site"),
            Some("https://x.example.com"),
            US,
            false
        ));
        assert!(!allows_state_change(
            &Method::POST,
            Some("cross-site"),
            None,
            US,
            false
        ));
        assert!(!allows_state_change(
            &Method::DELETE,
            None,
            Some("null"),
            US,
            false
        ));
    }

    #[test]
    fn posts_from_our_own_pages_pass() {
        assert!(allows_state_change(
            &Method::POST,
            Some("same-origin"),
            Some(US),
            US,
            false
        ));
        assert!(allows_state_change(
            &Method::POST,
            None,
            Some(US),
            US,
            false
        ));
        assert!(allows_state_change(
            &Method::POST,
            Some("same-site"),
            Some(US),
            US,
            false
        ));
    }

    #[test]
    fn posts_without_browser_headers_pass_only_without_a_session_cookie() {
        assert!(allows_state_change(&Method::POST, None, None, US, false));
        assert!(!allows_state_change(&Method::POST, None, None, US, true));
        assert!(allows_state_change(&Method::POST, None, Some(US), US, true));
        assert!(allows_state_change(
            &Method::POST,
            Some("same-origin"),
            None,
            US,
            true
        ));
    }
}
