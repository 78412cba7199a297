//! The Saved Payment Methods page: the card list with Set as Primary, Edit and Delete, the
//! "Add New Card" dialog and the history. Set as Primary, Edit and Delete are plain form posts,
//! so they work before (or without) the WebAssembly.

use super::api::{
    AddPaymentMethod, DeletePaymentMethod, SetPrimaryPaymentMethod, UpdatePaymentMethod,
    payment_methods,
};
use crate::ui::{Changes, LoadError, Loaded, form_action, kept_input};
use crate::{
    cards_ui::{
        ADD_CARD_DIALOG, AddCardDialog, CardOwner, CardRow, CardSummary, HistoryList,
        NewCardSubmission, close_dialog, close_open_dialogs, open_dialog,
    },
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/payment-methods`.
#[component]
pub fn PaymentMethodsPage() -> impl IntoView {
    view! {
        <Title text="Saved Payment Methods" />
        <Cards />
    }
}

/// The actions one card row needs.
#[derive(Clone, Copy)]
struct RowActions {
    set_primary: ServerAction<SetPrimaryPaymentMethod>,
    delete: ServerAction<DeletePaymentMethod>,
    update: ServerAction<UpdatePaymentMethod>,
}

#[component]
fn Cards() -> impl IntoView {
    let add = crate::ui::refusable_action::<AddPaymentMethod>();
    let actions = RowActions {
        set_primary: form_action(),
        delete: form_action(),
        update: form_action(),
    };
    // The latest result of any action, for the live region; a success also reloads the list. A
    // page loaded after a post without JavaScript starts with that post's result.
    let first = [
        (actions.set_primary.value().get_untracked(), true),
        (actions.delete.value().get_untracked(), true),
        (actions.update.value().get_untracked(), false),
    ]
    .into_iter()
    .find_map(|(result, errors_here)| result.filter(|r| r.is_ok() || errors_here));
    let notice = RwSignal::new(first);
    let changes = Changes::new();
    let watch = move |value: Signal<Option<Result<String, AppError>>>, errors_here: bool| {
        Effect::new(move |seen: Option<()>| {
            // What the page started with is already in `notice` and in the list.
            if seen.is_none() {
                value.track();
                return;
            }
            if let Some(result) = value.get() {
                if result.is_ok() {
                    changes.bump();
                    // The list re-renders in place: dialogs that did their job must not stay open.
                    close_open_dialogs(".pm-list");
                }
                if result.is_ok() || errors_here {
                    notice.set(Some(result));
                }
            }
        });
    };
    watch(add.value().into(), false);
    watch(actions.set_primary.value().into(), true);
    watch(actions.delete.value().into(), true);
    watch(actions.update.value().into(), false);
    let data = Resource::new(move || changes.get(), |_| payment_methods());
    let on_confirmed = Callback::new(move |card: NewCardSubmission| {
        add.dispatch(AddPaymentMethod {
            setup_intent: card.setup_intent,
            make_primary: card.make_primary,
            nickname: card.nickname,
            agreed_terms: card.agreed_terms,
        });
    });
    // Links from emails open a dialog once the list is there: an expiry reminder's "Update card"
    // (`?edit={id}`, only a card in this customer's list) opens Edit, the office's card request
    // (`?add=1`) opens Add New Card.
    let query = leptos_router::hooks::use_query_map();
    let (edit_opened, add_opened) = (StoredValue::new(false), StoredValue::new(false));
    // The office's "Request card on file" links here with `?add=1`: open Add New Card.
    Effect::new(move |_| {
        let asked = query.with(|q| q.get("add").is_some_and(|v| v == "1"));
        let ready = data.with(|d| matches!(d, Some(Ok(_))));
        if asked && ready && !add_opened.get_value() {
            add_opened.set_value(true);
            request_animation_frame(|| open_dialog(ADD_CARD_DIALOG));
        }
    });
    Effect::new(move |_| {
        let Some(id) = query.with(|q| q.get("edit")) else {
            return;
        };
        let listed = data
            .with(|d| matches!(d, Some(Ok(d)) if d.cards.iter().any(|c| c.id.to_string() == id)));
        if listed && !edit_opened.get_value() {
            edit_opened.set_value(true);
            let dialog = format!("edit-card-{id}");
            request_animation_frame(move || open_dialog(&dialog));
        }
    });
    let unavailable = move || matches!(data.get(), Some(Err(AppError::SwitchedOff(_))));
    view! {
        <div class="page-head">
            <h1>"Saved Payment Methods"</h1>
            <Show when=move || !unavailable()>
                <AddCardDialog owner=CardOwner::SignedInCustomer on_confirmed=on_confirmed saving=add.pending() outcome=add.value() version=add.version() />
            </Show>
        </div>
        <p class="lede">"Your primary card is used by default when you pay invoices."</p>
        <div class="notices">
            {move || match notice.get() {
                Some(Ok(m)) => view! { <p class="toast" role="status">{m}</p> }.into_any(),
                Some(Err(e)) => view! { <LoadError error=e /> }.into_any(),
                None => view! { <p class="toast toast--empty" role="status"></p> }.into_any(),
            }}
        </div>
        <Loaded resource=data loading="Loading your cards…" let:d>
            {if d.cards.is_empty() {
                            view! {
                                <section class="card empty-state">
                                    <h2>"No saved cards yet"</h2>
                                    <p>"Save a card with “Add Payment Method” and paying an invoice takes one click."</p>
                                </section>
                            }.into_any()
                        } else {
                            view! {
                                <ul class="pm-list" aria-label="Saved cards">
                                    {d.cards.into_iter().map(|card| view! { <CardItem card=card actions=actions /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <details class="card history">
                            <summary>"History"</summary>
                            <HistoryList rows=d.history />
                        </details>
        </Loaded>
    }
}

#[component]
fn CardItem(card: CardRow, actions: RowActions) -> impl IntoView {
    let id = card.id.to_string();
    let label = card.label();
    let delete_dialog = format!("delete-card-{id}");
    let edit_dialog = format!("edit-card-{id}");
    let update_error = move |field: &'static str| {
        Signal::derive(move || {
            actions
                .update
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|e| e.message_for(field))
        })
    };
    // The error that belongs to no field (e.g. the card was removed meanwhile).
    let update_general = move || {
        actions
            .update
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| {
                ["expiry", "zip", "nickname"]
                    .iter()
                    .all(|f| e.message_for(f).is_none())
            })
    };
    // A refused edit without JavaScript comes back with its message and what was typed: the
    // card's Edit dialog is open when the page arrives, its fields as they were sent.
    let refused_here = actions
        .update
        .value()
        .with_untracked(|v| matches!(v, Some(Err(_))))
        && kept_input("id").as_deref() == Some(id.as_str());
    let typed = |name: &str, stored: String| {
        if refused_here {
            kept_input(name).unwrap_or_default()
        } else {
            stored
        }
    };
    let primary = card.is_primary;
    let expiry = typed("expiry", card.expiry.to_string());
    let (zip, nickname) = (
        typed("zip", card.zip.clone()),
        typed("nickname", card.nickname.clone()),
    );
    let (open_delete, open_edit) = (delete_dialog.clone(), edit_dialog.clone());
    let (close_delete, close_edit) = (delete_dialog.clone(), edit_dialog.clone());
    let set_primary_form = (!primary && !card.expired).then(|| {
        let (id, label) = (id.clone(), label.clone());
        view! {
            <ActionForm action=actions.set_primary attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button">"Set as Primary"<span class="visually-hidden">{format!(" {label}")}</span></button>
            </ActionForm>
        }
    });
    let (delete_title, edit_title) = (
        format!("{delete_dialog}-title"),
        format!("{edit_dialog}-title"),
    );
    let (delete_labelledby, edit_labelledby) = (delete_title.clone(), edit_title.clone());
    let field_id = |name: &str| format!("{edit_dialog}-{name}");
    let (expiry_id, zip_id, nickname_id) =
        (field_id("expiry"), field_id("zip"), field_id("nickname"));
    let (hidden_label_1, hidden_label_2) = (format!(" {label}"), format!(" {label}"));
    let (delete_heading, edit_heading) = (format!("Delete {label}?"), format!("Edit {label}"));
    let (id_delete, id_edit) = (id.clone(), id);
    let (delete_for_open, delete_for_close, delete_for_dialog) =
        (delete_dialog.clone(), delete_dialog.clone(), delete_dialog);
    let (edit_for_open, edit_for_close, edit_for_dialog) =
        (edit_dialog.clone(), edit_dialog.clone(), edit_dialog);
    view! {
        <li class="pm card">
            <CardSummary card=card />
            <div class="pm__actions">
                {set_primary_form}
                <button type="button" class="button" commandfor=edit_for_open command="show-modal"
                    on:click=move |_| open_dialog(&open_edit)>
                    "Edit"<span class="visually-hidden">{hidden_label_1}</span>
                </button>
                <button type="button" class="button button--danger" commandfor=delete_for_open command="show-modal"
                    on:click=move |_| open_dialog(&open_delete)>
                    "Delete"<span class="visually-hidden">{hidden_label_2}</span>
                </button>
            </div>
            <dialog id=delete_for_dialog class="dialog" aria-labelledby=delete_labelledby>
                <h2 id=delete_title>{delete_heading}</h2>
                <p>"You can add it again later, but it won't be available for payments until you do."</p>
                {primary.then(|| view! { <p>"This is your primary card: your most recently added other card will become primary."</p> })}
                <div class="dialog__actions">
                    <button type="button" class="button" commandfor=delete_for_close command="close"
                        on:click=move |_| close_dialog(&close_delete)>"Cancel"</button>
                    <ActionForm action=actions.delete attr:class="inline-form">
                        <input type="hidden" name="id" value=id_delete />
                        <button type="submit" class="button button--danger">"Delete"</button>
                    </ActionForm>
                </div>
            </dialog>
            <dialog id=edit_for_dialog class="dialog" aria-labelledby=edit_labelledby open=refused_here>
                <h2 id=edit_title>{edit_heading}</h2>
                <ActionForm action=actions.update attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id_edit />
                    <EditField label="Expiry (MM/YY)" name="expiry" id=expiry_id value=expiry inputmode="numeric" autocomplete="cc-exp" error=update_error("expiry") />
                    <EditField label="Billing ZIP code" name="zip" id=zip_id value=zip inputmode="numeric" autocomplete="postal-code" error=update_error("zip") />
                    <EditField label="Nickname (optional)" name="nickname" id=nickname_id value=nickname maxlength="40" error=update_error("nickname") />
                    <p class="form__error" role="alert">{move || update_general().map(|e| e.to_string())}</p>
                    <div class="dialog__actions">
                        <button type="button" class="button" commandfor=edit_for_close command="close"
                            on:click=move |_| close_dialog(&close_edit)>"Cancel"</button>
                        <button type="submit" class="button button--primary" disabled=move || actions.update.pending().get()>"Save changes"</button>
                    </div>
                </ActionForm>
            </dialog>
        </li>
    }
}

/// One field of a card's Edit form with its message, announced to screen readers.
#[component]
fn EditField(
    label: &'static str,
    name: &'static str,
    id: String,
    value: String,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] maxlength: Option<&'static str>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name value=value inputmode=inputmode autocomplete=autocomplete maxlength=maxlength
                aria-describedby=error_id.clone() aria-invalid=move || error.get().is_some().to_string() />
            <p id=error_id class="field__error" role="alert">{move || error.get()}</p>
        </div>
    }
}
