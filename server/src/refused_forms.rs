//! Refused forms without JavaScript: a form post (`Accept: text/html`) that a server function
//! refuses is answered by a redirect back to the page with the error in `__err` (Leptos shows it
//! next to its field). This layer adds what was typed (`__in_{field}`, never a password, token or
//! key) so the page can fill the fields in again, and sends the token pages' forms, whose
//! `Referrer-Policy: no-referrer` leaves the redirect nowhere to go, back to their own page.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE};

/// Query parameters the page reads typed values from: `__in_email=…`.
pub const INPUT_PREFIX: &str = "__in_";
/// Typed values longer than this are not sent back (the URL stays short).
const MAX_VALUE_CHARS: usize = 500;

/// Field names whose values never go into a URL.
fn is_secret(name: &str) -> bool {
    [
        "password",
        "confirm",
        "current",
        "token",
        "idempotency",
        "cvc",
        "number",
        "secret",
    ]
    .iter()
    .any(|s| name.contains(s))
        || name.starts_with("__")
}

/// The page a token form's function belongs on, for posts without a `Referer`.
fn token_page(path: &str) -> Option<&'static str> {
    match path {
        "/api/accept-invitation" => Some("/verify"),
        "/api/reset-password" => Some("/reset-password"),
        "/api/office/reset-password" => Some("/office/reset-password"),
        _ => None,
    }
}

/// See the module docs.
pub async fn keep_refused_input(req: Request, next: Next) -> Response {
    if !is_form_post(&req) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let had_referer = req.headers().contains_key(header::REFERER);
    let (parts, body) = req.into_parts();
    // The body limit layer outside this one bounds the size; past it, the read fails.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response();
    };
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (mut parts, body) = response.into_parts();
    let location = match location {
        Some(l) if l.contains("__err=") => l,
        // Without a `Referer` server_fn could not name the page, so the error is only in the
        // body: put it in the URL the way Leptos does, for the token page the form is on.
        Some(_)
            if !had_referer
                && token_page(&path).is_some()
                && parts.headers.contains_key("serverfnerror") =>
        {
            let Ok(error) = to_bytes(body, usize::MAX).await else {
                return Response::from_parts(parts, Body::empty());
            };
            let mut url = url::Url::parse("http://localhost/").expect("a valid URL");
            url.query_pairs_mut()
                .append_pair("__path", &path)
                .append_pair("__err", &URL_SAFE.encode(&error));
            let back = with_input(url.as_str(), &path, had_referer, &fields);
            if let Some(value) = back.and_then(|b| HeaderValue::from_str(&b).ok()) {
                parts.headers.insert(header::LOCATION, value);
            }
            return Response::from_parts(parts, Body::from(error));
        }
        _ => return Response::from_parts(parts, body),
    };
    if let Some(value) = with_input(&location, &path, had_referer, &fields)
        .and_then(|b| HeaderValue::from_str(&b).ok())
    {
        parts.headers.insert(header::LOCATION, value);
    }
    Response::from_parts(parts, body)
}

/// A form's post to a server function (what a browser without JavaScript sends).
pub fn is_form_post(req: &Request) -> bool {
    req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && header_has(req, header::ACCEPT, "text/html")
        && header_has(
            req,
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
}

/// A browser loading a page (not a script's request or an asset).
pub fn is_page_load(req: &Request) -> bool {
    req.method() == Method::GET && header_has(req, header::ACCEPT, "text/html")
}

fn header_has(req: &Request, name: header::HeaderName, wanted: &str) -> bool {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(wanted))
}

