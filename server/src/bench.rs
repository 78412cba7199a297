//! Baselines for `cargo xtask bench`, compiled only with the `bench` feature (never in a build
//! that ships): what the card page and Set as Primary would cost without Leptos and without the
//! server functions' checks, measured in the same binary, on the same database and middleware.
//!
//! - `GET /bench/fixed`: the bytes `PUT` there, with any `POST`ed after them appended (the bench
//!   sends a rendered card page in pieces under the body limit), served as a static file would
//!   be: the floor of an HTML answer.
//! - `GET /bench/cards-page`: the signed-in customer's cards and card history, read with the
//!   page's own store queries and written as HTML by hand.
//! - `POST /bench/set-primary` (`id=N`): the store's set-primary transaction alone.
//!
//! The two database routes use the session the middleware resolved, like every page.

use app::{
    backend::{
        AppState,
        request::Caller,
        store::{Actor, ChangeContext, Principal},
    },
    domain::PaymentMethodId,
};
use axum::{
    Extension, Form, Router,
    body::Bytes,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

/// The page bytes `GET /bench/fixed` answers with.
type Fixed = Arc<RwLock<Bytes>>;

/// The baseline routes, to merge into the application router (inside its middleware).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bench/fixed", get(fixed).put(put_fixed).post(append_fixed))
        .route("/bench/cards-page", get(cards_page))
        .route("/bench/set-primary", post(set_primary))
        .layer(Extension(Fixed::default()))
}

async fn fixed(Extension(page): Extension<Fixed>) -> Response {
    let bytes = page.read().map(|b| b.clone()).unwrap_or_default();
    html(bytes)
}

async fn put_fixed(Extension(page): Extension<Fixed>, body: Bytes) -> StatusCode {
    match page.write() {
        Ok(mut stored) => {
            *stored = body;
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn append_fixed(Extension(page): Extension<Fixed>, body: Bytes) -> StatusCode {
    match page.write() {
        Ok(mut stored) => {
            *stored = [stored.as_ref(), body.as_ref()].concat().into();
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn html(body: impl Into<axum::body::Body>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// The customer the middleware found for this request.
fn customer(caller: Option<Extension<Caller>>) -> Option<app::domain::CustomerId> {
    match caller {
        Some(Extension(Caller(Some(session)))) => match session.principal {
            Principal::Customer(id) => Some(id),
            Principal::Staff(_) => None,
        },
        _ => None,
    }
}

async fn cards_page(State(state): State<AppState>, caller: Option<Extension<Caller>>) -> Response {
    let Some(customer) = customer(caller) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let (cards, history) = match (
        state.store.cards_for_customer(customer).await,
        state.store.payment_method_events(customer).await,
    ) {
        (Ok(cards), Ok(history)) => (cards, history),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "bench: reading cards");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut page = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Saved Payment Methods</title></head><body><main><h1>Saved Payment Methods</h1><ul>",
    );
    for card in &cards {
        page.push_str(&format!(
            "<li>{}{} · expires {}</li>",
            card.card,
            if card.is_primary { " · Primary" } else { "" },
            card.expiry
        ));
    }
    page.push_str("</ul><h2>History</h2><ul>");
    for event in &history {
        page.push_str(&format!(
            "<li>{} {} {}</li>",
            event.action.label(),
            event.last4,
            event.occurred_at.date_time()
        ));
    }
    page.push_str("</ul></main></body></html>");
    html(page)
}

async fn set_primary(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(customer) = customer(caller) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(Ok(id)) = form.get("id").map(|id| id.parse::<PaymentMethodId>()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let ctx = ChangeContext {
        actor: Actor::Customer,
        at: state.clock.now(),
        request_id: String::new(),
    };
    match state.store.set_primary_card(customer, id, &ctx).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "bench: setting the primary card");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
