//! Webhooks from the payment processor: trusted for their signature alone, each event handled
//! once (by its id), and acted on by reading the object's current state from the processor, since
//! events arrive late, twice and out of order.

use super::{
    AppState, StoreError,
    cards::{CardNotice, Wallet, notify},
    gateway::events::{EventAction, WebhookError, WebhookEvent},
    payments::resolve,
    store::{AttemptStatus, ChangeContext, SavedCard},
};
use crate::domain::{status::Actor, tokenization::PaymentToken};

/// Where the processor sends its events.
pub const WEBHOOK_PATH: &str = "/webhooks/stripe";

/// What became of a verified event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Acted on (or nothing to do for Porchlight's data).
    Done,
    /// This event id was handled before.
    Duplicate,
}

/// Why a webhook was not handled.
#[derive(Debug, thiserror::Error)]
pub enum WebhookFailure {
    /// Not signed by the processor, or not readable: answered 400, never acted on.
    #[error(transparent)]
    Refused(#[from] WebhookError),
    /// Handling failed (the cause is for the log); answered 500 so the processor sends it again.
    #[error("{0}")]
    Failed(String),
}

fn failed(e: impl std::fmt::Display) -> WebhookFailure {
    WebhookFailure::Failed(e.to_string())
}

/// Checks, records and handles one delivery.
pub async fn receive(
    state: &AppState,
    signature: &str,
    body: &[u8],
) -> Result<Handled, WebhookFailure> {
    let now = state.clock.now();
    let event = state.gateway.parse_webhook(signature, body, now.unix())?;
    let fresh = state
        .store
        .claim_webhook_event(&event.id, &event.kind, now)
        .await
        .map_err(failed)?;
    if !fresh {
        tracing::info!(event = %event.id, kind = %event.kind, "webhook: duplicate delivery");
        return Ok(Handled::Duplicate);
    }
    match act(state, &event).await {
        Ok(()) => {
            state
                .store
                .webhook_event_done(&event.id, state.clock.now())
                .await
                .map_err(failed)?;
            tracing::info!(event = %event.id, kind = %event.kind, "webhook handled");
            Ok(Handled::Done)
        }
        Err(cause) => {
            if let Err(e) = state.store.release_webhook_event(&event.id).await {
                tracing::error!(event = %event.id, error = %e, "webhook: releasing a failed event");
            }
            Err(cause)
        }
    }
}

async fn act(state: &AppState, event: &WebhookEvent) -> Result<(), WebhookFailure> {
    let ctx = ChangeContext {
        actor: Actor::Processor,
        at: state.clock.now(),
        request_id: event.id.chars().take(64).collect(),
    };
    match &event.action {
        EventAction::CardChanged(method) => card_changed(state, method, &ctx).await,
        EventAction::CardDetached(method) => match kept_card(state, method).await? {
            // Still attached at the processor: an event older than the card's state.
            Some(card) if state.gateway.card(method).await.map_err(failed)?.is_none() => {
                remove(state, &card, &ctx).await
            }
            _ => Ok(()),
        },
        EventAction::PaymentSettled(Some(attempt)) => {
            let attempt = state.store.attempt(*attempt).await.map_err(failed)?;
            match attempt {
                Some(attempt) if attempt.status == AttemptStatus::Pending => {
                    resolve(state, attempt, &ctx.request_id)
                        .await
                        .map(drop)
                        .map_err(failed)
                }
                _ => Ok(()),
            }
        }
        EventAction::ChargeChanged(charge) => sync_charge(state, charge, &ctx).await,
        EventAction::PaymentSettled(None) | EventAction::Ignored => Ok(()),
    }
}

/// A refund or dispute at the processor: the payment takes the charge's current refunds (the
/// invoice's balance goes up by what is new) and its dispute flag.
async fn sync_charge(
    state: &AppState,
    charge: &str,
    ctx: &ChangeContext,
) -> Result<(), WebhookFailure> {
    let record = match state.gateway.charge_record(charge).await {
        Ok(record) => record,
        Err(super::gateway::GatewayError::InvalidToken) => {
            tracing::info!(%charge, "webhook: a charge the processor does not know");
            return Ok(());
        }
        Err(e) => return Err(failed(e)),
    };
    let synced = state
        .store
        .sync_charge(charge, record.refunded, record.disputed, ctx.at)
        .await
        .map_err(failed)?;
    match synced {
        Some(sync) => {
            if sync.refund_added > crate::domain::Cents::ZERO {
                tracing::info!(payment = %sync.payment_id, invoice = %sync.invoice_id, refunded = %sync.refund_added, "payment refunded at the processor");
            }
            if sync.newly_disputed {
                tracing::warn!(payment = %sync.payment_id, invoice = %sync.invoice_id, "payment disputed by the cardholder");
            }
        }
        None => tracing::info!(%charge, "webhook: a charge that paid no Porchlight invoice"),
    }
    Ok(())
}

/// The card Porchlight keeps under this processor reference, if any.
async fn kept_card(
    state: &AppState,
    method: &PaymentToken,
) -> Result<Option<SavedCard>, WebhookFailure> {
    match state.store.card_by_token(method).await {
        Ok(card) => Ok(Some(card)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(failed(e)),
    }
}

/// Takes the card's current expiry and last 4 from the processor (or removes it, if detached).
async fn card_changed(
    state: &AppState,
    method: &PaymentToken,
    ctx: &ChangeContext,
) -> Result<(), WebhookFailure> {
    let Some(card) = kept_card(state, method).await? else {
        return Ok(());
    };
    let Some(now) = state.gateway.card(method).await.map_err(failed)? else {
        return remove(state, &card, ctx).await;
    };
    let updated = state
        .store
        .update_card_from_network(&card, now.expiry, &now.last4, ctx)
        .await
        .map_err(failed)?;
    if let Some(updated) = updated {
        tracing::info!(card = %updated.id, "card updated by the card network");
        notify(
            state,
            updated.customer_id,
            CardNotice::UpdatedByNetwork,
            &updated,
            ctx,
        )
        .await;
    }
    Ok(())
}

/// Removes a card the processor no longer holds, as a deletion by the processor.
async fn remove(
    state: &AppState,
    card: &SavedCard,
    ctx: &ChangeContext,
) -> Result<(), WebhookFailure> {
    let wallet = Wallet {
        state,
        customer: card.customer_id,
        ctx,
    };
    match wallet.delete(card.id).await {
        Ok(message) => {
            tracing::info!(card = %card.id, %message, "card removed at the processor");
            Ok(())
        }
        // Deleted in Porchlight meanwhile.
        Err(crate::error::AppError::NotFound) => Ok(()),
        Err(e) => Err(failed(e)),
    }
}
