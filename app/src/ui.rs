//! Small building blocks shared by the portal's forms.

use crate::error::AppError;
use leptos::prelude::*;

/// A page's data could not be loaded: the plain sentence, announced to screen readers.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    view! { <p class="form__error" role="alert">{error.to_string()}</p> }
}

/// The error of the latest submission of a form's action, if any.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// The message for one field out of a form's error.
pub fn field_message(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.message_for(field)))
}

/// The message that belongs to the whole form (not to one field).
pub fn form_message(error: Signal<Option<AppError>>) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    })
}

/// A labelled input with its error message announced to screen readers.
#[component]
pub fn TextField(
    /// Visible label, also the accessible name.
    label: &'static str,
    /// Form field name.
    name: &'static str,
    /// `id` of the input (unique on the page).
    id: &'static str,
    /// Input type (`email`, `password`, `text`).
    #[prop(default = "text")]
    kind: &'static str,
    /// Autocomplete hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Error to show under the input.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Help text under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Initial value (for editing).
    #[prop(optional, into)]
    value: Option<String>,
    /// Whether the field may be left empty.
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="field__hint">{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                required=!optional
                aria-describedby=described
                aria-invalid=move || error.get().is_some().to_string()
            />
            <p id=error_id class="field__error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A submit button that says it is working while its action is pending.
#[component]
pub fn SubmitButton(
    /// Label when idle (the accessible name).
    label: &'static str,
    /// Label while pending.
    busy: &'static str,
    /// Whether the action is pending.
    #[prop(into)]
    pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="button button--primary" disabled=move || pending.get()>
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

/// "Newer" / "Older" links under a paginated list at `path` (nothing when it fits on one page).
#[component]
pub fn Pager(
    paging: (u32, u32),
    #[prop(into)] path: String,
    param: &'static str,
    label: &'static str,
) -> impl IntoView {
    let (page, pages) = paging;
    (pages > 1).then(|| {
        let link = move |n: u32| format!("{path}?{param}={n}");
        view! {
            <nav class="pager" aria-label=label>
                {(page > 1).then(|| view! { <a href=link(page - 1)>"Newer"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a href=link(page + 1)>"Older"</a> })}
            </nav>
        }
    })
}
