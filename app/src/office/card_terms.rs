//! Settings › Online Payments › "Card-on-file terms" (admins only): what customers agree to when
//! they keep a card on file. Each save is a new version; older texts are kept and listed.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    domain::{Timestamp, consent::CardTerms},
    error::AppError,
    ui::{Loaded, SubmitButton, action_error, field_message, form_message},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One saved version, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsVersionRow {
    /// 1, 2, 3…
    pub version: u32,
    /// When it was saved.
    pub saved_at: Timestamp,
    /// Who saved it ("Default" for the text the business began with).
    pub saved_by: String,
}

/// The terms customers agree to now, and every saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardTermsView {
    /// The current version and its text.
    pub current: CardTerms,
    /// Saved versions, newest first (empty until the default is first changed).
    pub versions: Vec<TermsVersionRow>,
}

/// The card-on-file terms and their versions (admins only).
#[server(endpoint = "office/settings/card-terms")]
pub async fn card_terms_settings() -> Result<CardTermsView, AppError> {
    let (state, _) = super::auth::require_staff(true).await?;
    let current = crate::backend::consent::current_terms(&state).await?;
    let versions = state
        .store
        .card_terms_versions()
        .await
        .context("reading the card-on-file terms")?;
    Ok(CardTermsView {
        current,
        versions: versions
            .into_iter()
            .map(|v| TermsVersionRow {
                version: v.terms.version,
                saved_at: v.saved_at,
                saved_by: v.saved_by.unwrap_or_else(|| "Default".to_owned()),
            })
            .collect(),
    })
}

/// Saves new card-on-file terms as the next version (admins only); the new version.
#[server(endpoint = "office/settings/card-terms/save")]
pub async fn save_card_terms(text: String) -> Result<u32, AppError> {
    let (state, staff) = super::auth::require_staff(true).await?;
    let version = crate::backend::consent::save_terms(&state, &text, staff.id).await?;
    tracing::info!(version, staff = %staff.id, "card-on-file terms saved");
    Ok(version)
}

/// The terms' editor and their versions.
#[component]
pub fn CardTermsSection() -> impl IntoView {
    let save = crate::ui::form_action::<SaveCardTerms>();
    let data = Resource::new(move || save.version().get(), |_| card_terms_settings());
    let error = action_error(save);
    let saved = move || {
        save.value().get().and_then(Result::ok).map(|v| {
            format!(
                "Saved as version {v}. Customers agree to it from now on; cards saved before keep the version their holders agreed to."
            )
        })
    };
    view! {
        <section class="card" aria-labelledby="card-terms-heading">
            <h2 id="card-terms-heading">"Card-on-file terms"</h2>
            <p class="field__hint">"What customers agree to when they keep a card on file: which charges you may make and how they remove the card. Each save is a new version; the older texts are kept, and every card records the version its holder agreed to."</p>
            <p class="notice notice--ok" role="status">{saved}</p>
            <Loaded resource=data loading="Loading the terms…" let:v>
                <ActionForm action=save attr:novalidate=true attr:class="form">
                    <div class="field">
                        <label for="card-terms-text">{format!("Terms (customers now agree to version {})", v.current.version)}</label>
                        <textarea id="card-terms-text" name="text" rows="8" aria-describedby="card-terms-error"
                            aria-invalid=move || field_message(error, "terms").get().is_some().to_string()>
                            {crate::ui::kept_input("text").unwrap_or_else(|| v.current.text.clone())}
                        </textarea>
                        <p id="card-terms-error" class="field__error" role="alert">{move || field_message(error, "terms").get()}</p>
                    </div>
                    <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                    <SubmitButton label="Save terms" busy="Saving…" pending=save.pending() />
                </ActionForm>
                {(!v.versions.is_empty()).then(|| view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Earlier versions of the terms">
                        <table>
                            <thead><tr><th>"Version"</th><th>"Saved"</th><th>"By"</th></tr></thead>
                            <tbody>
                                {v.versions.into_iter().map(|r| view! {
                                    <tr><td>{format!("v{}", r.version)}</td><td>{r.saved_at.date_time()}</td><td>{r.saved_by}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })}
            </Loaded>
        </section>
    }
}
