//! One saved card as people see it: brand icon, "•••• 4242", expiry, name and badges.

use crate::domain::{
    PaymentMethodId,
    card::{Brand, Expiry, Last4, MaskedCard},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A saved card's display data (never more than brand and last 4 of the number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRow {
    pub id: PaymentMethodId,
    pub brand: Brand,
    /// Last four digits.
    pub last4: Last4,
    /// Expiry month.
    pub expiry: Expiry,
    /// Name on the card.
    pub cardholder: String,
    /// Billing ZIP.
    pub zip: String,
    /// The customer's label.
    pub nickname: String,
    /// Used by default for payments.
    pub is_primary: bool,
    /// Past its expiry month.
    pub expired: bool,
    /// Expires within 60 days.
    pub expires_soon: bool,
}

impl CardRow {
    /// "Visa •••• 4242".
    pub fn label(&self) -> String {
        MaskedCard {
            brand: self.brand,
            last4: self.last4.clone(),
        }
        .to_string()
    }
}

#[cfg(feature = "ssr")]
impl CardRow {
    /// The display row for a stored card, with badges as of `now`.
    pub fn from_saved(
        card: &crate::backend::store::SavedCard,
        now: crate::domain::Timestamp,
    ) -> Self {
        let (y, m, d) = now.date();
        let y = i32::try_from(y).unwrap_or(i32::MAX);
        Self {
            id: card.id,
            brand: card.card.brand,
            last4: card.card.last4.clone(),
            expiry: card.expiry,
            cardholder: card.cardholder.clone(),
            zip: card.zip.clone(),
            nickname: card.nickname.clone(),
            is_primary: card.is_primary,
            expired: card.expiry.is_expired((y, m)),
            expires_soon: card.expiry.expires_soon((y, m, d)),
        }
    }
}

/// The card's icon, label, expiry, name and badges (the row's actions come from the caller).
#[component]
pub fn CardSummary(card: CardRow) -> impl IntoView {
    let label = card.label();
    view! {
        <div class="pm__summary">
            <img class="pm__icon" src=format!("/cards/{}.svg", card.brand.icon()) alt="" width="48" height="32" />
            <div class="pm__text">
                <p class="pm__label">
                    <span class="pm__number">{label}</span>
                    {card.is_primary.then(|| view! { <span class="badge badge--primary">"Primary"</span> })}
                    {card.expired.then(|| view! { <span class="badge badge--danger">"Expired"</span> })}
                    {card.expires_soon.then(|| view! { <span class="badge badge--warn">"Expires soon"</span> })}
                </p>
                <p class="pm__meta">
                    {format!("Expires {}", card.expiry)}" · "{card.cardholder.clone()}
                    {(!card.nickname.is_empty()).then(|| format!(" · “{}”", card.nickname))}
                </p>
            </div>
        </div>
    }
}
