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
    let add = ServerAction::<AddPaymentMethod>::new();
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
        move || {
            actions
                .update
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|e| e.message_for(field))
        }
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
    let (expiry_id, zip_id, nickname_id) = (
        format!("{edit_dialog}-expiry"),
        format!("{edit_dialog}-zip"),
        format!("{edit_dialog}-nickname"),
    );
    let (expiry_for, zip_for, nickname_for) =
        (expiry_id.clone(), zip_id.clone(), nickname_id.clone());
    let (expiry_error_id, zip_error_id, nickname_error_id) = (
        format!("{expiry_id}-error"),
        format!("{zip_id}-error"),
        format!("{nickname_id}-error"),
    );
    let (expiry_error_for, zip_error_for, nickname_error_for) = (
        expiry_error_id.clone(),
        zip_error_id.clone(),
        nickname_error_id.clone(),
    );
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
                <ActionForm action=actions.update attr:class="form" attr:novalidate="true">
                    <input type="hidden" name="id" value=id_edit />
                    <div class="field">
                        <label for=expiry_for>"Expiry (MM/YY)"</label>
                        <input id=expiry_id name="expiry" value=expiry inputmode="numeric" autocomplete="cc-exp"
                            aria-describedby=expiry_error_for aria-invalid=move || update_error("expiry")().is_some().to_string() />
                        <p id=expiry_error_id class="field__error" role="alert">{update_error("expiry")}</p>
                    </div>
                    <div class="field">
                        <label for=zip_for>"Billing ZIP code"</label>
                        <input id=zip_id name="zip" value=zip inputmode="numeric" autocomplete="postal-code"
                            aria-describedby=zip_error_for aria-invalid=move || update_error("zip")().is_some().to_string() />
                        <p id=zip_error_id class="field__error" role="alert">{update_error("zip")}</p>
                    </div>
                    <div class="field">
                        <label for=nickname_for>"Nickname (optional)"</label>
                        <input id=nickname_id name="nickname" value=nickname maxlength="40"
                            aria-describedby=nickname_error_for aria-invalid=move || update_error("nickname")().is_some().to_string() />
                        <p id=nickname_error_id class="field__error" role="alert">{update_error("nickname")}</p>
                    </div>
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
