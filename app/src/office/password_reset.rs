//! "Forgot password?" for staff and the staff reset link's page: the customers' pages and
//! components, with the office's own functions and addresses.

use crate::{
    error::AppError,
    portal::{
        invitation::{EmailRequestFields, EmailRequestPage},
        verify::{NewPasswordFields, OneTimeLinkPage},
    },
    ui::{SubmitButton, action_error, form_message},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Emails a reset link if the address belongs to an enabled staff member; answers the same way
/// for every email.
#[server(endpoint = "office/forgot-password")]
pub async fn office_forgot_password(email: String) -> Result<(), AppError> {
    use crate::backend::{auth::staff_reset, request::RequestMeta, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    staff_reset::request_reset(&state, &req, &email).await
}

/// Whether a staff reset link can still be used.
#[server(endpoint = "office/reset-status")]
pub async fn office_reset_status(token: String) -> Result<bool, AppError> {
    use crate::backend::{auth::staff_reset, state::app_state};
    let state = app_state()?;
    staff_reset::link_is_valid(&state, &token).await
}

/// Sets the new password, signs the account out everywhere and goes to the office sign-in.
#[server(endpoint = "office/reset-password")]
pub async fn office_reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::backend::{auth::staff_reset, request::RequestMeta, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    staff_reset::reset_password(&state, &req, &token, &password, &confirm).await?;
    leptos_axum::redirect("/office/login?reset=1");
    Ok(())
}

/// `/office/forgot-password`: email in, the same confirmation out.
#[component]
pub fn OfficeForgotPasswordPage() -> impl IntoView {
    let request = crate::ui::form_action::<OfficeForgotPassword>();
    let error = action_error(request);
    let done = move || matches!(request.value().get(), Some(Ok(())));
    view! {
        <EmailRequestPage title="Forgot password" heading="Reset your office password" done=Signal::derive(done)
            what="a link to reset your password" back_href="/office/login" back_label="Back to Office sign-in">
            <p>"Enter the email you sign in to the office with and we'll send you a link to choose a new password."</p>
            <ActionForm action=request attr:novalidate=true attr:class="form">
                <EmailRequestFields id="office-forgot-email" error submit="Send reset link" pending=request.pending() />
            </ActionForm>
        </EmailRequestPage>
    }
}

/// `/office/reset-password?token=…`: choose a new office password.
#[component]
pub fn OfficeResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new(token, office_reset_status);
    let reset = crate::ui::refusable_action::<OfficeResetPassword>();
    let error = action_error(reset);
    let link_dead = move || error.get().is_some_and(|e| e.field() == Some("token"));
    view! {
        <OneTimeLinkPage
            title="Choose a new password"
            status=status
            link_dead=Signal::derive(link_dead)
            retry_href="/office/forgot-password"
            retry_label="Send a new reset link"
        >
            <h1>"Choose a new password"</h1>
            <p>"You'll be signed out of the office on every device and can then sign in with the new password."</p>
            <ActionForm action=reset attr:novalidate=true attr:class="form">
                <input type="hidden" name="token" value=token />
                <NewPasswordFields error=error />
                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                <SubmitButton label="Change password" busy="Saving…" pending=reset.pending() />
            </ActionForm>
        </OneTimeLinkPage>
    }
}
