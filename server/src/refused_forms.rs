//! Refused forms without JavaScript: a form post (`Accept: text/html`) that a server function
//! refuses is answered by server_fn with a redirect back to the page carrying the error in its
//! address (`__path`, `__err`). This layer takes the error out of the address again and hands it,
//! with what was typed (never a password, token or key), to [`crate::form_answers`] as a
//! [`PostAnswer`], which carries it to the page in a signed one-time cookie: nothing in a URL
//! ever pre-fills a form or puts a message on a page. It also sends the token pages' forms, whose
//! `Referrer-Policy: no-referrer` leaves the redirect nowhere to go, back to their own page.

use app::backend::request::{PostAnswer, PostOutcome};
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE};

/// Typed values longer than this are not kept (the cookie stays small).
const MAX_VALUE_CHARS: usize = 500;

/// Query parameters that only this server's own answers may set; a page address holding one is
/// sent to the same address without it.
pub fn is_answer_param(name: &str) -> bool {
    name == "__err" || name == "__path" || name.starts_with("__in_")
}

/// Field names whose values are never kept.
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
    let (back, error, body) = match location {
        Some(l) if l.contains("__err=") => {
            let Some((back, error)) = take_error(&l) else {
                return Response::from_parts(parts, body);
            };
            (back, error, body)
        }
        // Without a `Referer` server_fn could not name the page, so the error is only in the
        // body: encoded the way Leptos does, for the token page the form is on.
        Some(_) if !had_referer && parts.headers.contains_key("serverfnerror") => {
            let Some(page) = token_page(&path) else {
                return Response::from_parts(parts, body);
            };
            let Ok(error) = to_bytes(body, usize::MAX).await else {
                return Response::from_parts(parts, Body::empty());
            };
            let mut url = url::Url::parse("http://localhost/").expect("a valid URL");
            url.set_path(page);
            if let Some((_, token)) = fields.iter().find(|(k, _)| k == "token") {
                url.query_pairs_mut().append_pair("token", token);
            }
            (relative(&url), URL_SAFE.encode(&error), Body::from(error))
        }
        _ => return Response::from_parts(parts, body),
    };
    if let Ok(value) = HeaderValue::from_str(&back) {
        parts.headers.insert(header::LOCATION, value);
    }
    parts.extensions.insert(PostAnswer {
        path,
        outcome: PostOutcome::Refused {
            error,
            inputs: kept_fields(&fields),
        },
    });
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

/// server_fn's redirect `location` split into the page's own address (without the error and
/// any answer parameter) and the URL-encoded error.
fn take_error(location: &str) -> Option<(String, String)> {
    let mut url = url::Url::parse(location)
        .or_else(|_| url::Url::parse("http://localhost/")?.join(location))
        .ok()?;
    let error = url
        .query_pairs()
        .find(|(k, _)| k == "__err")
        .map(|(_, v)| v.into_owned())?;
    strip_answer_params(&mut url);
    Some((relative(&url), error))
}

/// What was typed, without secrets, empty fields or long values.
fn kept_fields(fields: &[(String, String)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|(name, value)| {
            !is_secret(name) && !value.is_empty() && value.chars().count() <= MAX_VALUE_CHARS
        })
        .cloned()
        .collect()
}

/// `target` (a page's address, absolute or relative) without any answer parameter, relative;
/// `None` when it holds none.
pub fn without_answer_params(target: &str) -> Option<String> {
    let mut url = url::Url::parse(target)
        .or_else(|_| url::Url::parse("http://localhost/")?.join(target))
        .ok()?;
    if !url.query_pairs().any(|(k, _)| is_answer_param(&k)) {
        return None;
    }
    strip_answer_params(&mut url);
    Some(relative(&url))
}

/// Removes every answer parameter from `url`'s query.
fn strip_answer_params(url: &mut url::Url) {
    let rest: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_answer_param(k))
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
    fn typed_values_are_kept_but_never_a_password_or_token() {
        assert_eq!(
            kept_fields(&fields(&[
                ("email", "maria@example.com"),
                ("password", "hunter2 hunter2"),
                ("token", "t0k3n"),
                ("next", "/"),
            ])),
            fields(&[("email", "maria@example.com"), ("next", "/")])
        );
    }

    #[test]
    fn the_error_is_taken_out_of_the_address_server_fn_sends_back() {
        let (back, error) = take_error(
            "http://portal.test/account?tab=2&__path=%2Fapi%2Faccount&__err=YWJj&__in_name=old",
        )
        .unwrap();
        assert_eq!(back, "/account?tab=2");
        assert_eq!(error, "YWJj");
        let (back, _) = take_error("/login?__path=%2Fapi%2Flogin&__err=eA%3D%3D").unwrap();
        assert_eq!(back, "/login");
    }

    #[test]
    fn an_address_with_answer_parameters_is_sent_to_the_same_address_without_them() {
        assert_eq!(
            without_answer_params(
                "/office/customers/42/edit?__in_customer%5Bemail%5D=evil%40x.test"
            )
            .unwrap(),
            "/office/customers/42/edit"
        );
        assert_eq!(
            without_answer_params("/cards?page=2&__err=abc&__path=%2Fapi%2Fx").unwrap(),
            "/cards?page=2"
        );
        assert_eq!(without_answer_params("/cards?page=2"), None);
        assert_eq!(without_answer_params("/"), None);
    }

    #[test]
    fn long_values_and_hidden_fields_are_not_kept() {
        let long = "x".repeat(MAX_VALUE_CHARS + 1);
        assert!(
            kept_fields(&fields(&[
                ("name", &long),
                ("idempotency_key", "k"),
                ("__csrf", "c"),
                ("current", "pw"),
            ]))
            .is_empty()
        );
    }
}
