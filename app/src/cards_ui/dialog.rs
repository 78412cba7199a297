//! The "Add New Card" dialog: checks each field as it is typed or left (the same domain rules the
//! server uses), confirms the card straight with the processor, and hands only the confirmed
//! setup's id to the page. Its inputs have no `name`, so a card number can never be posted to Porchlight.

use super::setup::{CardOwner, confirm_card, this_month};
use crate::{
    domain::{
        card::{Brand, digits_of, group_for_display},
        tokenization::{CARD_FIELDS, TokenRequest},
    },
    error::AppError,
};
use leptos::{ev::SubmitEvent, html, prelude::*};

/// What the dialog hands to its page once the processor confirmed the card.
#[derive(Debug, Clone)]
pub struct NewCardSubmission {
    /// The confirmed setup's id.
    pub setup_intent: String,
    /// "Make this my primary card" was ticked.
    pub make_primary: bool,
    /// Optional label.
    pub nickname: String,
}

fn set_field(form: &mut TokenRequest, field: &str, value: String) {
    match field {
        "name" => form.name = value,
        "number" => form.number = group_for_display(&value),
        "expiry" => form.expiry = value,
        "cvc" => form.cvc = value,
        _ => form.zip = value,
    }
}

fn get_field(form: &TokenRequest, field: &str) -> String {
    match field {
        "name" => form.name.clone(),
        "number" => form.number.clone(),
        "expiry" => form.expiry.clone(),
        "cvc" => form.cvc.clone(),
        _ => form.zip.clone(),
    }
}

/// The Add New Card dialog's element id (one per page), for [`super::open_dialog`].
pub const ADD_CARD_DIALOG: &str = "add-new-card";

