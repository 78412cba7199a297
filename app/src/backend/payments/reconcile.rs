//! Settling attempts: asking the gateway about a pending attempt and recording its answer, the
//! background round that finishes attempts left pending, and the receipt email.

use crate::backend::{
    AppState,
    gateway::{ChargeOutcome, ChargeRequest, Decline, GatewayError},
    mail::{business_sender, templates},
    processor::processor_customer,
    store::{AttemptResult, AttemptStatus, PaymentAttempt},
};
use crate::error::{AppError, Context as _};

/// Asks the gateway (with the attempt's key) and records its answer, unless already recorded.
pub async fn resolve(
    state: &AppState,
    attempt: PaymentAttempt,
    request_id: &str,
) -> Result<PaymentAttempt, AppError> {
    if attempt.status != AttemptStatus::Pending {
        return Ok(attempt);
    }
    let customer = processor_customer(state, attempt.customer_id).await?;
    let request = ChargeRequest {
        customer: &customer,
        method: &attempt.token,
        amount: attempt.amount,
        idempotency_key: &attempt.key,
        attempt: attempt.id,
    };
    let result = match state.gateway.charge(&request).await {
        Ok(ChargeOutcome::Approved { reference }) => AttemptResult::Approved(reference),
        Ok(ChargeOutcome::Declined(d)) => AttemptResult::Declined(d.code().to_owned()),
        // Authenticating on the pay page is not built yet: the charge cannot complete, so it is
        // refused with the bank's reason and no money moves.
        Ok(ChargeOutcome::RequiresAction { charge, .. }) => {
            tracing::warn!(attempt = attempt.id, %charge, "charge needs 3-D Secure; refused");
            AttemptResult::Declined(Decline::AuthenticationFailed.code().to_owned())
        }
        Err(GatewayError::InvalidToken) => AttemptResult::Failed("card_unusable".into()),
        Err(GatewayError::Declined(d)) => AttemptResult::Declined(d.code().to_owned()),
        Err(e @ GatewayError::KeyReuse) => return Err(AppError::internal("charging a card", e)),
        Err(GatewayError::Unavailable(cause)) => {
            tracing::error!(%cause, attempt = attempt.id, "payment gateway unavailable; attempt left pending");
            return Err(AppError::Unavailable(
                "We couldn't reach the payment processor. Please try again in a moment; you won't be charged twice.".into(),
            ));
        }
    };
    let finished = state
        .store
        .finish_attempt(&attempt, &result, state.clock.now(), request_id)
        .await
        .context("recording a payment")?;
    let newly_paid =
        matches!(result, AttemptResult::Approved(_)) && finished.status == AttemptStatus::Approved;
    if newly_paid {
        tracing::info!(attempt = finished.id, invoice = %finished.invoice_id, "payment approved");
        send_receipt(state, &finished).await;
    }
    Ok(finished)
}

/// How old a pending attempt must be before the background task asks the gateway about it (the
/// customer's own request normally finishes it within seconds).
pub const PENDING_GRACE_SECS: i64 = 120;

/// How often the background task looks for stale pending attempts.
pub const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Finishes attempts left pending for longer than `grace_secs` (a crash, a gateway that did not
/// answer) by asking the gateway with their own keys, and releases the one-off card tokens of
/// the finished ones; failures are logged and retried on the next round.
pub async fn reconcile_pending(state: &AppState, grace_secs: i64) {
    let before = state.clock.now().plus_seconds(-grace_secs);
    let pending = match state.store.pending_attempts(before).await {
        Ok(list) => list,
        Err(e) => {
            tracing::error!(error = %e, "reading pending payment attempts");
            return;
        }
    };
    for attempt in pending {
        let id = attempt.id;
        match resolve(state, attempt, "reconcile").await {
            Ok(done) => {
                tracing::info!(attempt = id, status = ?done.status, "pending payment reconciled");
                // A card used once (not saved) is not kept after its payment is settled.
                if done.payment_method_id.is_none()
                    && done.status != AttemptStatus::Pending
                    && let Err(e) = state.gateway.detach(&done.token).await
                {
                    tracing::warn!(attempt = id, error = %e, "could not release a one-off card token");
                }
            }
            Err(e) => tracing::warn!(attempt = id, error = %e, "pending payment still unresolved"),
        }
    }
}

async fn send_receipt(state: &AppState, attempt: &PaymentAttempt) {
    let (Ok(customer), Ok(sender)) = (
        state.store.customer(attempt.customer_id).await,
        business_sender(state).await,
    ) else {
        tracing::error!(
            attempt = attempt.id,
            "receipt email: reading the customer or settings failed"
        );
        return;
    };
    let number = state
        .store
        .invoice_for_customer(attempt.customer_id, attempt.invoice_id)
        .await
        .ok()
        .map(|i| i.number)
        .unwrap_or_default();
    let mail = templates::receipt(
        &customer.email,
        &customer.name,
        &sender.name,
        &number,
        &attempt.amount.to_string(),
        &attempt.card.to_string(),
        &state.clock.now().date_time(),
        &attempt.reference,
    );
    state.mailer.send_in_background(sender, mail);
}
