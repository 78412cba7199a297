//! Acting on one recorded event: reading the object it names from the processor as it is now,
//! and bringing Porchlight's data in line (cards, payments, refunds, disputes).

use super::super::{
    AppState, StoreError,
    cards::{CardNotice, OWN_EDIT_SECS, Wallet, notify},
    gateway::{GatewayError, events::EventAction},
    payments::resolve,
    store::{AttemptStatus, ChangeContext, ClaimedEvent, ProcessorSync, SavedCard},
};
use crate::domain::{status::Actor, tokenization::PaymentToken};

/// Why an event was not handled this time (it is tried again later).
#[derive(Debug)]
pub(super) enum Failure {
    /// Something failed (the cause is for the log).
    Failed(String),
    /// Not yet: the state it is about is still being written (the reason is for the log).
    Later(&'static str),
}

fn failed(e: impl std::fmt::Display) -> Failure {
    Failure::Failed(e.to_string())
}

/// Acts on one event.
pub(super) async fn act(state: &AppState, event: &ClaimedEvent) -> Result<(), Failure> {
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
        EventAction::Unusable(why) => {
            tracing::warn!(event = %event.id, kind = %event.kind, %why, "webhook: acknowledged, nothing Porchlight can act on");
            Ok(())
        }
        EventAction::PaymentSettled(None) | EventAction::Ignored => Ok(()),
    }
}

/// A refund or dispute at the processor: the payment takes the charge's current refunds (the
/// invoice's balance goes up by what is new) and its dispute flag.
async fn sync_charge(state: &AppState, charge: &str, ctx: &ChangeContext) -> Result<(), Failure> {
    let record = match state.gateway.charge_record(charge).await {
        Ok(record) => record,
        Err(GatewayError::InvalidToken) => {
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
async fn kept_card(state: &AppState, method: &PaymentToken) -> Result<Option<SavedCard>, Failure> {
    match state.store.card_by_token(method).await {
        Ok(card) => Ok(Some(card)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(failed(e)),
    }
}

/// Takes the card as the processor has it now (or removes it, if detached). Porchlight's own
/// edit echoed back is no change; one not stored yet is looked at again later.
async fn card_changed(
    state: &AppState,
    method: &PaymentToken,
    ctx: &ChangeContext,
) -> Result<(), Failure> {
    let Some(card) = kept_card(state, method).await? else {
        return Ok(());
    };
    let Some(now) = state.gateway.card(method).await.map_err(failed)? else {
        return remove(state, &card, ctx).await;
    };
    let edits_since = ctx.at.plus_seconds(-OWN_EDIT_SECS);
    let synced = state
        .store
        .update_card_from_processor(&card, &now, ctx, edits_since)
        .await
        .map_err(failed)?;
    match synced {
        ProcessorSync::Unchanged => Ok(()),
        ProcessorSync::OwnEditInProgress => Err(Failure::Later(
            "the processor has Porchlight's own edit of this card, not stored yet",
        )),
        ProcessorSync::Updated(updated) => {
            tracing::info!(card = %updated.id, "card updated by the card network");
            notify(
                state,
                updated.customer_id,
                CardNotice::UpdatedByNetwork,
                &updated,
                ctx,
            )
            .await;
            Ok(())
        }
    }
}

/// Removes a card the processor no longer holds, as a deletion by the processor.
async fn remove(state: &AppState, card: &SavedCard, ctx: &ChangeContext) -> Result<(), Failure> {
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