/// "Add Payment Method" and the dialog it opens.
#[component]
pub fn AddCardDialog(
    /// Whose card this is.
    owner: CardOwner,
    /// Called once the processor confirmed the card.
    on_confirmed: Callback<NewCardSubmission>,
    /// Whether the save request is in flight.
    #[prop(into)]
    saving: Signal<bool>,
    /// The latest save's outcome (success closes the dialog).
    #[prop(into)]
    outcome: Signal<Option<Result<String, AppError>>>,
    /// Counts finished saves, so the dialog knows `outcome` is new.
    #[prop(into)]
    version: Signal<usize>,
    /// The checkbox's label ("Make this my primary card", or "Save this card…" when paying).
    #[prop(default = "Make this my primary card")]
    primary_label: &'static str,
    /// The button that opens the dialog.
    #[prop(default = "Add Payment Method")]
    open_label: &'static str,
    /// The dialog's submit button.
    #[prop(default = "Add Card")]
    submit_label: &'static str,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let inputs: [NodeRef<html::Input>; 5] = Default::default();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let form = RwSignal::new(TokenRequest::default());
    let touched = RwSignal::new(Vec::<&'static str>::new());
    let remote = RwSignal::new(None::<(Option<String>, String)>);
    let tokenizing = RwSignal::new(false);
    let make_primary = RwSignal::new(false);
    let nickname = RwSignal::new(String::new());
    let today = this_month();
    let busy = Signal::derive(move || tokenizing.get() || saving.get());

    let message = move |field: &'static str| -> Option<String> {
        let local = if touched.with(|t| t.contains(&field)) {
            form.with(|f| f.check_field(field, today))
        } else {
            None
        };
        local.or_else(|| {
            remote.with(|r| {
                r.as_ref()
                    .filter(|(f, _)| f.as_deref() == Some(field))
                    .map(|(_, m)| m.clone())
            })
        })
    };
    let form_error = move || {
        remote.with(|r| {
            r.as_ref()
                .filter(|(f, _)| {
                    f.as_deref()
                        .is_none_or(|f| !CARD_FIELDS.contains(&f) && f != "nickname")
                })
                .map(|(_, m)| m.clone())
        })
    };
    let reset = move || {
        form.set(TokenRequest::default());
        touched.set(Vec::new());
        remote.set(None);
        make_primary.set(false);
        nickname.set(String::new());
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };

    // A finished save: success closes the dialog, a refusal shows next to its field.
    Effect::new(move |prev: Option<usize>| {
        let v = version.get();
        if prev.is_some_and(|p| p != v) {
            match outcome.get_untracked() {
                Some(Ok(_)) => close(),
                Some(Err(e)) => remote.set(Some((e.field().map(str::to_owned), e.to_string()))),
                None => {}
            }
        }
        v
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        touched.set(CARD_FIELDS.to_vec());
        remote.set(None);
        let request = form.get_untracked();
        if let Err(errors) = request.check(today) {
            let first = errors.first().map(|(f, _)| *f);
            if let Some(i) = CARD_FIELDS.iter().position(|f| Some(*f) == first)
                && let Some(input) = inputs[i].get_untracked()
            {
                let _ = input.focus();
            }
            return;
        }
        tokenizing.set(true);
        let (primary, nick) = (make_primary.get_untracked(), nickname.get_untracked());
        leptos::task::spawn_local(async move {
            let result = confirm_card(owner, &request).await;
            tokenizing.set(false);
            match result {
                Ok(setup_intent) => on_confirmed.run(NewCardSubmission {
                    setup_intent,
                    make_primary: primary,
                    nickname: nick,
                }),
                Err(refusal) => remote.set(Some((refusal.field, refusal.message))),
            }
        });
    };

    let brand = move || form.with(|f| digits_of(&f.number).ok().and_then(|d| Brand::detect(&d)));
    let field = move |i: usize,
                      label: &'static str,
                      autocomplete: &'static str,
                      inputmode: &'static str,
                      hint: Option<&'static str>| {
        let name = CARD_FIELDS[i];
        let id = format!("card-{name}");
        let crate::ui::FieldIds {
            error_id,
            hint_id,
            described,
        } = crate::ui::FieldIds::new(&id, hint.is_some());
        view! {
            <div class=format!("field field--{name}")>
                <label for=id.clone()>{label}</label>
                {hint.map(|h| view! { <p id=hint_id.clone() class="field__hint">{h}</p> })}
                <div class="field__control">
                    <input
                        id=id
                        node_ref=inputs[i]
                        type="text"
                        autocomplete=autocomplete
                        inputmode=inputmode
                        spellcheck="false"
                        aria-describedby=described
                        aria-invalid=move || message(name).is_some().to_string()
                        prop:value=move || form.with(|f| get_field(f, name))
                        on:input=move |ev| {
                            form.update(|f| set_field(f, name, event_target_value(&ev)));
                            remote.update(|r| if r.as_ref().is_some_and(|(f, _)| f.as_deref() == Some(name)) { *r = None });
                        }
                        on:blur=move |_| touched.update(|t| if !t.contains(&name) { t.push(name) })
                    />
                    {(name == "number").then(|| view! {
                        <img class="field__brand" width="40" height="26"
                            src=move || format!("/cards/{}.svg", brand().map_or("generic", Brand::icon))
                            alt=move || brand().map_or("", Brand::name) />
                    })}
                </div>
                <p id=error_id class="field__error" role="alert">{move || message(name)}</p>
            </div>
        }
        .into_any()
    };

    view! {
        <button type="button" class="button button--primary" disabled=move || !hydrated.get()
            on:click=move |_| if let Some(d) = dialog.get() { let _ = d.show_modal(); }>
            {open_label}
        </button>
        <noscript><p class="field__hint">"Adding a card needs JavaScript, so your card number goes straight to the payment processor."</p></noscript>
        <dialog node_ref=dialog id=ADD_CARD_DIALOG class="dialog" aria-labelledby="add-card-title" on:close=move |_| reset()>
            <form class="form" novalidate on:submit=submit>
                <h2 id="add-card-title">"Add New Card"</h2>
                {field(0, "Name on card", "cc-name", "text", None)}
                {field(1, "Card number", "cc-number", "numeric", None)}
                <div class="field-row">
                    {field(2, "Expiry (MM/YY)", "cc-exp", "numeric", None)}
                    {field(3, "Security code (CVC)", "cc-csc", "numeric", None)}
                </div>
                {field(4, "Billing ZIP code", "postal-code", "numeric", None)}
                <div class="field">
                    <label for="card-nickname">"Nickname (optional)"</label>
                    <input id="card-nickname" type="text" maxlength="40" aria-describedby="card-nickname-error"
                        prop:value=move || nickname.get() on:input=move |ev| nickname.set(event_target_value(&ev)) />
                    <p id="card-nickname-error" class="field__error" role="alert">{move || message("nickname")}</p>
                </div>
                <div class="field field--check">
                    <input id="card-primary" type="checkbox" prop:checked=move || make_primary.get()
                        on:change=move |ev| make_primary.set(event_target_checked(&ev)) />
                    <label for="card-primary">{primary_label}</label>
                </div>
                <p class="form__error" role="alert">{form_error}</p>
                <div class="dialog__actions">
                    <button type="button" class="button" on:click=move |_| close()>"Cancel"</button>
                    <button type="submit" class="button button--primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Working…" } else { submit_label }}
                    </button>
                </div>
            </form>
        </dialog>
    }
    .into_any()
}
