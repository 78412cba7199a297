//! The saved-card server functions: each authenticates the customer, checks that the office
//! switched the feature on, parses its input and calls the card service.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    cards_ui::{CardRow, HistoryRow},
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the Saved Payment Methods page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodsData {
    /// Cards, primary first.
    pub cards: Vec<CardRow>,
    /// Changes to the cards, newest first.
    pub history: Vec<HistoryRow>,
}

/// The state, the signed-in customer and the history context for a card change.
#[cfg(feature = "ssr")]
type CardCaller = (
    crate::backend::AppState,
    crate::domain::CustomerId,
    crate::backend::store::ChangeContext,
);

/// The signed-in customer, the state and the history context for a card change.
#[cfg(feature = "ssr")]
async fn card_caller() -> Result<CardCaller, AppError> {
    use crate::backend::{
        cards,
        request::request_id,
        store::{Actor, ChangeContext},
    };
    let (state, _, customer) = crate::portal::session::require_customer().await?;
    cards::require_enabled(&state).await?;
    let ctx = ChangeContext {
        actor: Actor::Customer,
        at: state.clock.now(),
        request_id: request_id(),
    };
    Ok((state, customer, ctx))
}

/// [`card_caller`] for a change to the cards, counted against the customer's limit.
#[cfg(feature = "ssr")]
async fn card_changer() -> Result<CardCaller, AppError> {
    use crate::backend::auth::throttle::{CARD_CHANGE_LIMIT, per_customer};
    let (state, customer, ctx) = card_caller().await?;
    per_customer(&state, "card-change", customer, CARD_CHANGE_LIMIT).await?;
    Ok((state, customer, ctx))
}

/// A card id from a form; anything unreadable is "not found", like someone else's card.
#[cfg(feature = "ssr")]
fn card_id(input: &str) -> Result<crate::domain::PaymentMethodId, AppError> {
    input.parse().map_err(|_| AppError::NotFound)
}

/// The signed-in customer's cards and their history.
#[server(endpoint = "payment-methods")]
pub async fn payment_methods() -> Result<PaymentMethodsData, AppError> {
    let _step = crate::backend::request::step("reading cards");
    let (state, customer, ctx) = card_caller().await?;
    let cards = state
        .store
        .cards_for_customer(customer)
        .await
        .context("reading cards")?;
    let history = state
        .store
        .payment_method_events(customer)
        .await
        .context("reading card history")?;
    Ok(PaymentMethodsData {
        cards: cards
            .iter()
            .map(|c| CardRow::from_saved(c, ctx.at))
            .collect(),
        history: history.into_iter().map(HistoryRow::from_event).collect(),
    })
}

/// Starts saving a card: the processor setup the browser confirms with the card (which never
/// comes here), and the card-on-file terms the customer agrees to.
#[server(endpoint = "payment-methods/setup")]
pub async fn begin_card_setup() -> Result<crate::domain::tokenization::CardFormStart, AppError> {
    use crate::backend::auth::throttle::{CARD_CHANGE_LIMIT, per_customer};
    let (state, customer, _) = card_caller().await?;
    // Counted apart from card changes: every new card begins with one.
    per_customer(&state, "card-setup", customer, CARD_CHANGE_LIMIT).await?;
    let terms = crate::backend::consent::current_terms(&state).await?;
    let setup = crate::backend::processor::begin_card_setup(&state, customer).await?;
    Ok(crate::domain::tokenization::CardFormStart {
        setup,
        terms: Some(terms),
    })
}

/// Saves the card a confirmed processor setup holds (no card data comes here), with the
/// customer's agreement to the card-on-file terms they were shown (`agreed_terms`, its version).
#[server(endpoint = "payment-methods/add")]
pub async fn add_payment_method(
    setup_intent: String,
    make_primary: bool,
    nickname: String,
    #[server(default)] agreed_terms: Option<u32>,
) -> Result<String, AppError> {
    let (state, customer, ctx) = card_changer().await?;
    let consent = crate::backend::consent::online(&state, agreed_terms).await?;
    let wallet = crate::backend::cards::Wallet {
        state: &state,
        customer,
        ctx: &ctx,
    };
    wallet
        .save(&setup_intent, make_primary, &nickname, &consent)
        .await
        .map(|saved| crate::backend::cards::added_message(&saved))
}

/// Makes one of the customer's cards the primary card.
#[server(endpoint = "payment-methods/set-primary")]
pub async fn set_primary_payment_method(id: String) -> Result<String, AppError> {
    let (state, customer, ctx) = card_changer().await?;
    let wallet = crate::backend::cards::Wallet {
        state: &state,
        customer,
        ctx: &ctx,
    };
    wallet.set_primary(card_id(&id)?).await
}

/// Deletes one of the customer's cards.
#[server(endpoint = "payment-methods/delete")]
pub async fn delete_payment_method(id: String) -> Result<String, AppError> {
    let (state, customer, ctx) = card_changer().await?;
    let wallet = crate::backend::cards::Wallet {
        state: &state,
        customer,
        ctx: &ctx,
    };
    wallet.delete(card_id(&id)?).await
}

/// Changes a card's expiry, billing ZIP and nickname.
#[server(endpoint = "payment-methods/update")]
pub async fn update_payment_method(
    id: String,
    expiry: String,
    zip: String,
    nickname: String,
) -> Result<String, AppError> {
    let (state, customer, ctx) = card_changer().await?;
    let wallet = crate::backend::cards::Wallet {
        state: &state,
        customer,
        ctx: &ctx,
    };
    wallet.update(card_id(&id)?, &expiry, &zip, &nickname).await
}
