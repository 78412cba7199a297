//! `POST /webhooks/stripe`: the processor's events, answered at once: 200 once recorded (or a
//! repeat of a recorded one), 400 only for a bad signature or a body that is no event, 500 when
//! recording failed (the processor sends it again). A background pass handles what is recorded
//! (`app::backend::webhooks::handle_pending`).

use app::backend::{
    AppState,
    webhooks::{Received, Wake, WebhookFailure, receive},
};
use axum::{
    Extension,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
};

/// Handles one delivery; the answer's text is for the processor's dashboard, never internals.
pub async fn stripe(
    State(state): State<AppState>,
    wake: Option<Extension<Wake>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match receive(&state, signature, &body).await {
        Ok(Received::Recorded) => {
            if let Some(Extension(wake)) = wake {
                wake.notify();
            }
            (StatusCode::OK, "received")
        }
        Ok(Received::Duplicate) => (StatusCode::OK, "received"),
        Err(WebhookFailure::Refused(reason)) => {
            tracing::warn!(%reason, "webhook refused");
            (StatusCode::BAD_REQUEST, "refused")
        }
        Err(WebhookFailure::Failed(cause)) => {
            tracing::error!(%cause, "webhook not recorded; the processor will retry");
            (StatusCode::INTERNAL_SERVER_ERROR, "failed; retry later")
        }
    }
}
