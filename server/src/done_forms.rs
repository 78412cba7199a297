//! Forms that worked without JavaScript: a form post (`Accept: text/html`) a server function
//! accepts is answered by a redirect back to its page, which then knows nothing of the post. This
//! layer keeps the function's answer for that page in a one-time cookie (set by this server
//! only, so no link can make a page say something), and on the next page load hands it to the
//! app as [`DonePost`] and clears the cookie. The page's action starts with that answer, so it
//! says what it says after the same post with JavaScript.

use crate::{
    middleware::Https,
    refused_forms::{is_form_post, is_page_load, without_kept_input},
};
use app::backend::request::DonePost;
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

/// Answers longer than this are not kept (a cookie stays well under browsers' 4 KB).
const MAX_OUTPUT_BYTES: usize = 1500;

/// The cookie's name: `__Host-` prefixed (so no other host can set it) when served over https.
fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-porchlight_done"
    } else {
        "porchlight_done"
    }
}

/// See the module docs.
pub async fn keep_done_posts(
    State(Https(https)): State<Https>,
    mut req: Request,
    next: Next,
) -> Response {
    let name = cookie_name(https);
    if is_form_post(&req) {
        let path = req.uri().path().to_owned();
        let response = next.run(req).await;
        let refused = response.headers().contains_key("serverfnerror")
            || response
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_none_or(|l| l.contains("__err="));
        if refused || !response.status().is_redirection() {
            return response;
        }
        let (mut parts, body) = response.into_parts();
        // Back to the page as it was before any refused post's typed values.
        if let Some(back) = parts
            .headers
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(without_kept_input)
            .and_then(|back| HeaderValue::from_str(&back).ok())
        {
            parts.headers.insert(header::LOCATION, back);
        }
        let Ok(bytes) = to_bytes(body, usize::MAX).await else {
            return Response::from_parts(parts, Body::empty());
        };
        if let Some(cookie) = std::str::from_utf8(&bytes)
            .ok()
            .filter(|output| output.len() <= MAX_OUTPUT_BYTES)
            .and_then(|output| HeaderValue::from_str(&set_cookie(name, https, &path, output)).ok())
        {
            parts.headers.append(header::SET_COOKIE, cookie);
        }
        return Response::from_parts(parts, Body::from(bytes));
    }
    let Some(done) = is_page_load(&req)
        .then(|| read_cookie(&req, name))
        .flatten()
    else {
        return next.run(req).await;
    };
    req.extensions_mut().insert(done);
    let mut response = next.run(req).await;
    if let Ok(clear) = HeaderValue::from_str(&clear_cookie(name, https)) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

/// `Set-Cookie` keeping `output` of the function at `path` for the next page load (a minute).
fn set_cookie(name: &str, https: bool, path: &str, output: &str) -> String {
    format!(
        "{name}={}.{}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60{}",
        URL_SAFE_NO_PAD.encode(path),
        URL_SAFE_NO_PAD.encode(output),
        if https { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` removing the cookie.
fn clear_cookie(name: &str, https: bool) -> String {
    format!(
        "{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if https { "; Secure" } else { "" }
    )
}

/// The answer kept in the request's cookie, if it holds one that reads back.
fn read_cookie(req: &Request, name: &str) -> Option<DonePost> {
    let value = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)?;
    let (path, output) = value.split_once('.')?;
    let text = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    Some(DonePost {
        path: text(path)?,
        output: text(output)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_load(cookie: &str) -> Request {
        Request::builder()
            .uri("/payment-methods")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn a_kept_answer_reads_back_as_its_function_path_and_output() {
        let set = set_cookie(
            "porchlight_done",
            false,
            "/api/payment-methods/set-primary",
            "\"Visa •••• 4242 is now your primary card.\"",
        );
        let pair = set.split(';').next().unwrap();
        let done = read_cookie(
            &page_load(&format!("theme=light; {pair}")),
            "porchlight_done",
        )
        .unwrap();
        assert_eq!(done.path, "/api/payment-methods/set-primary");
        assert_eq!(done.output, "\"Visa •••• 4242 is now your primary card.\"");
    }

    #[test]
    fn a_cookie_that_does_not_read_back_is_ignored() {
        for cookie in [
            "porchlight_done=no-dot",
            "porchlight_done=%%%.abc",
            "other=abc.def",
        ] {
            assert!(read_cookie(&page_load(cookie), "porchlight_done").is_none());
        }
    }

    #[test]
    fn over_https_the_cookie_is_host_only_and_secure() {
        let set = set_cookie(cookie_name(true), true, "/api/x", "null");
        assert!(set.starts_with("__Host-porchlight_done="));
        assert!(set.ends_with("; Secure"));
        assert!(clear_cookie(cookie_name(true), true).contains("Max-Age=0"));
    }
}
