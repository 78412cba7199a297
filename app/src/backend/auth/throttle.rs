//! Limits on guessing: per account (in the database) and per peer address.

use crate::{
    backend::{AppState, request::RequestMeta},
    domain::Timestamp,
    error::AppError,
};

/// Failed sign-ins per account within [`SHORT_WINDOW_SECS`] before further attempts wait.
pub const SHORT_LIMIT: i64 = 10;
/// The short window: 15 minutes. Attempts resume by themselves when it has passed.
pub const SHORT_WINDOW_SECS: i64 = 15 * 60;
/// Failed sign-ins per account within an hour, at most.
pub const HOUR_LIMIT: i64 = 100;
/// Sign-in attempts per peer address within the short window.
pub const IP_LOGIN_LIMIT: i64 = 100;
/// Invitation / reset requests per peer address per hour.
pub const IP_REQUEST_LIMIT: i64 = 30;

/// The counter for one account's failed sign-ins (keyed on the email as typed, normalized).
pub fn account_bucket(kind: &str, email: &str) -> String {
    format!("login-failure:{kind}:{email}")
}

/// Refuses when the account has failed too often recently; the same for known and unknown emails.
pub async fn check_account(state: &AppState, bucket: &str, now: Timestamp) -> Result<(), AppError> {
    let store = &state.store;
    let recent = store
        .count_events(bucket, now.plus_seconds(-SHORT_WINDOW_SECS))
        .await
        .map_err(|e| AppError::internal("counting sign-in failures", e))?;
    let hour = store
        .count_events(bucket, now.plus_seconds(-3600))
        .await
        .map_err(|e| AppError::internal("counting sign-in failures", e))?;
    if recent >= SHORT_LIMIT || hour >= HOUR_LIMIT {
        tracing::warn!(bucket, recent, hour, "sign-in throttled");
        return Err(AppError::TooManyRequests);
    }
    Ok(())
}

/// Counts one request from the peer address against `limit` per `window_secs`.
pub async fn check_ip(
    state: &AppState,
    req: &RequestMeta,
    action: &str,
    limit: i64,
    window_secs: i64,
    now: Timestamp,
) -> Result<(), AppError> {
    let bucket = format!("ip:{action}:{}", req.ip_key());
    let count = state
        .store
        .count_events(&bucket, now.plus_seconds(-window_secs))
        .await
        .map_err(|e| AppError::internal("counting requests per address", e))?;
    if count >= limit {
        tracing::warn!(bucket, count, "address throttled");
        return Err(AppError::TooManyRequests);
    }
    state
        .store
        .record_event(&bucket, now)
        .await
        .map_err(|e| AppError::internal("recording a request", e))
}
