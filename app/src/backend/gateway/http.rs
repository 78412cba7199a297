//! The sandbox gateway's HTTP face: `POST /gateway/v1/tokens`, called by the browser directly.

use super::sandbox::{SandboxGateway, TokenFailure};
use crate::{
    backend::request::{ClientIp, RequestMeta},
    domain::tokenization::{TokenRefusal, TokenRequest},
};
use axum::{
    Extension, Json, Router,
    extract::{State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
};

/// Where the browser sends card details to be tokenized.
pub const TOKENS_PATH: &str = "/gateway/v1/tokens";

/// The sandbox's routes, to merge into the application router.
pub fn routes<S: Clone + Send + Sync + 'static>(gateway: SandboxGateway) -> Router<S> {
    Router::new()
        .route(TOKENS_PATH, post(tokens))
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

async fn tokens(
    State(gateway): State<SandboxGateway>,
    client: Option<Extension<ClientIp>>,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> Response {
    // The rejection's text can quote the body (a card number), so it is neither logged nor sent.
    let Ok(Json(request)) = body else {
        tracing::warn!("gateway: token request with an unreadable JSON body");
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
    match gateway.tokenize(&request, &ip_key).await {
        Ok(token) => (StatusCode::OK, Json(token)).into_response(),
        Err(TokenFailure::Refused(refused)) => {
            tracing::info!(code = %refused.code, "gateway: card refused at tokenization");
            (StatusCode::PAYMENT_REQUIRED, Json(refused)).into_response()
        }
        Err(TokenFailure::RateLimited) => {
            tracing::warn!(ip = %ip_key, "gateway: token requests over the limit");
            refusal(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many card attempts. Please wait a few minutes and try again.",
            )
        }
        Err(TokenFailure::Internal(cause)) => {
            tracing::error!(%cause, "gateway: tokenization failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "processing_error",
                "We couldn't process this card just now. Please try again in a moment.",
            )
        }
    }
}
