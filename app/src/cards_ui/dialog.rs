//! The "Add New Card" dialog: the processor's card form (its fields live in the processor's
//! frame, so no card number ever reaches Porchlight's page or server), a nickname and the
//! primary choice; it hands only the confirmed setup's id to its page.

use super::setup::{CardForm, CardOwner, IN_FRAME};
use crate::{
    domain::{card::parse_nickname, consent::CardTerms},
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
    /// The card-on-file terms' version the customer agreed to (portal; when the card is kept).
    pub agreed_terms: Option<u32>,
    /// The staff member confirmed the customer agreed out loud (office).
    pub spoken_consent: bool,
}

const TERMS_REQUIRED: &str = "Tick the box to agree to the card-on-file terms.";
const SPOKEN_REQUIRED: &str =
    "Tick the box to confirm the customer agreed to keep this card on file.";

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
    /// Consent is asked only when the card is kept (the pay page's "Save this card").
    #[prop(default = false)]
    consent_only_when_kept: bool,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let slot = NodeRef::<html::Div>::new();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // The mounted processor form, and which mount is current (a closed dialog's late mount is
    // thrown away).
    let card_form = StoredValue::new(None::<CardForm>);
    let mounts = StoredValue::new(0_u32);
    let loading = RwSignal::new(false);
    let ready = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);
    let nickname_error = RwSignal::new(None::<String>);
    let make_primary = RwSignal::new(false);
    let nickname = RwSignal::new(String::new());
    // The terms shown (from the setup's answer) and the consent box.
    let terms = RwSignal::new(None::<CardTerms>);
    let consented = RwSignal::new(false);
    let consent_error = RwSignal::new(None::<String>);
    let consent_box = NodeRef::<html::Input>::new();
    let spoken = matches!(owner, CardOwner::Customer(_));
    let consent_asked = move || !consent_only_when_kept || make_primary.get();
    let busy = Signal::derive(move || confirming.get() || saving.get());

    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let unmount = move || {
        mounts.update_value(|n| *n += 1);
        if let Some(form) = card_form.try_update_value(Option::take).flatten() {
            form.destroy();
        }
        loading.set(false);
        ready.set(false);
    };
    // Begins a setup and mounts the processor's form for it (again after a saved setup, whose
    // card cannot be saved twice).
    let mount = move || {
        unmount();
        let Some(target) = slot.get_untracked() else {
            return;
        };
        let this = mounts.get_value();
        loading.set(true);
        leptos::task::spawn_local(async move {
            let on_ready = move || {
                ready.set(true);
                if let Some(form) = card_form.try_get_value().flatten() {
                    form.focus();
                }
            };
            let mounted = CardForm::mount(owner, &target, on_ready, close).await;
            if mounts.try_get_value() != Some(this) {
                if let Ok((form, _)) = mounted {
                    form.destroy();
                }
                return;
            }
            loading.set(false);
            match mounted {
                Ok((form, shown)) => {
                    card_form.set_value(Some(form));
                    // New terms (saved meanwhile) must be agreed to again.
                    if terms.get_untracked() != shown {
                        consented.set(false);
                    }
                    terms.set(shown);
                }
                Err(refusal) => form_error.set(Some(refusal.message)),
            }
        });
    };
    let reset = move || {
        unmount();
        confirming.set(false);
        form_error.set(None);
        nickname_error.set(None);
        make_primary.set(false);
        nickname.set(String::new());
        consented.set(false);
        consent_error.set(None);
    };

    // A finished save: success closes the dialog; a refusal shows, and the next try gets a new
    // setup (the confirmed one is spent).
    Effect::new(move |prev: Option<usize>| {
        let v = version.get();
        if prev.is_some_and(|p| p != v) {
            match outcome.get_untracked() {
                Some(Ok(_)) => close(),
                Some(Err(e)) => {
                    if e.field() == Some("nickname") {
                        nickname_error.set(Some(e.to_string()));
                    } else if matches!(e.field(), Some("terms" | "spoken_consent")) {
                        consent_error.set(Some(e.to_string()));
                    } else {
                        form_error.set(Some(e.to_string()));
                    }
                    mount();
                }
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
        form_error.set(None);
        let nick = nickname.get_untracked();
        if let Err(message) = parse_nickname(&nick) {
            nickname_error.set(Some(message));
            return;
        }
        nickname_error.set(None);
        let asked = !consent_only_when_kept || make_primary.get_untracked();
        if asked && !consented.get_untracked() {
            consent_error.set(Some(
                if spoken {
                    SPOKEN_REQUIRED
                } else {
                    TERMS_REQUIRED
                }
                .to_owned(),
            ));
            if let Some(input) = consent_box.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        consent_error.set(None);
        let agreed_terms = terms
            .get_untracked()
            .filter(|_| asked && !spoken)
            .map(|t| t.version);
        let Some(form) = card_form.get_value().filter(|_| ready.get_untracked()) else {
            form_error.set(Some(
                "The secure card form is still loading. Please try again in a moment.".into(),
            ));
            return;
        };
        confirming.set(true);
        let primary = make_primary.get_untracked();
        leptos::task::spawn_local(async move {
            let result = form.confirm().await;
            confirming.set(false);
            match result {
                Ok(setup_intent) => on_confirmed.run(NewCardSubmission {
                    setup_intent,
                    make_primary: primary,
                    nickname: nick,
                    agreed_terms,
                    spoken_consent: spoken,
                }),
                // The frame shows it beside the field and moved focus there.
                Err(refusal) if refusal.field.as_deref() == Some(IN_FRAME) => {}
                Err(refusal) => form_error.set(Some(refusal.message)),
            }
        });
    };

    // Opening the dialog (by its button or by the page) mounts the form; closing removes it.
    let toggled = move |_| {
        let open = dialog.get_untracked().is_some_and(|d| d.open());
        let mounted = card_form.with_value(Option::is_some) || loading.get_untracked();
        if open && !mounted {
            mount();
        }
    };

    view! {
        <button type="button" class="button button--primary" disabled=move || !hydrated.get()
            on:click=move |_| if let Some(d) = dialog.get() { let _ = d.show_modal(); }>
            {open_label}
        </button>
        <noscript><p class="field__hint">"Adding a card needs JavaScript, so your card number goes straight to the payment processor."</p></noscript>
        <dialog node_ref=dialog id=ADD_CARD_DIALOG class="dialog" aria-labelledby="add-card-title"
            on:toggle=toggled on:close=move |_| reset()>
            <form class="form" novalidate on:submit=submit>
                <h2 id="add-card-title">"Add New Card"</h2>
                <p class="field__hint">"Your card details go straight to our payment processor; we keep only the card's brand, last 4 digits and expiry."</p>
                <p class="card-frame__status" role="status">
                    {move || (!ready.get() && form_error.with(Option::is_none)).then_some("Loading the secure card form…")}
                </p>
                <div class="card-frame" node_ref=slot></div>
                <div class="field">
                    <label for="card-nickname">"Nickname (optional)"</label>
                    <input id="card-nickname" type="text" maxlength="40" aria-describedby="card-nickname-error"
                        aria-invalid=move || nickname_error.with(Option::is_some).to_string()
                        prop:value=move || nickname.get() on:input=move |ev| nickname.set(event_target_value(&ev)) />
                    <p id="card-nickname-error" class="field__error" role="alert">{move || nickname_error.get()}</p>
                </div>
                <div class="field field--check">
                    <input id="card-primary" type="checkbox" prop:checked=move || make_primary.get()
                        on:change=move |ev| make_primary.set(event_target_checked(&ev)) />
                    <label for="card-primary">{primary_label}</label>
                </div>
                <Show when=move || consent_asked() && (spoken || terms.with(Option::is_some))>
                    <ConsentField spoken terms consented consent_error consent_box />
                </Show>
                <p class="form__error" role="alert">{move || form_error.get()}</p>
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

/// The card-on-file terms (portal) and the consent box, or the office's spoken-consent box.
#[component]
fn ConsentField(
    /// The office's spoken consent (no terms shown).
    spoken: bool,
    /// The terms to show.
    terms: RwSignal<Option<CardTerms>>,
    /// The box.
    consented: RwSignal<bool>,
    /// Why the card could not be saved without it.
    consent_error: RwSignal<Option<String>>,
    /// The box, to focus when it was not ticked.
    consent_box: NodeRef<html::Input>,
) -> impl IntoView {
    let label = if spoken {
        "The customer agreed, on the phone or in person, to keep this card on file"
    } else {
        "I agree to keep this card on file under these terms"
    };
    let shown = move || {
        terms.get().filter(|_| !spoken).map(|t| {
            view! {
                <div class="field">
                    <p id="card-terms-heading" class="field__label">{format!("Card-on-file terms (version {})", t.version)}</p>
                    <div class="terms" tabindex="0" role="region" aria-labelledby="card-terms-heading">{t.text}</div>
                </div>
            }
            .into_any()
        })
    };
    view! {
        {shown}
        <div class="field field--check">
            <input id="card-consent" type="checkbox" node_ref=consent_box aria-describedby="card-consent-error"
                aria-invalid=move || consent_error.with(Option::is_some).to_string()
                prop:checked=move || consented.get()
                on:change=move |ev| { consented.set(event_target_checked(&ev)); consent_error.set(None); } />
            <label for="card-consent">{label}</label>
        </div>
        <p id="card-consent-error" class="field__error" role="alert">{move || consent_error.get()}</p>
    }
    .into_any()
}
