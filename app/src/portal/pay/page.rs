//! `/invoices/:id/pay`: the primary card preselected, other saved cards selectable, the amount
//! (the balance by default, editable for a partial payment) and one "Pay" button. The form
//! carries an idempotency key made when the page was rendered, so a double click, a resubmitted
//! form or a retry charges once.

use super::api::{BankCheck, FinishPayment, PayInvoice, PayPageData, PaymentDone, pay_page};
use crate::{
    cards_ui::{AddCardDialog, CardOwner, NewCardSubmission},
    domain::Cents,
    ui::{Loaded, SubmitButton, action_error, field_message, form_message, use_id},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/invoices/:id/pay`.
#[component]
pub fn PayPage() -> impl IntoView {
    view! {
        <Title text="Pay an invoice" />
        <Pay />
    }
}

#[component]
fn Pay() -> impl IntoView {
    let id = use_id();
    let pay = crate::ui::refusable_action::<PayInvoice>();
    let pay_new = crate::ui::refusable_action::<PayInvoice>();
    let finish = crate::ui::refusable_action::<FinishPayment>();
    // After a refused payment the form gets a fresh key (and the latest balance).
    let data = Resource::new(
        move || (id(), pay.version().get(), finish.version().get()),
        |(id, ..)| pay_page(id),
    );
    let checking = RwSignal::new(false);
    let check_problem = RwSignal::new(None::<String>);
    // A payment the card's bank must confirm: the processor's check runs in its own window, then
    // the server reads how it ended (paid: the receipt; declined: the bank's reason).
    let run_check = move |check: BankCheck| {
        checking.set(true);
        check_problem.set(None);
        leptos::task::spawn_local(async move {
            let ran = crate::cards_ui::setup::bank_check(&check.script, &check.client_secret).await;
            checking.set(false);
            match ran {
                Ok(()) => {
                    finish.dispatch(FinishPayment {
                        idempotency_key: check.key,
                    });
                }
                Err(problem) => check_problem.set(Some(problem.message)),
            }
        });
    };
    for action in [pay, pay_new] {
        Effect::new(move |_| {
            if let Some(Ok(PaymentDone::Authenticate(check))) = action.value().get() {
                run_check(check);
            }
        });
    }
    let finish_message = move || {
        match finish.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(PaymentDone::Authenticate(_))) => Some(
            "Your bank hasn't confirmed this payment yet, so nothing was charged. Choose Pay to try again.".to_owned(),
        ),
        _ => check_problem.get(),
    }
    };
    view! {
        <p class="breadcrumb"><a href="/">"Your account"</a>" › Pay an invoice"</p>
        <p class="notice" role="status">
            {move || (checking.get() || finish.pending().get()).then_some("Waiting for your bank to confirm this payment…")}
        </p>
        <p class="form__error" role="alert">{finish_message}</p>
        <Loaded resource=data loading="Loading the invoice…" heading="Pay an invoice" let:d>
            <PayForm d pay pay_new />
        </Loaded>
    }
}

/// "1,234.56" for an amount input.
fn plain(amount: Cents) -> String {
    amount.to_string().trim_start_matches('$').to_owned()
}

#[component]
fn PayForm(
    d: PayPageData,
    pay: ServerAction<PayInvoice>,
    pay_new: ServerAction<PayInvoice>,
) -> impl IntoView {
    let error = action_error(pay);
    let heading = format!("Pay invoice {}", d.number);
    if d.balance <= Cents::ZERO {
        return view! { <h1>{heading}</h1><p class="notice notice--ok">"This invoice is paid. Thank you!"</p><p><a href="/">"Back to your account"</a></p> }.into_any();
    }
    // After a refused post without JavaScript, what was typed comes back (`ui::kept_input`).
    let amount = RwSignal::new(crate::ui::kept_input("amount").unwrap_or_else(|| plain(d.balance)));
    let new_card = {
        let (invoice_id, key) = (d.invoice_id.to_string(), d.key.clone());
        // Each confirmed card is its own payment; resubmitting the same setup reuses the key.
        let on_confirmed = Callback::new(move |card: NewCardSubmission| {
            pay_new.dispatch(PayInvoice {
                invoice_id: invoice_id.clone(),
                idempotency_key: format!("{key}-{}", card.setup_intent),
                payment_method_id: None,
                setup_intent: Some(card.setup_intent),
                save: card.make_primary,
                agreed_terms: card.agreed_terms,
                amount: amount.get_untracked(),
            });
        });
        let outcome = Signal::derive(move || {
            pay_new
                .value()
                .get()
                .map(|r| r.map(|done| done.message().to_owned()))
        });
        view! {
            <section class="card" aria-labelledby="new-card-heading">
                <h2 id="new-card-heading">"Or pay with a new card"</h2>
                <p>{move || format!("The amount above ({}) is charged to the card you enter.", Cents::parse(&amount.get()).map_or_else(|_| amount.get(), |c| c.to_string()))}</p>
                <AddCardDialog owner=CardOwner::SignedInCustomer on_confirmed=on_confirmed saving=pay_new.pending() outcome=outcome version=pay_new.version()
                    primary_label="Save this card for future payments" open_label="Use a new card" submit_label="Pay"
                    consent_only_when_kept=true />
            </section>
        }
    };
    if d.cards.is_empty() {
        return view! {
            <h1>{heading}</h1>
            <p>{format!("Balance: {}", d.balance)}</p>
            <div class="field">
                <label for="pay-amount">"Amount"</label>
                <input id="pay-amount" inputmode="decimal" prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev)) />
            </div>
            {new_card}
        }
        .into_any();
    }
    let labels: Vec<(String, String)> = d
        .cards
        .iter()
        .map(|c| (c.id.to_string(), c.label()))
        .collect();
    let choice = crate::cards_ui::PayChoice::of(&d.cards);
    let primary = choice.card.map(|id| id.to_string()).unwrap_or_default();
    let selected = RwSignal::new(primary.clone());
    let summary = move || {
        let card = labels
            .iter()
            .find(|(id, _)| *id == selected.get())
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        let shown = Cents::parse(&amount.get()).map_or_else(|_| amount.get(), |c| c.to_string());
        format!("Pay {shown} with {card}")
    };
    let balance = d.balance;
    view! {
        <h1>{heading}</h1>
        <dl class="facts">
            <dt>"Total"</dt><dd>{d.total.to_string()}</dd>
            <dt>"Balance"</dt><dd>{balance.to_string()}</dd>
        </dl>
        {(!d.payments.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="made-heading">
                <h2 id="made-heading">"Payments made"</h2>
                <ul>
                    {d.payments.into_iter().map(|p| view! {
                        <li>{format!("{} · {} · {}", p.at.iso_date(), p.card, p.amount)}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <ActionForm action=pay attr:class="form card" attr:novalidate=true>
            <input type="hidden" name="invoice_id" value=d.invoice_id.to_string() />
            <input type="hidden" name="idempotency_key" value=d.key />
            <fieldset class="choices">
                <legend>"Pay with"</legend>
                {choice.why.map(|why| view! { <p class="notice" role="status">{why}</p> })}
                {d.cards.into_iter().map(|c| {
                    let id = c.id.to_string();
                    let input_id = format!("pay-card-{id}");
                    let label = format!(
                        "{}{} · {} {}",
                        c.label(),
                        if c.is_primary { " (primary)" } else { "" },
                        if c.expired { "expired" } else { "expires" },
                        c.expiry
                    );
                    let value = id.clone();
                    view! {
                        <div class="field field--check">
                            <input type="radio" name="payment_method_id" id=input_id.clone() value=id.clone()
                                checked=id == primary disabled=c.expired
                                on:change=move |_| selected.set(value.clone()) />
                            <label for=input_id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="pay-amount">"Amount"</label>
                <p id="pay-amount-hint" class="field__hint">{format!("At least $1.00 and at most the balance of {balance}.")}</p>
                <input id="pay-amount" name="amount" inputmode="decimal" value=amount.get_untracked() prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev))
                    aria-describedby="pay-amount-hint pay-amount-error"
                    aria-invalid=move || field_message(error, "amount").get().is_some().to_string() />
                <p id="pay-amount-error" class="field__error" role="alert">{move || field_message(error, "amount").get()}</p>
            </div>
            <p class="pay-summary" aria-live="polite">{summary}</p>
            <p class="form__error" role="alert">{move || form_message(error).get()}</p>
            <SubmitButton label="Pay" busy="Paying…" pending=pay.pending() />
        </ActionForm>
        {new_card}
    }
    .into_any()
}