/// `location` (server_fn's redirect with the error) with the typed values added, pointed at the
/// token page when the post came without a `Referer`.
fn with_input(
    location: &str,
    path: &str,
    had_referer: bool,
    fields: &[(String, String)],
) -> Option<String> {
    let mut url = url::Url::parse(location).ok()?;
    // What an earlier refused post left in the page's address is replaced.
    strip_kept_input(&mut url);
    if !had_referer && let Some(page) = token_page(path) {
        let token = fields
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.clone());
        let error: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k == "__path" || k == "__err")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.set_path(page);
        let mut query = url.query_pairs_mut();
        query.clear();
        if let Some(token) = token {
            query.append_pair("token", &token);
        }
        for (k, v) in &error {
            query.append_pair(k, v);
        }
    }
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in fields {
            if !is_secret(name) && !value.is_empty() && value.chars().count() <= MAX_VALUE_CHARS {
                query.append_pair(&format!("{INPUT_PREFIX}{name}"), value);
            }
        }
    }
    Some(relative(&url))
}

/// `location` (a redirect back to a page after a post that worked) without the typed values an
/// earlier refused post left in the page's address.
pub fn without_kept_input(location: &str) -> Option<String> {
    let mut url = url::Url::parse(location)
        .or_else(|_| url::Url::parse("http://localhost/")?.join(location))
        .ok()?;
    strip_kept_input(&mut url);
    Some(relative(&url))
}

/// Removes every `__in_…` pair from `url`'s query.
fn strip_kept_input(url: &mut url::Url) {
    let rest: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with(INPUT_PREFIX))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if rest.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(rest);
    }
}

/// Same-site redirects stay relative: the page is on this site whatever the Host said.
fn relative(url: &url::Url) -> String {
    let mut relative = url.path().to_owned();
    if let Some(q) = url.query() {
        relative.push('?');
        relative.push_str(q);
    }
    relative
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn typed_values_come_back_but_never_a_password_or_token() {
        let back = with_input(
            "http://portal.test/login?__path=%2Fapi%2Flogin&__err=abc",
            "/api/login",
            true,
            &fields(&[
                ("email", "maria@example.com"),
                ("password", "hunter2 hunter2"),
                ("next", "/"),
            ]),
        )
        .unwrap();
        assert_eq!(
            back,
            "/login?__path=%2Fapi%2Flogin&__err=abc&__in_email=maria%40example.com&__in_next=%2F"
        );
    }

    #[test]
    fn a_token_form_without_a_referer_goes_back_to_its_own_page() {
        let back = with_input(
            "http://portal.test/?__path=%2Fapi%2Faccept-invitation&__err=xyz",
            "/api/accept-invitation",
            false,
            &fields(&[
                ("token", "t0k3n"),
                ("password", "a"),
                ("confirm", "b"),
                ("next", "/payment-methods?add=1"),
            ]),
        )
        .unwrap();
        assert_eq!(
            back,
            "/verify?token=t0k3n&__path=%2Fapi%2Faccept-invitation&__err=xyz&__in_next=%2Fpayment-methods%3Fadd%3D1"
        );
    }

    #[test]
    fn typed_values_of_an_earlier_refusal_are_replaced_and_dropped_after_a_post_that_worked() {
        let back = with_input(
            "http://portal.test/account?__in_name=old&tab=2&__err=e",
            "/api/account",
            true,
            &fields(&[("name", "new")]),
        )
        .unwrap();
        assert_eq!(back, "/account?tab=2&__err=e&__in_name=new");
        assert_eq!(
            without_kept_input("http://portal.test/payment-methods?__in_id=1&__in_zip=94107")
                .unwrap(),
            "/payment-methods"
        );
        assert_eq!(
            without_kept_input("/cards?page=2&__in_zip=1").unwrap(),
            "/cards?page=2"
        );
    }

    #[test]
    fn long_values_and_hidden_fields_stay_out_of_the_url() {
        let long = "x".repeat(MAX_VALUE_CHARS + 1);
        let back = with_input(
            "http://portal.test/account?__err=e",
            "/api/account",
            true,
            &fields(&[
                ("name", &long),
                ("idempotency_key", "k"),
                ("__csrf", "c"),
                ("current", "pw"),
            ]),
        )
        .unwrap();
        assert_eq!(back, "/account?__err=e");
    }
}
