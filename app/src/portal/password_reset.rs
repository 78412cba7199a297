//! "Forgot password?" and the reset link's page.

use super::{
    invitation::{EmailRequestFields, EmailRequestPage},
    verify::{NewPasswordFields, OneTimeLinkPage},
};
use crate::{
    error::AppError,
    ui::{SubmitButton, action_error, form_message},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Emails a reset link if the address has an account; answers the same way for every email.
#[server(endpoint = "forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::backend::{auth::accounts, request::RequestMeta, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    accounts::request_email_link(&state, &req, &email, accounts::EmailLink::PasswordReset).await
}

/// Whether a reset link can still be used.
#[server(endpoint = "reset-status")]
pub async fn reset_status(token: String) -> Result<bool, AppError> {
    use crate::backend::{auth::accounts, state::app_state, store::TokenPurpose};
    let state = app_state()?;
    accounts::token_is_valid(&state, &token, TokenPurpose::PasswordReset).await
}

/// Sets the new password, signs the account out everywhere and goes to Login.
#[server(endpoint = "reset-password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::backend::{auth::accounts, request::RequestMeta, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    accounts::reset_password(&state, &req, &token, &password, &confirm).await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// Email in, the same confirmation out.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = crate::ui::form_action::<ForgotPassword>();
    let error = action_error(request);
    let done = move || matches!(request.value().get(), Some(Ok(())));
    view! {
        <EmailRequestPage title="Forgot password" heading="Reset your password" done=Signal::derive(done) what="a link to reset your password">
            <p>"Enter your account's email address and we'll send you a link to choose a new password."</p>
            <ActionForm action=request attr:novalidate=true attr:class="form">
                <EmailRequestFields id="forgot-email" error submit="Send reset link" pending=request.pending() />
            </ActionForm>
        </EmailRequestPage>
    }
}

/// `/reset-password?token=…`: choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new(token, reset_status);
    let reset = crate::ui::refusable_action::<ResetPassword>();
    let error = action_error(reset);
    let link_dead = move || error.get().is_some_and(|e| e.field() == Some("token"));
    view! {
        <OneTimeLinkPage
            title="Choose a new password"
            status=status
            link_dead=Signal::derive(link_dead)
            retry_href="/forgot-password"
            retry_label="Send a new reset link"
        >
            <h1>"Choose a new password"</h1>
            <p>"You'll be signed out on every device and can then sign in with the new password."</p>
            <ActionForm action=reset attr:novalidate=true attr:class="form">
                <input type="hidden" name="token" value=token />
                <NewPasswordFields error=error />
                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                <SubmitButton label="Change password" busy="Saving…" pending=reset.pending() />
            </ActionForm>
        </OneTimeLinkPage>
    }
}
