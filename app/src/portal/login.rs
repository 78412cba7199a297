//! The portal's sign-in page.

use crate::{
    error::AppError,
    ui::{SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Signs a customer in, sets a new session cookie and goes to `next` (same-site paths only).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::backend::{
        auth::{accounts, sessions},
        request::{RequestMeta, set_cookie},
        state::app_state,
    };
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    let session_id = accounts::login(&state, &req, &email, &password).await?;
    set_cookie(&sessions::cookie(&state, &session_id));
    leptos_axum::redirect(&crate::domain::next::safe_next(
        next.as_deref().unwrap_or("/"),
    ));
    Ok(())
}

/// Email, password, "Login"; links to request an invitation or reset a password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let notice = move || {
        let q = query.read();
        if q.get("reset").is_some() {
            Some("Your password has been changed. Sign in with your new password.")
        } else if q.get("signed_out").is_some() {
            Some("You have signed out.")
        } else {
            None
        }
    };
    let show_password = RwSignal::new(false);
    let error = action_error(login);

    view! {
        <Title text="Login" />
        <section class="card narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">"Sign in to your account"</h1>
            <p class="notice" role="status">{notice}</p>
            <ActionForm action=login attr:novalidate="true" attr:class="form">
                <input type="hidden" name="next" value=next />
                <TextField label="Email" name="email" id="login-email" kind="email" autocomplete="email" error=field_message(error, "email") />
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <div class="password">
                        <input
                            id="login-password"
                            name="password"
                            type=move || if show_password.get() { "text" } else { "password" }
                            autocomplete="current-password"
                            required
                            aria-describedby="login-password-error"
                        />
                        <button
                            type="button"
                            class="button button--quiet"
                            aria-controls="login-password"
                            aria-pressed=move || show_password.get().to_string()
                            on:click=move |_| show_password.update(|shown| *shown = !*shown)
                        >
                            {move || if show_password.get() { "Hide password" } else { "Show password" }}
                        </button>
                    </div>
                    <p id="login-password-error" class="field__error" role="alert">
                        {move || field_message(error, "password").get()}
                    </p>
                </div>
                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                <SubmitButton label="Login" busy="Signing in…" pending=login.pending() />
            </ActionForm>
            <p class="aside">
                <a href="/forgot-password">"Forgot password?"</a>
                " · "
                <a href="/request-invitation">"Request an invitation"</a>
            </p>
        </section>
    }
}
