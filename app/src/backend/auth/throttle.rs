//! Limits on guessing: per account (in the database) and per peer address.

use crate::error::Context as _;
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
/// Card changes (add, set as primary, edit, delete) per customer within [`SHORT_WINDOW_SECS`].
pub const CARD_CHANGE_LIMIT: i64 = 60;
/// Payment attempts per customer within [`SHORT_WINDOW_SECS`] (declines in a loop, card testing).
pub const PAYMENT_LIMIT: i64 = 10;

/// The counters for one account's failed sign-ins: account-wide, and from this address only.
#[derive(Debug, Clone)]
pub struct FailureBuckets {
    /// Every failure for the account (the hourly cap).
    pub account: String,
    /// Failures for the account from this peer address (the 15-minute backoff), so someone
    /// guessing from elsewhere cannot keep the owner waiting.
    pub from_address: String,
}

/// The failure counters for an account (keyed on the normalized email, known or not).
pub fn failure_buckets(kind: &str, email: &str, req: &RequestMeta) -> FailureBuckets {
    FailureBuckets {
        account: format!("login-failure:{kind}:{email}"),
        from_address: format!("login-failure:{kind}:{email}:{}", req.ip_key()),
    }
}

/// Counts this attempt as a failure before the password is checked, or refuses it; the same for
/// known and unknown emails. Counting and checking are one step, so of any burst of parallel
/// guesses exactly the limit are checked. A success clears the count ([`clear_failures`]).
///
/// An attempt is checked while this address has failed fewer than [`SHORT_LIMIT`] times for the
/// account in [`SHORT_WINDOW_SECS`] and the account fewer than [`HOUR_LIMIT`] times in the hour.
/// Past the hourly cap, an address with no failure for the account in the hour still gets one
/// check (so guessing from elsewhere cannot lock the owner out); an address that failed stays
/// refused until the hour has passed.
pub async fn count_failure(
    state: &AppState,
    buckets: &FailureBuckets,
    now: Timestamp,
) -> Result<(), AppError> {
    let hour_ago = now.plus_seconds(-3600);
    let admitted = state
        .store
        .admit_event(
            &[
                (
                    &buckets.from_address,
                    now.plus_seconds(-SHORT_WINDOW_SECS),
                    SHORT_LIMIT,
                ),
                (&buckets.account, hour_ago, HOUR_LIMIT),
            ],
            now,
        )
        .await
        .context("counting sign-in failures")?;
    if admitted {
        return Ok(());
    }
    // Refused by one of the two: a clean address (no failure here in the hour) gets one check,
    // counted on the address alone, atomically, so parallel attempts from it get one between them.
    let clean_address = state
        .store
        .admit_event(&[(&buckets.from_address, hour_ago, 1)], now)
        .await
        .context("counting sign-in failures")?;
    if clean_address {
        tracing::info!("account over its hourly cap; one check from an address with no failures");
        return Ok(());
    }
    tracing::warn!("sign-in throttled");
    Err(AppError::TooManyRequests)
}

/// Counts one use of `bucket` if it has had fewer than `limit` in the last `window_secs`;
/// `false` (and nothing counted) otherwise. Exact under concurrency.
pub async fn admit(
    state: &AppState,
    bucket: &str,
    limit: i64,
    window_secs: i64,
    now: Timestamp,
) -> Result<bool, AppError> {
    state
        .store
        .admit_event(&[(bucket, now.plus_seconds(-window_secs), limit)], now)
        .await
        .context("counting uses")
}

/// Counts one `action` by a signed-in customer; refuses it past `limit` in the short window.
pub async fn per_customer(
    state: &AppState,
    action: &str,
    customer: crate::domain::CustomerId,
    limit: i64,
) -> Result<(), AppError> {
    let bucket = format!("customer:{action}:{customer}");
    if admit(state, &bucket, limit, SHORT_WINDOW_SECS, state.clock.now()).await? {
        Ok(())
    } else {
        tracing::warn!(%customer, action, "customer over the limit");
        Err(AppError::TooManyRequests)
    }
}

/// Forgets an account's failures (after a successful sign-in or a reset).
pub async fn clear_failures(state: &AppState, kind: &str, email: &str) -> Result<(), AppError> {
    state
        .store
        .clear_events_with_prefix(&format!("login-failure:{kind}:{email}"))
        .await
        .context("clearing failures")
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
    // Record first, then count: concurrent requests all see each other.
    state
        .store
        .record_event(&bucket, now)
        .await
        .context("recording a request")?;
    let count = state
        .store
        .count_events(&bucket, now.plus_seconds(-window_secs))
        .await
        .context("counting requests per address")?;
    if count > limit {
        tracing::warn!(bucket, count, "address throttled");
        return Err(AppError::TooManyRequests);
    }
    Ok(())
}
