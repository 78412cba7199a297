//! The sandbox gateway's HTTP face: `POST /gateway/v1/setup_intents/{id}/confirm`, called by the
//! browser directly with the card.

use super::sandbox::{SandboxGateway, TokenFailure};
use crate::{
    backend::request::{ClientIp, RequestMeta},
    domain::tokenization::{SetupConfirmation, TokenRefusal},
};
use axum::{
    Extension, Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
};

pub use crate::domain::tokenization::{CONFIRM_SETUP_PATH, confirm_setup_url};

/// The sandbox's routes, to merge into the application router.
pub fn routes<S: Clone + Send + Sync + 'static>(gateway: SandboxGateway) -> Router<S> {
    Router::new()
        .route(CONFIRM_SETUP_PATH, post(confirm))
        .with_state(gateway)
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = TokenRefusal {
        code: code.to_owned(),
        field: None,
        message: message.to_owned(),
    };
    (status, Json(body)).into_response()
}

async fn confirm(
    State(gateway): State<SandboxGateway>,
    Path(setup_id): Path<String>,
    client: Option<Extension<ClientIp>>,
    body: Result<Json<SetupConfirmation>, JsonRejection>,
) -> Response {
    // The rejection's text can quote the body (a card number), so it is neither logged nor sent.
    let Ok(Json(request)) = body else {
        tracing::warn!("gateway: setup confirmation with an unreadable JSON body");
        return refusal(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The card details could not be read. Please reload the page and try again.",
        );
    };
    let ip_key = RequestMeta {
        session_id: None,
        peer_ip: client.map(|Extension(ClientIp(ip))| ip),
        caller: None,
    }
    .ip_key();
    match gateway.confirm_setup(&setup_id, &request, &ip_key).await {
        Ok(confirmed) => (StatusCode::OK, Json(confirmed)).into_response(),
        Err(TokenFailure::Refused(refused)) => {
            tracing::info!(code = %refused.code, "gateway: card refused at setup");
            (StatusCode::PAYMENT_REQUIRED, Json(refused)).into_response()
        }
        Err(TokenFailure::UnknownSetup) => {
            tracing::info!("gateway: confirmation of an unknown, used or expired setup");
            refusal(
                StatusCode::BAD_REQUEST,
                "setup_intent_unexpected_state",
                "This card form has expired. Please close it and enter the card again.",
            )
        }
        Err(TokenFailure::RateLimited) => {
            tracing::warn!(ip = %ip_key, "gateway: setup confirmations over the limit");
            refusal(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many card attempts. Please wait a few minutes and try again.",
            )
        }
        Err(TokenFailure::Internal(cause)) => {
            tracing::error!(%cause, "gateway: setup confirmation failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "processing_error",
                "We couldn't process this card just now. Please try again in a moment.",
            )
        }
    }
}
