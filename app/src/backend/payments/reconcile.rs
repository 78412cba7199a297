//! Settling attempts: asking the gateway about a pending attempt and recording its answer, the
//! background round that finishes attempts left pending, and the receipt email.

use crate::backend::{
    AppState,
    gateway::{ChargeOutcome, ChargeRequest, GatewayError},
    mail::{business_sender, templates},
    processor::processor_customer,
    store::{AttemptResult, AttemptStatus, PaymentAttempt, Reservation},
};
use crate::domain::tokenization::ClientSecret;
use crate::error::{AppError, Context as _};

/// An attempt as the processor left it, with the client secret while the card's bank waits for
/// the cardholder (3-D Secure).
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The attempt (still pending while the bank waits).
    pub attempt: PaymentAttempt,
    /// For the browser's bank check, when one is needed.
    pub authenticate: Option<ClientSecret>,
}

/// Asks the gateway and records its answer, unless already recorded: by the processor's charge
/// id once one is known (a replayed key answers as the charge first was, not as it is, and the
/// processor forgets keys after a day), otherwise by finding the attempt's charge at the processor
/// first, and only if it has none by charging under the attempt's key. Never a second charge for
/// one attempt.
pub async fn resolve(
    state: &AppState,
    attempt: PaymentAttempt,
    request_id: &str,
) -> Result<Resolved, AppError> {
    settle(state, attempt, request_id, true).await
}

/// [`resolve`] for an attempt just reserved: a fresh one was never sent, so it is charged
/// without looking for an earlier charge first.
pub async fn resolve_reserved(
    state: &AppState,
    reserved: Reservation,
    request_id: &str,
) -> Result<Resolved, AppError> {
    settle(state, reserved.attempt, request_id, !reserved.fresh).await
}

async fn settle(
    state: &AppState,
    attempt: PaymentAttempt,
    request_id: &str,
    maybe_sent: bool,
) -> Result<Resolved, AppError> {
    if attempt.status != AttemptStatus::Pending {
        return Ok(Resolved {
            attempt,
            authenticate: None,
        });
    }
    let answer = match &attempt.processor_charge {
        Some(charge) => state.gateway.charge_status(charge).await,
        None => {
            let customer = processor_customer(state, attempt.customer_id).await?;
            let install = state
                .store
                .install_id()
                .await
                .context("reading the install id")?;
            let request = ChargeRequest {
                customer: &customer,
                method: &attempt.token,
                amount: attempt.amount,
                idempotency_key: &attempt.key,
                attempt: attempt.id,
                install: &install,
            };
            // Sent before (a retry, a lost answer, a crash, a webhook): what the processor made
            // then is the charge, whether or not it still knows the key.
            let earlier = if maybe_sent {
                state.gateway.find_charge(&request).await
            } else {
                Ok(None)
            };
            match earlier {
                Ok(Some(found)) => {
                    tracing::info!(attempt = attempt.id, outcome = ?found, "found the attempt's charge at the processor");
                    Ok(found)
                }
                Ok(None) => state.gateway.charge(&request).await,
                // Not knowing whether a charge exists settles nothing: the attempt stays pending.
                Err(e) => Err(GatewayError::Unavailable(format!(
                    "looking for the attempt's charge: {e}"
                ))),
            }
        }
    };
    let result = match answer {
        Ok(ChargeOutcome::Approved { reference }) => AttemptResult::Approved(reference),
        Ok(ChargeOutcome::Declined(d)) => AttemptResult::Declined(d.code().to_owned()),
        // No money moves until the cardholder passes their bank's check in the browser.
        Ok(ChargeOutcome::RequiresAction {
            charge,
            client_secret,
        }) => {
            let attempt = keep_charge(state, attempt, charge, "waits for 3-D Secure").await?;
            return Ok(Resolved {
                attempt,
                authenticate: Some(ClientSecret::new(client_secret)),
            });
        }
        // Not settled at the processor yet: read by its id from now on, never charged again.
        Ok(ChargeOutcome::Pending { charge }) => {
            let attempt = keep_charge(state, attempt, charge, "is processing").await?;
            return Ok(Resolved {
                attempt,
                authenticate: None,
            });
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
    Ok(Resolved {
        attempt: finished,
        authenticate: None,
    })
}

/// Keeps the processor's id of a pending attempt's charge (the first answer's), so its outcome is
/// read by that id from then on.
async fn keep_charge(
    state: &AppState,
    mut attempt: PaymentAttempt,
    charge: String,
    why: &str,
) -> Result<PaymentAttempt, AppError> {
    if attempt.processor_charge.is_none() {
        state
            .store
            .keep_processor_charge(attempt.id, &charge, state.clock.now())
            .await
            .context("recording a charge the processor has not settled")?;
        tracing::info!(attempt = attempt.id, %charge, "charge {why}");
        attempt.processor_charge = Some(charge);
    }
    Ok(attempt)
}

/// How long a payment may wait for the cardholder's bank check before it is given up (the
/// invoice's amount is held meanwhile).
pub const AUTHENTICATION_WINDOW_SECS: i64 = 15 * 60;

/// Gives up a payment the cardholder left at their bank's check: the processor's charge is
/// canceled first (so it can never move money), then the attempt is recorded as declined.
async fn give_up(state: &AppState, attempt: PaymentAttempt) -> Result<PaymentAttempt, AppError> {
    if let Some(charge) = &attempt.processor_charge {
        state
            .gateway
            .cancel_charge(charge)
            .await
            .map_err(|e| AppError::internal("canceling an unconfirmed charge", e))?;
    }
    // Recorded as the processor now has it (confirmed just before the cancel, or canceled).
    match resolve(state, attempt, "reconcile").await? {
        Resolved {
            attempt,
            authenticate: None,
        } => Ok(attempt),
        Resolved { attempt, .. } => Err(AppError::internal(
            "giving up an unconfirmed charge",
            format!(
                "attempt {} still waits after its charge was canceled",
                attempt.id
            ),
        )),
    }
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
    let abandoned_before = state.clock.now().plus_seconds(-AUTHENTICATION_WINDOW_SECS);
    for attempt in pending {
        let id = attempt.id;
        let created = attempt.created_at;
        let done = match resolve(state, attempt, "reconcile").await {
            // Left at the bank's check for too long: given up, so the invoice is free again.
            Ok(Resolved {
                attempt,
                authenticate: Some(_),
            }) if created < abandoned_before => give_up(state, attempt).await,
            Ok(resolved) => Ok(resolved.attempt),
            Err(e) => Err(e),
        };
        match done {
            Ok(done) => {
                tracing::info!(attempt = id, status = ?done.status, "pending payment reconciled");
                // A card used once (not saved) is not kept after its payment is settled.
                super::release_one_off_card(state, &done).await;
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
