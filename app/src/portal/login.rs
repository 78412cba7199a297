//! The portal's sign-in page.

use crate::{
    error::AppError,
    ui::{SignInCard, SignInFields, SubmitButton, action_error},
};
use leptos::prelude::*;
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
    let login = crate::ui::refusable_action::<Login>();
    let query = use_query_map();
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
    let error = action_error(login);

    view! {
        <SignInCard title="Login" heading="Sign in to your account" heading_id="login-heading" notice=Signal::derive(notice)>
            <ActionForm action=login attr:novalidate=true attr:class="form">
                <SignInFields email_id="login-email" password_id="login-password" email_autocomplete="email" error />
                <SubmitButton label="Login" busy="Signing in…" pending=login.pending() />
            </ActionForm>
            <p class="aside">
                <a href="/forgot-password">"Forgot password?"</a>
                " · "
                <a href="/request-invitation">"Request an invitation"</a>
            </p>
        </SignInCard>
    }
}
