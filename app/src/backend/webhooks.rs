//! Webhooks from the payment processor: trusted for their signature alone, recorded once (by the
//! event's id) and acknowledged at once, then handled from the database by a background pass
//! that retries until done. Handling reads the object's current state from the processor, since
//! events arrive late, twice and out of order.
//!
//! Several servers may pass at once on one database: each event is claimed before it is handled,
//! so only one server handles it at a time; a claim older than [`CLAIM_LEASE_SECS`] (its server
//! stopped) is taken again. Handling is cut off after [`HANDLING_LIMIT`], well inside the lease.

mod act;

use super::{AppState, StoreError, gateway::events::WebhookError, store::ClaimedEvent};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

/// Where the processor sends its events.
pub const WEBHOOK_PATH: &str = "/webhooks/stripe";

/// How often a server looks for events to handle (and sooner when one arrives).
pub const WEBHOOKS_EVERY: Duration = Duration::from_secs(10);
/// A claim older than this is taken to be abandoned (its server stopped) and is taken again.
pub const CLAIM_LEASE_SECS: i64 = 15 * 60;
/// The longest one event's handling may take before it is given up and retried.
pub const HANDLING_LIMIT: Duration = Duration::from_secs(5 * 60);
/// The wait before the first retry of an event whose handling failed (doubled each time).
pub const RETRY_FIRST_SECS: i64 = 30;
/// The longest wait between two tries of one event.
pub const RETRY_MAX_SECS: i64 = 60 * 60;
/// Events claimed in one pass, at most.
const BATCH: usize = 100;

/// What became of a verified delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Recorded; a pass will handle it.
    Recorded,
    /// This event id was recorded before.
    Duplicate,
}

/// Why a delivery was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum WebhookFailure {
    /// Not signed by the processor, or not an event at all: answered 400, never recorded.
    #[error(transparent)]
    Refused(#[from] WebhookError),
    /// Recording failed (the cause is for the log); answered 500 so the processor sends it again.
    #[error("{0}")]
    Failed(String),
}

/// What one pass over the recorded events did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Events handled (acted on, or nothing to do).
    pub handled: usize,
    /// Events whose handling failed or must wait, given back for a later pass.
    pub retrying: usize,
}

/// Wakes a server's webhook task when an event was recorded, so it is handled at once.
#[derive(Debug, Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    /// Asks for a pass now (remembered if the task is busy).
    pub fn notify(&self) {
        self.0.notify_one();
    }
}

/// Checks and records one delivery; handling happens in [`handle_pending`].
pub async fn receive(
    state: &AppState,
    signature: &str,
    body: &[u8],
) -> Result<Received, WebhookFailure> {
    let now = state.clock.now();
    let event = state.gateway.parse_webhook(signature, body, now.unix())?;
    let fresh = state
        .store
        .record_webhook_event(&event, now)
        .await
        .map_err(|e| WebhookFailure::Failed(e.to_string()))?;
    if fresh {
        tracing::info!(event = %event.id, kind = %event.kind, "webhook recorded");
        Ok(Received::Recorded)
    } else {
        tracing::info!(event = %event.id, kind = %event.kind, "webhook: duplicate delivery");
        Ok(Received::Duplicate)
    }
}

/// The wait before the next try of an event claimed `attempts` times.
pub fn retry_after(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    RETRY_FIRST_SECS
        .saturating_mul(1_i64 << doublings)
        .min(RETRY_MAX_SECS)
}

/// One pass: claims each recorded event that is due and nobody holds, handles it, and marks it
/// done or gives it back for a later try.
pub async fn handle_pending(state: &AppState) -> Result<Pass, StoreError> {
    let mut pass = Pass::default();
    for _ in 0..BATCH {
        let now = state.clock.now();
        let Some(event) = state
            .store
            .claim_webhook_event(now, now.plus_seconds(-CLAIM_LEASE_SECS))
            .await?
        else {
            break;
        };
        if handle(state, &event).await? {
            pass.handled += 1;
        } else {
            pass.retrying += 1;
        }
    }
    Ok(pass)
}

/// Handles one claimed event: `true` when done, `false` when given back.
async fn handle(state: &AppState, event: &ClaimedEvent) -> Result<bool, StoreError> {
    let outcome = tokio::time::timeout(HANDLING_LIMIT, act::act(state, event))
        .await
        .unwrap_or_else(|_| Err(act::Failure::Failed("handling took too long".into())));
    let now = state.clock.now();
    match outcome {
        Ok(()) => {
            if !state.store.finish_webhook_event(event, now).await? {
                tracing::warn!(event = %event.id, "webhook: handled after its claim ran out");
            }
            tracing::info!(event = %event.id, kind = %event.kind, "webhook handled");
            Ok(true)
        }
        Err(failure) => {
            let wait = retry_after(event.attempts);
            match &failure {
                act::Failure::Later(why) => {
                    tracing::info!(event = %event.id, kind = %event.kind, %why, wait, "webhook: handled later");
                }
                act::Failure::Failed(cause) => {
                    tracing::warn!(event = %event.id, kind = %event.kind, attempts = event.attempts, %cause, wait, "webhook handling failed; retrying later");
                }
            }
            state
                .store
                .retry_webhook_event(event, now.plus_seconds(wait))
                .await?;
            Ok(false)
        }
    }
}

/// Runs [`handle_pending`] every [`WEBHOOKS_EVERY`], and at once when `wake` is notified.
pub async fn run_forever(state: AppState, wake: Wake) {
    loop {
        let busy = match handle_pending(&state).await {
            Ok(pass) => pass.handled + pass.retrying >= BATCH,
            Err(e) => {
                tracing::warn!(error = %e, "webhooks: reading recorded events failed; will retry");
                false
            }
        };
        if !busy {
            tokio::select! {
                () = tokio::time::sleep(WEBHOOKS_EVERY) => {},
                () = wake.0.notified() => {},
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        assert_eq!(
            [1, 2, 3, 4].map(retry_after),
            [30, 60, 120, 240],
            "doubling from {RETRY_FIRST_SECS} s"
        );
        assert_eq!(retry_after(8), RETRY_MAX_SECS);
        assert_eq!(retry_after(1_000), RETRY_MAX_SECS);
    }
}
