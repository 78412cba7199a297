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
    /// Expires this month or next.
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
        let (y, m) = now.year_month();
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
            expires_soon: card.expiry.expires_soon((y, m)),
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

/// The saved card the pay page chooses at first, and why, when it is not the primary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayChoice {
    /// The card chosen, if any card can pay.
    pub card: Option<PaymentMethodId>,
    /// Said above the choices when the primary card cannot be used.
    pub why: Option<String>,
}

impl PayChoice {
    /// The primary card if it can pay, else the newest card that can (`cards` lists the primary
    /// first, then the newest first).
    pub fn of(cards: &[CardRow]) -> Self {
        let usable = cards.iter().find(|c| !c.expired);
        match cards.iter().find(|c| c.is_primary) {
            Some(primary) if primary.expired => Self {
                card: usable.map(|c| c.id),
                why: Some(match usable {
                    Some(card) => format!(
                        "Your primary card, {}, has expired, so {} is chosen. You can update the expiry date on Saved Payment Methods.",
                        primary.label(),
                        card.label()
                    ),
                    None => "Your saved cards have expired. Pay with a new card below, or update a card's expiry date on Saved Payment Methods.".to_owned(),
                }),
            },
            Some(primary) => Self { card: Some(primary.id), why: None },
            None => Self { card: usable.map(|c| c.id), why: None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: i64, last4: &str, is_primary: bool, expired: bool) -> CardRow {
        CardRow {
            id: PaymentMethodId::new(id),
            brand: Brand::Visa,
            last4: Last4::try_from(last4.to_owned()).unwrap(),
            expiry: Expiry {
                year: 2030,
                month: 12,
            },
            cardholder: "Maria Gonzalez".into(),
            zip: "94107".into(),
            nickname: String::new(),
            is_primary,
            expired,
            expires_soon: false,
        }
    }

    #[test]
    fn the_primary_card_is_chosen_while_it_can_pay() {
        let cards = [card(1, "4242", true, false), card(2, "1111", false, false)];
        assert_eq!(
            PayChoice::of(&cards),
            PayChoice {
                card: Some(PaymentMethodId::new(1)),
                why: None
            }
        );
    }

    #[test]
    fn an_expired_primary_gives_way_to_the_newest_card_that_can_pay_and_says_why() {
        let cards = [
            card(1, "4242", true, true),
            card(3, "0005", false, true),
            card(2, "1111", false, false),
        ];
        let choice = PayChoice::of(&cards);
        assert_eq!(choice.card, Some(PaymentMethodId::new(2)));
        assert_eq!(
            choice.why.as_deref(),
            Some(
                "Your primary card, Visa •••• 4242, has expired, so Visa •••• 1111 is chosen. You can update the expiry date on Saved Payment Methods."
            )
        );
    }

    #[test]
    fn when_every_card_has_expired_none_is_chosen_and_a_new_card_is_suggested() {
        let choice = PayChoice::of(&[card(1, "4242", true, true)]);
        assert_eq!(choice.card, None);
        assert!(
            choice
                .why
                .unwrap()
                .starts_with("Your saved cards have expired. Pay with a new card below")
        );
    }
}
