//! Saved cards as one service for the portal and the office: the gateway, the store, the history
//! and the customer's notification emails, with every failure turned into a plain [`AppError`].

use super::{
    AppState, StoreError,
    gateway::{Decline, GatewayError, SavedMethod},
    mail::{business_sender, templates},
    processor::{finish_card_setup, mirror_default},
    store::{CardOnFile, ChangeContext, ConsentGiven, SavedCard},
};
use crate::error::Context as _;
use crate::{
    domain::{
        CustomerId, PaymentMethodId,
        card::{Expiry, parse_nickname, parse_zip},
        tokenization::PaymentToken,
    },
    error::AppError,
};

pub use templates::CardNotice;

/// Refuses unless the office switched on online payments and the saved-payments beta.
pub async fn require_enabled(state: &AppState) -> Result<(), AppError> {
    let settings = state.store.settings().await.context("reading settings")?;
    if settings.saved_cards_on() {
        Ok(())
    } else {
        Err(AppError::SwitchedOff(format!(
            "Saved payment methods aren't available right now. Please contact {}.",
            settings.business_name
        )))
    }
}

/// Refuses unless online payments are on (the office may add cards without the portal beta).
pub async fn require_online_payments(state: &AppState) -> Result<(), AppError> {
    let settings = state.store.settings().await.context("reading settings")?;
    if settings.online_payments_enabled {
        Ok(())
    } else {
        Err(AppError::SwitchedOff(
            "Online payments are switched off in Settings › Online Payments.".into(),
        ))
    }
}

/// (year, month) today, for expiry checks.
pub fn this_month(state: &AppState) -> (i32, u32) {
    state.clock.now().year_month()
}

/// The plain error for a failed gateway call (causes are logged).
pub fn gateway_error(e: GatewayError) -> AppError {
    match e {
        GatewayError::InvalidToken => AppError::invalid(
            "number",
            "This card form has expired. Please enter the card again.",
        ),
        GatewayError::Declined(d) => decline(d),
        GatewayError::KeyReuse => AppError::internal("gateway", e),
        GatewayError::Unavailable(cause) => {
            tracing::error!(%cause, "payment gateway unavailable");
            AppError::Unavailable(
                "We couldn't reach the payment processor. Please try again in a moment.".into(),
            )
        }
    }
}

fn decline(d: Decline) -> AppError {
    match d.field() {
        Some(field) => AppError::invalid(field, d.message()),
        None => AppError::Conflict(d.message().to_owned()),
    }
}

fn store_error(what: &'static str) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound => AppError::NotFound,
        StoreError::Duplicate(_) => AppError::Conflict("This card is already saved.".into()),
        other => AppError::internal(what, other),
    }
}

fn nickname(input: &str) -> Result<String, AppError> {
    parse_nickname(input).map_err(|m| AppError::invalid("nickname", m))
}

/// Releases a token at the gateway after Porchlight stopped using it (failures are only logged).
async fn release(state: &AppState, token: &PaymentToken) {
    if let Err(e) = state.gateway.detach(token).await {
        tracing::warn!(error = %e, "could not detach a card token at the gateway");
    }
}

/// What to tell the user about a card [`Wallet::save`] just stored.
pub fn added_message(saved: &SavedCard) -> String {
    if saved.is_primary {
        format!("{} was added and is now the primary card.", saved.card)
    } else {
        format!("{} was added.", saved.card)
    }
}

/// How long a card edit Porchlight is making counts as in progress (longer than the processor
/// call with its retries).
pub const OWN_EDIT_SECS: i64 = 10 * 60;

/// One customer's saved cards, changed by `ctx`'s actor in one request.
#[derive(Debug, Clone, Copy)]
pub struct Wallet<'a> {
    /// The app's state.
    pub state: &'a AppState,
    /// Whose cards.
    pub customer: CustomerId,
    /// Who changes them, when, in which request.
    pub ctx: &'a ChangeContext,
}

