//! Consent to keep a card on file: the terms customers agree to now, and turning what a form says
//! (the terms version ticked, or the office's "spoken consent" box) into the stored consent.

use super::{AppState, store::ConsentGiven};
use crate::{
    domain::{
        StaffId,
        consent::{CardConsent, CardTerms, default_terms, parse_terms},
    },
    error::{AppError, Context as _},
};

/// The terms customers agree to now: the latest saved version, or the default naming the
/// business (version 1) until an admin saves their own.
pub async fn current_terms(state: &AppState) -> Result<CardTerms, AppError> {
    let versions = state
        .store
        .card_terms_versions()
        .await
        .context("reading the card-on-file terms")?;
    match versions.into_iter().next() {
        Some(latest) => Ok(latest.terms),
        None => default(state)
            .await
            .map(|text| CardTerms { version: 1, text }),
    }
}

async fn default(state: &AppState) -> Result<String, AppError> {
    let settings = state.store.settings().await.context("reading settings")?;
    Ok(default_terms(&settings.business_name))
}

/// A customer's agreement from the form: refused when the box was not ticked, or ticked under
/// terms that changed since the form was shown.
pub async fn online(state: &AppState, agreed: Option<u32>) -> Result<ConsentGiven, AppError> {
    let current = current_terms(state).await?;
    match agreed {
        None => Err(AppError::invalid(
            "terms",
            "Tick the box to agree to the card-on-file terms.",
        )),
        Some(v) if v != current.version => Err(AppError::invalid(
            "terms",
            "The card-on-file terms changed since this page was opened. Please read them again and tick the box.",
        )),
        Some(v) => Ok(given(CardConsent::Terms(v))),
    }
}

/// The office's record that the customer agreed out loud: refused unless the box was ticked.
pub fn spoken(confirmed: bool) -> Result<ConsentGiven, AppError> {
    if confirmed {
        Ok(given(CardConsent::Spoken))
    } else {
        Err(AppError::invalid(
            "spoken_consent",
            "Tick the box to confirm the customer agreed to keep this card on file.",
        ))
    }
}

/// Saves new terms as the next version (the first save also keeps the default as version 1).
pub async fn save_terms(state: &AppState, text: &str, staff: StaffId) -> Result<u32, AppError> {
    let text = parse_terms(text).map_err(|m| AppError::invalid("terms", m))?;
    let default = default(state).await?;
    state
        .store
        .save_card_terms(&text, &default, staff, state.clock.now())
        .await
        .map_err(|e| match e {
            super::StoreError::Duplicate(_) => AppError::Conflict(
                "Someone else saved the terms just now. Reload the page to see their version."
                    .into(),
            ),
            other => AppError::internal("saving the card-on-file terms", other),
        })
}

/// `consent` as given in the current request: its address and browser.
fn given(consent: CardConsent) -> ConsentGiven {
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let ip = parts
        .as_ref()
        .and_then(|p| super::request::RequestMeta::from_parts(p, false).peer_ip)
        .map(|ip| ip.to_canonical().to_string())
        .unwrap_or_default();
    let user_agent: String = parts
        .as_ref()
        .and_then(|p| p.headers.get(http::header::USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    ConsentGiven {
        consent,
        ip,
        user_agent,
    }
}
