//! Paying an invoice with a saved card, exactly once per idempotency key: the attempt is stored
//! before the gateway is called (no transaction open across the call), a retry or a concurrent
//! duplicate asks the gateway again with the same key (which never charges twice), and an
//! attempt left pending by a crash is finished the same way.

mod reconcile;

pub use reconcile::{
    AUTHENTICATION_WINDOW_SECS, PENDING_GRACE_SECS, RECONCILE_EVERY, Resolved, reconcile_pending,
    resolve, resolve_reserved,
};

use super::{
    AppState,
    gateway::{Decline, SavedMethod},
    store::{AttemptDetails, AttemptStatus, PaymentAttempt, ReserveError},
};
use crate::error::{Context as _, FoundContext as _};
use crate::{
    domain::{Cents, CustomerId, InvoiceId, PaymentId, PaymentMethodId},
    error::AppError,
};

/// The smallest online payment.
pub const MINIMUM: Cents = Cents::new(1_00);

/// What an approved payment tells the payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    /// The recorded payment.
    pub payment_id: PaymentId,
    /// A sentence for the page.
    pub message: String,
}

/// Where a payment stands for the payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayOutcome {
    /// Approved and recorded.
    Paid(Paid),
    /// The card's bank asks the cardholder to confirm in the browser first (3-D Secure); then
    /// [`finish`] with the same key.
    Authenticate {
        /// The charge's client secret, for the processor's script (never logged).
        client_secret: crate::domain::tokenization::ClientSecret,
        /// The attempt's idempotency key.
        key: String,
    },
}

/// Checks an idempotency key from the pay page: 16–100 letters, digits, `-` or `_`.
fn parse_key(input: &str) -> Result<String, AppError> {
    let key = input.trim();
    if (16..=100).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(key.to_owned())
    } else {
        Err(AppError::BadRequest)
    }
}

fn parse_amount(input: &str) -> Result<Cents, AppError> {
    let amount = Cents::parse(input).map_err(|e| AppError::invalid("amount", e.to_string()))?;
    if amount < MINIMUM {
        return Err(AppError::invalid(
            "amount",
            format!("The amount must be at least {MINIMUM}."),
        ));
    }
    Ok(amount)
}

fn reserve_error(e: ReserveError) -> AppError {
    match e {
        ReserveError::NotFound => AppError::NotFound,
        ReserveError::Void => {
            AppError::Conflict("This invoice was voided; there is nothing to pay.".into())
        }
        ReserveError::AlreadyPaid => AppError::Conflict(
            "This invoice is already paid (or a payment for it is in progress).".into(),
        ),
        ReserveError::ExceedsBalance(open) => AppError::invalid(
            "amount",
            format!("The amount can't be more than the balance of {open}."),
        ),
        ReserveError::KeyMismatch => AppError::Conflict(
            "This payment form was already used for a different payment. Please reload the page."
                .into(),
        ),
        ReserveError::Store(e) => AppError::internal("reserving a payment", e),
    }
}

/// Where a payment's money comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentSource {
    /// A card on file.
    Saved(PaymentMethodId),
    /// A card typed on the pay page and saved by a processor setup the browser confirmed; with
    /// the holder's consent it is kept on file.
    NewCard {
        /// The confirmed setup's id.
        setup: String,
        /// The consent to keep it on file, when it is kept.
        keep: Option<super::store::ConsentGiven>,
    },
}

impl PaymentSource {
    /// The pay form's choice: a saved card's id or a new card's setup, exactly one of them.
    pub fn parse(
        payment_method_id: Option<&str>,
        setup: Option<String>,
        keep: Option<super::store::ConsentGiven>,
    ) -> Result<Self, AppError> {
        match (payment_method_id, setup) {
            (Some(id), None) => id
                .parse()
                .map(PaymentSource::Saved)
                .map_err(|_| AppError::NotFound),
            (None, Some(setup)) => Ok(PaymentSource::NewCard { setup, keep }),
            _ => Err(AppError::BadRequest),
        }
    }
}

/// Pays `amount` of a customer's invoice from `source`; a retry with the same key answers as
/// the first try did and never charges twice.
#[allow(clippy::too_many_arguments)]
pub async fn pay(
    state: &AppState,
    customer: CustomerId,
    invoice: InvoiceId,
    source: PaymentSource,
    amount: &str,
    key: &str,
    ctx: &super::store::ChangeContext,
) -> Result<PayOutcome, AppError> {
    match source {
        PaymentSource::Saved(card) => {
            pay_with_saved_card(state, customer, invoice, card, amount, key, &ctx.request_id).await
        }
        PaymentSource::NewCard { setup, keep } => {
            pay_with_new_card(state, customer, invoice, &setup, keep, amount, key, ctx).await
        }
    }
}

