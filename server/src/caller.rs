//! Who is calling, resolved once per request, and the sign-in guard in front of protected pages.

use crate::middleware::is_static_asset;
use app::backend::{
    AppState,
    auth::sessions,
    request::{Caller, Progress, RequestMeta},
    store::Principal,
};
use axum::{
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Resolves the session cookie once (one lookup, at most one write a minute) and puts the
/// [`Caller`] in the request's extensions for the guard, the page's server functions and the
/// header. Static assets skip it. A failed lookup leaves no `Caller`, so whoever needs one asks
/// again and reports the failure itself.
pub async fn resolve_caller(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_static_asset(req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let meta = RequestMeta::from_parts(&parts, state.public.is_https());
    let resolved = {
        let _step = parts
            .extensions
            .get::<Progress>()
            .map(|p| p.begin("reading the session"));
        sessions::resolve(&state, &meta).await
    };
    if let Ok(session) = resolved {
        parts.extensions.insert(Caller(session));
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Which sign-in a page needs before it is rendered: (sign-in page, staff?).
fn required_sign_in(path: &str) -> Option<(&'static str, bool)> {
    match path {
        "/" | "/account" | "/payment-methods" => Some(("/login", false)),
        p if p.starts_with("/invoices/") || p.starts_with("/payments/") => Some(("/login", false)),
        "/office/login" | "/office/forgot-password" | "/office/reset-password" => None,
        p if p == "/office" || p.starts_with("/office/") => Some(("/office/login", true)),
        _ => None,
    }
}

/// Sends visitors of protected pages to the right sign-in page (`?next=` keeps where they were
/// going) before any rendering starts; the route shells cover in-app navigation.
pub async fn require_sign_in(req: Request, next: Next) -> Response {
    let wants_page = crate::refused_forms::is_page_load(&req);
    let Some((login, staff)) = required_sign_in(req.uri().path()).filter(|_| wants_page) else {
        return next.run(req).await;
    };
    let Some(Caller(session)) = req.extensions().get::<Caller>() else {
        // The session could not be read (the cause is logged where it failed).
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Please try again in a moment.",
        )
            .into_response();
    };
    let signed_in = session.as_ref().is_some_and(|s| {
        matches!(
            (s.principal, staff),
            (Principal::Customer(_), false) | (Principal::Staff(_), true)
        )
    });
    if signed_in {
        return next.run(req).await;
    }
    let here = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let location = if here == "/" {
        login.to_owned()
    } else {
        format!(
            "{login}?next={}",
            app::domain::next::encode_query_value(here)
        )
    };
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}
