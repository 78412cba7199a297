//! Small building blocks shared by the portal's forms.

mod confirm;
mod done;
mod sign_in;
mod table;

pub use confirm::{Confirm, ConfirmButton};
pub use done::{DoneElement, form_action, kept_input, refusable_action};
pub use sign_in::{SignInCard, SignInFields};
pub use table::{RowTable, Table};

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::params::Params;

/// A page's data could not be loaded: the plain sentence, announced to screen readers.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    view! { <p class="form__error" role="alert">{error.to_string()}</p> }
}

/// A resource's data drawn by `children` once loaded: a status line while the first load runs,
/// the last data while it reloads, and the plain sentence (under `heading`, if given) on failure.
#[component]
pub fn Loaded<T, V, F>(
    /// The data.
    resource: Resource<Result<T, AppError>>,
    /// What the status line says while loading, e.g. "Loading your cards…".
    loading: &'static str,
    /// Page title and heading shown above the error when the page has nothing else to show.
    #[prop(optional)]
    heading: Option<&'static str>,
    /// Draws the data.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p role="status">{loading}</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => children(data).into_any(),
                        Err(error) => view! {
                            {heading.map(|text| view! { <leptos_meta::Title text=text /><h1>{text}</h1> })}
                            <LoadError error />
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A count of successful changes: key a resource on it to reload after a change, but not after a
/// refused form (which keeps its input and messages).
#[derive(Clone, Copy)]
pub struct Changes(RwSignal<u32>);

impl Changes {
    /// No changes yet.
    pub fn new() -> Self {
        Changes(RwSignal::new(0))
    }

    /// Also counts each successful result of `action` from now on (not one it started with: the
    /// page was loaded after it).
    pub fn track<I, O>(self, action: ServerAction<I>) -> Self
    where
        I: leptos::server_fn::ServerFn<Output = O, Error = AppError>
            + Clone
            + Send
            + Sync
            + 'static,
        O: Clone + Send + Sync + 'static,
    {
        Effect::new(move |first: Option<()>| {
            if matches!(action.value().get(), Some(Ok(_))) && first.is_some() {
                self.bump();
            }
        });
        self
    }

    /// Counts one change.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }

    /// The count, tracked.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl Default for Changes {
    fn default() -> Self {
        Self::new()
    }
}

/// The `:id` segment of a route, as text: the server function parses it at its edge and answers
/// "not found" for an unusable one.
#[derive(leptos::Params, Clone, Debug, PartialEq)]
pub struct IdPath {
    /// The segment, if the route has one.
    pub id: Option<String>,
}

/// The current route's `:id` (empty when missing), tracked.
pub fn use_id() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params::<IdPath>();
    move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    }
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

/// The ids that tie an input to its hint and error message.
pub struct FieldIds {
    /// `id` of the error message.
    pub error_id: String,
    /// `id` of the hint.
    pub hint_id: String,
    /// The input's `aria-describedby`: the hint (if any), then the error.
    pub described: String,
}

impl FieldIds {
    /// The ids for the input `id`, with or without a hint.
    pub fn new(id: &str, has_hint: bool) -> Self {
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described = if has_hint {
            format!("{hint_id} {error_id}")
        } else {
            error_id.clone()
        };
        FieldIds {
            error_id,
            hint_id,
            described,
        }
    }
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
    let FieldIds {
        error_id,
        hint_id,
        described,
    } = FieldIds::new(id, hint.is_some());
    // What was typed before a refused post without JavaScript wins over the stored value.
    let kept = (kind != "password").then(|| kept_input(name)).flatten();
    let value = kept.or(value);
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
