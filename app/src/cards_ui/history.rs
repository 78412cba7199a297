//! The payment-method history ("View History" in the office, "History" in the portal).

use crate::domain::{Timestamp, status::CardAction};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A payment-method history entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at: Timestamp,
    /// What happened.
    pub action: CardAction,
    /// "Visa •••• 4242".
    pub card: String,
    /// "Customer", the staff member's name, "the card network" or "the payment processor".
    pub actor: String,
    /// How the holder agreed to keep the card, e.g. "Agreed to card-on-file terms v3".
    pub consent: Option<String>,
}

#[cfg(feature = "ssr")]
impl HistoryRow {
    /// The words for a stored event.
    pub fn from_event(e: crate::backend::store::PaymentMethodEvent) -> Self {
        Self {
            at: e.occurred_at,
            action: e.action,
            card: format!("{} •••• {}", e.brand, e.last4),
            actor: match (e.staff, e.by_processor, e.action) {
                (Some((_, name)), _, _) => name,
                (None, true, CardAction::Updated) => "the card network".to_owned(),
                (None, true, _) => "the payment processor".to_owned(),
                (None, false, _) => "Customer".to_owned(),
            },
            consent: e
                .consent
                .map(crate::domain::consent::CardConsent::history_note),
        }
    }
}

/// The history as a timeline, newest first.
#[component]
pub fn HistoryList(rows: Vec<HistoryRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No payment method changes yet."</p> }.into_any();
    }
    view! {
        <ol class="timeline">
            {rows.into_iter().map(|h| view! {
                <li>
                    <strong>{h.action.label()}</strong>" · "{h.card}" · by "{h.actor}
                    {h.consent.map(|c| format!(" · {c}"))}" · "{h.at.date_time()}
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}
