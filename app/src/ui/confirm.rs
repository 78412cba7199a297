//! Confirming a destructive action before it happens.

use leptos::prelude::*;

/// A destructive action behind a disclosure: `summary` opens it, `children` (the form) confirms.
#[component]
pub fn Confirm(
    /// What opens it, e.g. "Void…".
    #[prop(into)]
    summary: String,
    /// The form that carries out the action.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary>{summary}</summary>
            {children()}
        </details>
    }
}

/// Inside a [`Confirm`]'s form: its hidden fields, what will happen, and the button that does it.
#[component]
pub fn ConfirmButton(
    /// Hidden form fields, name and value.
    hidden: Vec<(&'static str, String)>,
    /// What will happen.
    #[prop(into)]
    message: String,
    /// The button's text, naming the thing acted on.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
        <p>{message}</p>
        <button type="submit" class="button">{label}</button>
    }
}
