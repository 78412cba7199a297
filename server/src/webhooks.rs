//! `POST /webhooks/stripe`: the processor's events, answered fast (2xx once handled or a
//! duplicate, 400 when the signature or body is refused, 500 so the processor retries).

use app::backend::{
    AppState,
    webhooks::{WebhookFailure, receive},
};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
};

/// Handles one delivery; the answer's text is for the processor's dashboard, never internals.
pub async fn stripe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match receive(&state, signature, &body).await {
        Ok(_) => (StatusCode::OK, "received"),
        Err(WebhookFailure::Refused(reason)) => {
            tracing::warn!(%reason, "webhook refused");
            (StatusCode::BAD_REQUEST, "refused")
        }
        Err(WebhookFailure::Failed(cause)) => {
            tracing::error!(%cause, "webhook handling failed; the processor will retry");
            (StatusCode::INTERNAL_SERVER_ERROR, "failed; retry later")
        }
    }
}
