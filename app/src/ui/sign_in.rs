//! The parts the portal's and the office's sign-in pages share.

use super::{TextField, field_message, form_message};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A sign-in page's frame: title, heading, a status line for notices, then the form.
#[component]
pub fn SignInCard(
    /// The browser tab's title.
    title: &'static str,
    /// The page's heading.
    heading: &'static str,
    /// `id` of the heading (unique on the page).
    heading_id: &'static str,
    /// A notice above the form, e.g. after signing out.
    #[prop(into)]
    notice: Signal<Option<&'static str>>,
    /// The form, and anything below it.
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title />
        <section class="card narrow" aria-labelledby=heading_id>
            <h1 id=heading_id>{heading}</h1>
            <p class="notice" role="status">{notice}</p>
            {children()}
        </section>
    }
}

/// The fields of a sign-in form: where to go afterwards (the page's `next`), email, a password
/// that can be shown, and the form's own error.
#[component]
pub fn SignInFields(
    /// `id` of the email input (unique on the page).
    email_id: &'static str,
    /// `id` of the password input (unique on the page).
    password_id: &'static str,
    /// Autocomplete hint of the email input (`email`, or `username` for staff accounts).
    email_autocomplete: &'static str,
    /// The sign-in's refusal, if any.
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    // After a refused post without JavaScript, where it was going comes back with what was typed.
    let kept_next = super::kept_input("next");
    let next = move || {
        query
            .read()
            .get("next")
            .or_else(|| kept_next.clone())
            .unwrap_or_default()
    };
    let password_error_id = format!("{password_id}-error");
    let shown = RwSignal::new(false);
    view! {
        <input type="hidden" name="next" value=next />
        <TextField label="Email" name="email" id=email_id kind="email" autocomplete=email_autocomplete error=field_message(error, "email") />
        <div class="field">
            <label for=password_id>"Password"</label>
            <div class="password">
                <input
                    id=password_id
                    name="password"
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete="current-password"
                    required
                    aria-describedby=password_error_id.clone()
                />
                <button
                    type="button"
                    class="button button--quiet"
                    aria-controls=password_id
                    aria-pressed=move || shown.get().to_string()
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { "Hide password" } else { "Show password" }}
                </button>
            </div>
            <p id=password_error_id class="field__error" role="alert">
                {move || field_message(error, "password").get()}
            </p>
        </div>
        <p class="form__error" role="alert">{move || form_message(error).get()}</p>
    }
}
