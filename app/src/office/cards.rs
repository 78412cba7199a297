//! The customer record's "Payment Methods" section (the customer's cards, and "Add Payment
//! Method" for the office, confirmed with the processor from the browser as in the portal) and its "Online payments".

use crate::{
    cards_ui::{AddCardDialog, CardOwner, CardRow, CardSummary, NewCardSubmission},
    domain::CustomerId,
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An online payment attempt as the office sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub at: crate::domain::Timestamp,
    /// Invoice number.
    pub invoice: String,
    /// "Visa •••• 4242".
    pub card: String,
    /// How much.
    pub amount: crate::domain::Cents,
    /// Paid, declined, failed or in progress.
    pub status: crate::domain::status::AttemptStatus,
    /// Refunded since.
    pub refunded: crate::domain::Cents,
    /// Disputed since.
    pub disputed: bool,
}

/// The "Online payments" section: every attempt with its card and outcome.
#[component]
pub fn PaymentsSection(rows: Vec<AttemptRow>, paging: (u32, u32), path: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="online-payments-heading">
            <h2 id="online-payments-heading">"Online payments"</h2>
            <crate::ui::Table rows=rows.len() empty="No online payments yet.">
                <thead><tr><th>"Date"</th><th>"Invoice"</th><th>"Card"</th><th>"Amount"</th><th>"Status"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr><td>{r.at.date_time()}</td><td>{r.invoice}</td><td>{r.card}</td><td>{r.amount.to_string()}</td><td>{r.status.with_aftermath(r.amount, r.refunded, r.disputed)}</td></tr>
                    }).collect_view()}
                </tbody>
            </crate::ui::Table>
            <crate::ui::Pager paging=paging path=path param="payments" label="Online payment pages" />
        </section>
    }
}

/// Starts saving a card for a customer on the office's behalf: the processor setup the browser
/// confirms with the card (which never comes here).
#[server(endpoint = "office/payment-methods/setup")]
pub async fn office_begin_card_setup(
    customer_id: String,
) -> Result<crate::domain::tokenization::CardFormStart, AppError> {
    let (state, _, customer) = office_card_caller(&customer_id).await?;
    let setup = crate::backend::processor::begin_card_setup(&state, customer).await?;
    // The office records the customer's spoken consent instead of showing terms.
    Ok(crate::domain::tokenization::CardFormStart { setup, terms: None })
}

/// A staff member allowed to add cards, and the customer they add one for.
#[cfg(feature = "ssr")]
async fn office_card_caller(
    customer_id: &str,
) -> Result<
    (
        crate::backend::AppState,
        crate::backend::store::StaffMember,
        CustomerId,
    ),
    AppError,
> {
    let (state, staff) = super::auth::require_staff(false).await?;
    let customer: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    crate::backend::cards::require_online_payments(&state).await?;
    Ok((state, staff, customer))
}

/// Saves a card for a customer on the office's behalf (recorded with the staff member as actor),
/// once the staff member confirmed the customer agreed out loud (`spoken_consent`).
#[server(endpoint = "office/payment-methods/add")]
pub async fn office_add_payment_method(
    customer_id: String,
    setup_intent: String,
    make_primary: bool,
    nickname: String,
    #[server(default)] spoken_consent: bool,
) -> Result<String, AppError> {
    use crate::backend::{
        cards,
        request::request_id,
        store::{Actor, ChangeContext},
    };
    let (state, staff, customer) = office_card_caller(&customer_id).await?;
    let consent = crate::backend::consent::spoken(spoken_consent)?;
    let ctx = ChangeContext {
        actor: Actor::Staff(staff.id),
        at: state.clock.now(),
        request_id: request_id(),
    };
    let wallet = cards::Wallet {
        state: &state,
        customer,
        ctx: &ctx,
    };
    wallet
        .save(&setup_intent, make_primary, &nickname, &consent)
        .await
        .map(|saved| cards::added_message(&saved))
}

/// The "Payment Methods" section of a customer record.
#[component]
pub fn PaymentMethodsSection(
    customer: CustomerId,
    cards: Vec<CardRow>,
    add: ServerAction<OfficeAddPaymentMethod>,
) -> impl IntoView {
    let on_confirmed = Callback::new(move |card: NewCardSubmission| {
        add.dispatch(OfficeAddPaymentMethod {
            customer_id: customer.to_string(),
            setup_intent: card.setup_intent,
            make_primary: card.make_primary,
            nickname: card.nickname,
            spoken_consent: card.spoken_consent,
        });
    });
    let added = move || add.value().get().and_then(Result::ok);
    view! {
        <section class="card" aria-labelledby="payment-methods-heading">
            <div class="section-head">
                <h2 id="payment-methods-heading">"Payment Methods"</h2>
                <a class="button" href=format!("/office/customers/{customer}/history")>"View History"</a>
            </div>
            <p class="notice notice--ok" role="status">{added}</p>
            {if cards.is_empty() {
                view! { <p class="empty">"No saved payment methods. Cards the customer saves in the portal appear here."</p> }.into_any()
            } else {
                view! {
                    <ul class="pm-list" aria-label="Saved cards">
                        {cards.into_iter().map(|card| view! { <li class="pm"><CardSummary card=card /></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <AddCardDialog owner=CardOwner::Customer(customer) on_confirmed=on_confirmed saving=add.pending() outcome=add.value() version=add.version()
                primary_label="Make this the primary card" />
        </section>
    }
}
