//! Forms without JavaScript: a form post (`Accept: text/html`) is answered by a redirect back to
//! its page, which then knows nothing of the post. This layer keeps the post's answer (what the
//! function answered, or its refusal with what was typed, from [`crate::refused_forms`]) for that
//! page in a one-time cookie, and on the next page load hands it to the app as [`PostAnswer`] and
//! clears the cookie. The page's action starts with that answer, so it says what it says after
//! the same post with JavaScript.
//!
//! Only this server's own posts can put an answer on a page: the cookie is signed with the
//! server's key, tied to the session the post left the browser with, and expires after a minute;
//! a page address carrying answer parameters (`__err`, `__path`, `__in_…`) is redirected to the
//! same address without them before anything renders.

use crate::refused_forms::{is_form_post, is_page_load, without_answer_params};
use app::backend::{
    AppState, Secret,
    request::{PostAnswer, PostOutcome, session_cookie_name},
};
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

/// Answers longer than this are not kept.
const MAX_OUTPUT_BYTES: usize = 1500;
/// The longest cookie value kept (browsers take 4 KB per cookie, name and attributes included).
const MAX_COOKIE_VALUE: usize = 3600;
/// How long a kept answer waits for its page, in seconds.
const LIFETIME_SECS: i64 = 60;
/// What the signature's key is used for here (the server's key also signs other things).
const PURPOSE: &str = "form-answer";

/// The cookie's name: `__Host-` prefixed (so no other host can set it) when served over https.
fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-porchlight_answer"
    } else {
        "porchlight_answer"
    }
}

/// What the cookie holds: the answer and when it stops being shown.
#[derive(serde::Serialize, serde::Deserialize)]
struct Sealed {
    answer: PostAnswer,
    expires: i64,
}

/// See the module docs.
pub async fn keep_post_answers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let https = state.public.is_https();
    let name = cookie_name(https);
    if is_form_post(&req) {
        let path = req.uri().path().to_owned();
        let session_before = cookie_value(req.headers(), session_cookie_name(https));
        let response = next.run(req).await;
        let (mut parts, body) = response.into_parts();
        let refused = parts.extensions.remove::<PostAnswer>();
        let done = refused.is_none()
            && parts.status.is_redirection()
            && !parts.headers.contains_key("serverfnerror")
            && parts.headers.contains_key(header::LOCATION);
        if refused.is_none() && !done {
            return Response::from_parts(parts, body);
        }
        let Ok(bytes) = to_bytes(body, usize::MAX).await else {
            return Response::from_parts(parts, Body::empty());
        };
        let answer = match refused {
            Some(refused) => Some(refused),
            None => std::str::from_utf8(&bytes)
                .ok()
                .filter(|output| output.len() <= MAX_OUTPUT_BYTES)
                .map(|output| PostAnswer {
                    path,
                    outcome: PostOutcome::Done(output.to_owned()),
                }),
        };
        // The session the browser holds after this answer (a sign-in starts one, a sign-out ends it).
        let session = session_set_by(&parts.headers, session_cookie_name(https))
            .or(session_before)
            .unwrap_or_default();
        let expires = state.clock.now().unix() + LIFETIME_SECS;
        if let Some(cookie) = answer
            .and_then(|answer| seal(&state.secret, &session, answer, expires))
            .and_then(|value| HeaderValue::from_str(&set_cookie(name, https, &value)).ok())
        {
            parts.headers.append(header::SET_COOKIE, cookie);
        }
        return Response::from_parts(parts, Body::from(bytes));
    }
    if !is_page_load(&req) {
        return next.run(req).await;
    }
    // Answer parameters in a page's address come from a link, not from this server.
    if let Some(clean) = req
        .uri()
        .path_and_query()
        .and_then(|pq| without_answer_params(pq.as_str()))
    {
        tracing::warn!(
            path = req.uri().path(),
            "a page address with answer parameters, redirected without them"
        );
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, clean)],
            "This address held form values; they were removed.",
        )
            .into_response();
    }
    let Some(value) = cookie_value(req.headers(), name) else {
        return next.run(req).await;
    };
    let session = cookie_value(req.headers(), session_cookie_name(https)).unwrap_or_default();
    match open(&state.secret, &session, &value, state.clock.now().unix()) {
        Some(answer) => {
            req.extensions_mut().insert(answer);
        }
        None => tracing::warn!(
            "a form answer cookie that is not ours, stale or of another session: ignored"
        ),
    }
    let mut response = next.run(req).await;
    if let Ok(clear) = HeaderValue::from_str(&clear_cookie(name, https)) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

/// The cookie value for `answer`, signed for `session`; a refusal's typed values are dropped,
/// longest first, until it fits; `None` if it never does.
fn seal(secret: &Secret, session: &str, mut answer: PostAnswer, expires: i64) -> Option<String> {
    loop {
        let json = serde_json::to_vec(&Sealed {
            answer: answer.clone(),
            expires,
        })
        .ok()?;
        let payload = URL_SAFE_NO_PAD.encode(json);
        let value = format!(
            "{payload}.{}",
            secret.hmac_hex(PURPOSE, &signed(session, &payload))
        );
        if value.len() <= MAX_COOKIE_VALUE {
            return Some(value);
        }
        let PostOutcome::Refused { inputs, .. } = &mut answer.outcome else {
            return None;
        };
        let longest = inputs
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, v))| v.len())
            .map(|(i, _)| i)?;
        inputs.remove(longest);
    }
}