impl Wallet<'_> {
    /// Saves the card a confirmed processor setup holds, with its holder's consent, and returns it.
    pub async fn save(
        &self,
        setup_id: &str,
        make_primary: bool,
        nickname_input: &str,
        consent: &ConsentGiven,
    ) -> Result<SavedCard, AppError> {
        let Wallet {
            state,
            customer,
            ctx,
        } = *self;
        let nickname = nickname(nickname_input)?;
        let SavedMethod {
            method: token,
            details,
        } = finish_card_setup(state, customer, setup_id).await?;
        if details.expiry.is_expired(this_month(state)) {
            release(state, &token).await;
            return Err(AppError::invalid("expiry", "This card has expired."));
        }
        let new = CardOnFile {
            customer_id: customer,
            token: token.clone(),
            fingerprint: details.fingerprint,
            card: crate::domain::card::MaskedCard {
                brand: details.brand,
                last4: details.last4,
            },
            expiry: details.expiry,
            cardholder: details.cardholder,
            zip: details.zip,
            nickname,
        };
        let saved = match state.store.add_card(&new, make_primary, consent, ctx).await {
            Ok(card) => card,
            Err(e) => {
                // A processor that lets a setup be read twice hands back a card already saved:
                // that one must stay attached. When unsure, keep it rather than break a card.
                let kept = state
                    .store
                    .cards_for_customer(customer)
                    .await
                    .map_or(true, |cards| cards.iter().any(|c| c.token == token));
                if !kept {
                    release(state, &token).await;
                }
                return Err(store_error("saving a card")(e));
            }
        };
        tracing::info!(customer = %customer, card = %saved.id, "card saved");
        if saved.is_primary {
            mirror_default(state, customer, &saved.token).await;
        }
        notify(state, customer, CardNotice::Added, &saved, ctx).await;
        Ok(saved)
    }

    /// Makes a card the primary one.
    pub async fn set_primary(&self, id: PaymentMethodId) -> Result<String, AppError> {
        let Wallet {
            state,
            customer,
            ctx,
        } = *self;
        let before = state
            .store
            .card(customer, id)
            .await
            .map_err(store_error("reading a card"))?;
        if before.expiry.is_expired(this_month(state)) {
            return Err(AppError::Invalid {
                field: None,
                message: format!(
                    "{} has expired, so it can't be the primary card. Update its expiry date or add a new card.",
                    before.card
                ),
            });
        }
        let card = state
            .store
            .set_primary_card(customer, id, ctx)
            .await
            .map_err(store_error("setting the primary card"))?;
        if !before.is_primary {
            mirror_default(state, customer, &card.token).await;
            notify(state, customer, CardNotice::MadePrimary, &card, ctx).await;
        }
        Ok(format!("{} is now the primary card.", card.card))
    }

    /// Removes a card (and tells which card became primary instead, if any).
    pub async fn delete(&self, id: PaymentMethodId) -> Result<String, AppError> {
        let Wallet {
            state,
            customer,
            ctx,
        } = *self;
        let deleted = state
            .store
            .delete_card(customer, id, ctx)
            .await
            .map_err(store_error("deleting a card"))?;
        release(state, &deleted.removed.token).await;
        notify(state, customer, CardNotice::Removed, &deleted.removed, ctx).await;
        Ok(match &deleted.promoted {
            Some(next) => {
                mirror_default(state, customer, &next.token).await;
                notify(state, customer, CardNotice::MadePrimary, next, ctx).await;
                format!(
                    "{} was deleted. {} is now the primary card.",
                    deleted.removed.card, next.card
                )
            }
            None => format!("{} was deleted.", deleted.removed.card),
        })
    }

    /// Changes a card's expiry, billing ZIP and nickname in place.
    pub async fn update(
        &self,
        id: PaymentMethodId,
        expiry: &str,
        zip: &str,
        nickname_input: &str,
    ) -> Result<String, AppError> {
        let Wallet {
            state,
            customer,
            ctx,
        } = *self;
        let card = state
            .store
            .card(customer, id)
            .await
            .map_err(store_error("reading a card"))?;
        let mut errors = Vec::new();
        let expiry: Option<Expiry> = Expiry::parse(expiry, this_month(state))
            .map_err(|e| errors.push(("expiry", e.to_string())))
            .ok();
        let zip = parse_zip(zip)
            .map_err(|e| errors.push(("zip", e.to_string())))
            .ok();
        let nickname = parse_nickname(nickname_input)
            .map_err(|m| errors.push(("nickname", m)))
            .ok();
        let (Some(expiry), Some(zip), Some(nickname)) = (expiry, zip, nickname) else {
            return Err(AppError::from_fields(errors)
                .err()
                .unwrap_or(AppError::BadRequest));
        };
        // Noted first, so the processor's own event about this edit, if handled before the
        // edit is stored, is known as Porchlight's and not reported as the bank's.
        let now = state.clock.now();
        state
            .store
            .begin_card_edit(&card.token, expiry, now, now.plus_seconds(-OWN_EDIT_SECS))
            .await
            .map_err(store_error("noting a card edit"))?;
        if let Err(e) = state.gateway.update(&card.token, expiry, &zip).await {
            if let Err(e) = state.store.end_card_edit(&card.token).await {
                tracing::warn!(error = %e, "forgetting a refused card edit");
            }
            return Err(gateway_error(e));
        }
        let card = state
            .store
            .update_card(customer, id, expiry, &zip, &nickname, ctx)
            .await
            .map_err(store_error("updating a card"))?;
        Ok(format!("{} was updated.", card.card))
    }
}

/// Emails the customer about a change to their cards (in the background; failures are logged).
pub async fn notify(
    state: &AppState,
    customer: CustomerId,
    notice: CardNotice,
    card: &SavedCard,
    ctx: &ChangeContext,
) {
    let (customer, sender) = match (
        state.store.customer(customer).await,
        business_sender(state).await,
    ) {
        (Ok(c), Ok(s)) => (c, s),
        (Err(e), _) => {
            tracing::error!(error = %e, "card notification: reading the customer");
            return;
        }
        (_, Err(_)) => return,
    };
    let contact = sender
        .reply_to
        .as_ref()
        .map(|a| format!(" at {a}"))
        .unwrap_or_default();
    let mail = templates::card_changed(
        &customer.email,
        &customer.name,
        &sender.name,
        notice,
        &card.card.to_string(),
        &ctx.at.date_time(),
        &contact,
    );
    state.mailer.send_in_background(sender, mail);
}
