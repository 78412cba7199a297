//! The sandbox gateway's HTTP face: its Stripe.js-shaped script and card frame
//! (`/gateway/js/v3/…`), and `POST /gateway/v1/setup_intents/{id}/confirm`, which that frame
//! calls with the card.

use super::sandbox::{Authentication, AuthenticationFailure, SandboxGateway, TokenFailure};
use crate::{
    backend::request::{ClientIp, RequestMeta},
    domain::tokenization::{SetupConfirmation, TokenRefusal},
};
use axum::{
    Extension, Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};

pub use crate::domain::tokenization::{CONFIRM_SETUP_PATH, SANDBOX_SCRIPT_PATH, confirm_setup_url};

/// The sandbox's card frame page; only Porchlight's own pages may frame it.
pub const FRAME_PATH: &str = "/gateway/js/v3/elements/payment";

/// The sandbox bank's 3-D Secure page (framed like the card frame).
pub const CHALLENGE_PATH: &str = "/gateway/js/v3/challenge";

/// Where the bank page sends the cardholder's answer (`{id}`: the charge's id).
pub const AUTHENTICATE_PATH: &str = "/gateway/v1/payment_intents/{id}/authenticate";

/// The frame's policy: its own files only, framed by this origin only.
const FRAME_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; \
     form-action 'none'";

/// The sandbox's routes, to merge into the application router.
pub fn routes<S: Clone + Send + Sync + 'static>(gateway: SandboxGateway) -> Router<S> {
    Router::new()
        .route(CONFIRM_SETUP_PATH, post(confirm))
        .route(AUTHENTICATE_PATH, post(authenticate))
        .route(CHALLENGE_PATH, get(|| file(Browser::Challenge)))
        .route(
            "/gateway/js/v3/challenge.js",
            get(|| file(Browser::ChallengeScript)),
        )
        .route(SANDBOX_SCRIPT_PATH, get(|| file(Browser::Script)))
        .route(FRAME_PATH, get(|| file(Browser::Frame)))
        .route(
            "/gateway/js/v3/elements/payment.js",
            get(|| file(Browser::FrameScript)),
        )
        .route(
            "/gateway/js/v3/elements/payment.css",
            get(|| file(Browser::FrameStyle)),
        )
        .with_state(gateway)
}

/// The sandbox's browser files.
#[derive(Debug, Clone, Copy)]
enum Browser {
    Script,
    Frame,
    FrameScript,
    FrameStyle,
    Challenge,
    ChallengeScript,
}

async fn file(which: Browser) -> Response {
    const JS: &str = "text/javascript; charset=utf-8";
    let (content_type, body) = match which {
        Browser::Script => (JS, include_str!("sandbox/browser/stripe.js")),
        Browser::Frame => (
            "text/html; charset=utf-8",
            include_str!("sandbox/browser/payment.html"),
        ),
        Browser::FrameScript => (JS, include_str!("sandbox/browser/payment.js")),
        Browser::FrameStyle => (
            "text/css; charset=utf-8",
            include_str!("sandbox/browser/payment.css"),
        ),
        Browser::Challenge => (
            "text/html; charset=utf-8",
            include_str!("sandbox/browser/challenge.html"),
        ),
        Browser::ChallengeScript => (JS, include_str!("sandbox/browser/challenge.js")),
    };
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if matches!(which, Browser::Frame | Browser::Challenge) {
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FRAME_POLICY),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    }
    response
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

/// The bank page's answer: the charge's client secret and "complete" or "fail".
#[derive(Debug, serde::Deserialize)]
struct AuthenticationAnswer {
    client_secret: String,
    result: Authentication,
}

async fn authenticate(
    State(gateway): State<SandboxGateway>,
    Path(charge): Path<String>,
    body: Result<Json<AuthenticationAnswer>, JsonRejection>,
) -> Response {
    let Ok(Json(answer)) = body else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The answer could not be read. Please reload the page and try again.",
        );
    };
    match gateway
        .authenticate(&charge, &answer.client_secret, answer.result)
        .await
    {
        Ok(status) => {
            tracing::info!(%charge, status, "gateway: 3-D Secure answered");
            (
                StatusCode::OK,
                Json(serde_json::json!({ "id": charge, "status": status })),
            )
                .into_response()
        }
        Err(AuthenticationFailure::UnknownCharge) => {
            tracing::info!("gateway: 3-D Secure answer for an unknown or settled charge");
            refusal(
                StatusCode::BAD_REQUEST,
                "payment_intent_unexpected_state",
                "This payment can no longer be confirmed. Please start the payment again.",
            )
        }
        Err(AuthenticationFailure::Internal(cause)) => {
            tracing::error!(%cause, "gateway: recording a 3-D Secure answer failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "processing_error",
                "We couldn't record your answer just now. Please try again in a moment.",
            )
        }
    }
}