/// The answer in a cookie value, if this server signed it for `session` and it has not expired.
fn open(secret: &Secret, session: &str, value: &str, now: i64) -> Option<PostAnswer> {
    let (payload, mac) = value.split_once('.')?;
    if !secret.verify_hmac_hex(PURPOSE, &signed(session, payload), mac) {
        return None;
    }
    let sealed: Sealed = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (now <= sealed.expires).then_some(sealed.answer)
}

/// What the signature covers: the session and the payload.
fn signed(session: &str, payload: &str) -> Vec<u8> {
    format!("{session}\0{payload}").into_bytes()
}

/// The value of the request's cookie `name`, if it has a non-empty one.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// The value a response sets cookie `name` to ("" when it removes it), if it sets it.
fn session_set_by(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .next_back()
}

/// `Set-Cookie` keeping `value` for the next page load (a minute).
fn set_cookie(name: &str, https: bool, value: &str) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_SECS}{}",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: header::HeaderName, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(name.clone(), HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn the_session_a_response_leaves_is_read_from_its_set_cookie() {
        let set = headers(
            header::SET_COOKIE,
            &[
                "porchlight_answer=x; Path=/",
                "porchlight_session=abc123; Path=/; HttpOnly",
            ],
        );
        assert_eq!(
            session_set_by(&set, "porchlight_session").as_deref(),
            Some("abc123")
        );
        let cleared = headers(header::SET_COOKIE, &["porchlight_session=; Max-Age=0"]);
        assert_eq!(
            session_set_by(&cleared, "porchlight_session").as_deref(),
            Some("")
        );
        assert_eq!(
            session_set_by(&HeaderMap::new(), "porchlight_session"),
            None
        );
    }

    #[test]
    fn a_cookie_value_is_read_by_its_exact_name() {
        let cookies = headers(
            header::COOKIE,
            &["xporchlight_answer=no; porchlight_answer=yes", "other=1"],
        );
        assert_eq!(
            cookie_value(&cookies, "porchlight_answer").as_deref(),
            Some("yes")
        );
        assert_eq!(cookie_value(&cookies, "missing"), None);
    }

    fn secret() -> Secret {
        Secret::new(vec![7; 32]).unwrap()
    }

    fn refusal(inputs: &[(&str, &str)]) -> PostAnswer {
        PostAnswer {
            path: "/api/office/customers/update".into(),
            outcome: PostOutcome::Refused {
                error: "ZXJy".into(),
                inputs: inputs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        }
    }

    #[test]
    fn a_kept_answer_opens_only_for_its_session_before_it_expires() {
        let answer = refusal(&[("customer[email]", "ana@example.com")]);
        let value = seal(&secret(), "session-a", answer.clone(), 1_000).unwrap();
        assert_eq!(open(&secret(), "session-a", &value, 1_000), Some(answer));
        assert_eq!(open(&secret(), "session-b", &value, 1_000), None);
        assert_eq!(open(&secret(), "", &value, 1_000), None);
        assert_eq!(open(&secret(), "session-a", &value, 1_001), None);
        let other_key = Secret::new(vec![8; 32]).unwrap();
        assert_eq!(open(&other_key, "session-a", &value, 1_000), None);
    }

    #[test]
    fn a_cookie_written_by_anyone_but_this_server_is_not_opened() {
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Sealed {
                answer: refusal(&[("customer[email]", "evil@example.com")]),
                expires: i64::MAX,
            })
            .unwrap(),
        );
        for value in [
            format!("{forged}.{}", "0".repeat(64)),
            format!("{forged}."),
            forged.clone(),
            "no-dot".to_owned(),
        ] {
            assert_eq!(open(&secret(), "session-a", &value, 0), None, "{value}");
        }
        // A real signature over another payload does not carry this one.
        let real = seal(&secret(), "session-a", refusal(&[]), i64::MAX).unwrap();
        let (_, mac) = real.split_once('.').unwrap();
        assert_eq!(
            open(&secret(), "session-a", &format!("{forged}.{mac}"), 0),
            None
        );
    }

    #[test]
    fn typed_values_that_do_not_fit_a_cookie_are_dropped_longest_first() {
        let long = "x".repeat(1400);
        let answer = refusal(&[
            ("a", &long),
            ("b", &long),
            ("c", &long),
            ("email", "ana@example.com"),
        ]);
        let value = seal(&secret(), "s", answer, 10).unwrap();
        assert!(value.len() <= MAX_COOKIE_VALUE);
        let PostOutcome::Refused { inputs, .. } = open(&secret(), "s", &value, 10).unwrap().outcome
        else {
            panic!("a refusal");
        };
        assert!(inputs.iter().any(|(k, _)| k == "email"));
        assert!(inputs.len() < 4);
    }

    #[test]
    fn over_https_the_cookie_is_host_only_and_secure() {
        let set = set_cookie(cookie_name(true), true, "v.s");
        assert!(set.starts_with("__Host-porchlight_answer="));
        assert!(set.ends_with("; Secure"));
        assert!(clear_cookie(cookie_name(true), true).contains("Max-Age=0"));
    }
}