/// Pays `amount` of a customer's invoice with one of their saved cards.
async fn pay_with_saved_card(
    state: &AppState,
    customer: CustomerId,
    invoice: InvoiceId,
    card: PaymentMethodId,
    amount: &str,
    key: &str,
    request_id: &str,
) -> Result<PayOutcome, AppError> {
    let key = parse_key(key)?;
    let card = state
        .store
        .card(customer, card)
        .await
        .found("reading a card")?;
    if card.expiry.is_expired(super::cards::this_month(state)) {
        return Err(AppError::Invalid {
            field: None,
            message: format!(
                "{} has expired. Choose another card, or pay with a new card.",
                card.card
            ),
        });
    }
    let amount = parse_amount(amount)?;
    let new = AttemptDetails {
        key,
        customer_id: customer,
        invoice_id: invoice,
        payment_method_id: Some(card.id),
        token: card.on_file.token,
        card: card.on_file.card,
        amount,
    };
    let reserved = state
        .store
        .reserve_attempt(&new, state.clock.now())
        .await
        .map_err(reserve_error)?;
    if !reserved.fresh {
        tracing::info!(
            attempt = reserved.attempt.id,
            "payment retried with the same key"
        );
    }
    outcome(resolve_reserved(state, reserved, request_id).await?)
}

/// Finishes a customer's payment after the browser ran the bank's check (3-D Secure): reads the
/// charge's outcome from the processor and answers as [`pay`] does.
pub async fn finish(
    state: &AppState,
    customer: CustomerId,
    key: &str,
    request_id: &str,
) -> Result<PayOutcome, AppError> {
    let key = parse_key(key)?;
    let attempt = state
        .store
        .attempt_by_key(&key)
        .await
        .context("reading a payment attempt")?
        .filter(|a| a.customer_id == customer)
        .ok_or(AppError::NotFound)?;
    let resolved = resolve(state, attempt, request_id).await?;
    release_one_off_card(state, &resolved.attempt).await;
    outcome(resolved)
}

/// Detaches the card of a settled payment made with a card that was not kept on file.
pub async fn release_one_off_card(state: &AppState, attempt: &PaymentAttempt) {
    if attempt.payment_method_id.is_none()
        && attempt.status != AttemptStatus::Pending
        && let Err(e) = state.gateway.detach(&attempt.token).await
    {
        tracing::warn!(attempt = attempt.id, error = %e, "could not detach a one-off card");
    }
}

/// Pays with a card typed on the pay page (saved by a setup the browser confirmed), keeping it on
/// file when asked. A retry with the same key answers as the first try did, without using the
/// setup again.
#[allow(clippy::too_many_arguments)]
async fn pay_with_new_card(
    state: &AppState,
    customer: CustomerId,
    invoice: InvoiceId,
    setup: &str,
    keep: Option<super::store::ConsentGiven>,
    amount: &str,
    key: &str,
    ctx: &super::store::ChangeContext,
) -> Result<PayOutcome, AppError> {
    let key = parse_key(key)?;
    let earlier = state
        .store
        .attempt_by_key(&key)
        .await
        .context("reading a payment attempt")?;
    if let Some(attempt) = earlier {
        if attempt.customer_id != customer || attempt.invoice_id != invoice {
            return Err(reserve_error(ReserveError::KeyMismatch));
        }
        return outcome(resolve(state, attempt, &ctx.request_id).await?);
    }
    let amount_input = amount;
    let amount = parse_amount(amount_input)?;
    if let Some(consent) = keep {
        let wallet = super::cards::Wallet {
            state,
            customer,
            ctx,
        };
        let card = wallet.save(setup, false, "", &consent).await?;
        return pay_with_saved_card(
            state,
            customer,
            invoice,
            card.id,
            amount_input,
            &key,
            &ctx.request_id,
        )
        .await;
    }
    let SavedMethod {
        method: token,
        details,
    } = super::processor::finish_card_setup(state, customer, setup).await?;
    let new = AttemptDetails {
        key,
        customer_id: customer,
        invoice_id: invoice,
        payment_method_id: None,
        token: token.clone(),
        card: crate::domain::card::MaskedCard {
            brand: details.brand,
            last4: details.last4,
        },
        amount,
    };
    let reserved = match state.store.reserve_attempt(&new, state.clock.now()).await {
        Ok(reserved) => reserved,
        Err(e) => {
            let _ = state.gateway.detach(&token).await;
            return Err(reserve_error(e));
        }
    };
    let resolved = resolve_reserved(state, reserved, &ctx.request_id).await?;
    // A card that was not saved is released once its payment is settled.
    release_one_off_card(state, &resolved.attempt).await;
    outcome(resolved)
}

/// Turns a resolved attempt into the payer's answer (the same for every retry of it).
fn outcome(resolved: Resolved) -> Result<PayOutcome, AppError> {
    let Resolved {
        attempt,
        authenticate,
    } = resolved;
    if let Some(client_secret) = authenticate {
        return Ok(PayOutcome::Authenticate {
            client_secret,
            key: attempt.key.clone(),
        });
    }
    match (attempt.status, attempt.payment_id) {
        (AttemptStatus::Approved, Some(payment_id)) => Ok(PayOutcome::Paid(Paid {
            payment_id,
            message: format!("Paid {} with {}.", attempt.amount, attempt.card),
        })),
        (AttemptStatus::Declined | AttemptStatus::Failed, _) => {
            let decline = Decline::from_code(&attempt.decline_code).unwrap_or(Decline::Generic);
            Err(AppError::Conflict(format!(
                "{} Your invoice was not paid.",
                decline.message()
            )))
        }
        _ => Err(AppError::Unavailable(
            "We couldn't confirm this payment with the payment processor yet. Please try again in a moment; you won't be charged twice.".into(),
        )),
    }
}
