//! "Request an invitation": a customer the office has on file asks for a sign-up link.

use crate::{
    error::AppError,
    ui::{SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Sends an invitation link if the email belongs to a customer without an account; answers
/// the same way for every well-formed email.
#[server(endpoint = "request-invitation")]
pub async fn request_invitation(email: String) -> Result<(), AppError> {
    use crate::backend::{auth::accounts, request::RequestMeta, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    accounts::request_email_link(&state, &req, &email, accounts::EmailLink::Invitation).await
}

/// The frame of a page that takes an email address and always answers "check your email":
/// the form in `children` until `done`, then the confirmation.
#[component]
pub fn EmailRequestPage(
    /// Page title.
    title: &'static str,
    /// The visible heading.
    heading: &'static str,
    /// Whether the request was accepted.
    #[prop(into)]
    done: Signal<bool>,
    /// What the email would be for, e.g. "a link to reset your password".
    what: &'static str,
    /// The sign-in page to go back to.
    #[prop(default = "/login")]
    back_href: &'static str,
    /// The back link's text.
    #[prop(default = "Back to Login")]
    back_label: &'static str,
    /// The explanation and the form.
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Title text=title />
        <section class="card narrow" aria-labelledby="email-request-heading">
            <h1 id="email-request-heading">{heading}</h1>
            <Show when=move || done.get() fallback=move || children()>
                <CheckYourEmail what />
            </Show>
            <p class="aside"><a href=back_href>{back_label}</a></p>
        </section>
    }
}

/// The email field, the form's own error and the submit button of an email request form.
#[component]
pub fn EmailRequestFields(
    /// `id` of the email input.
    id: &'static str,
    /// The form's latest error.
    error: Signal<Option<AppError>>,
    /// The submit button's label.
    submit: &'static str,
    /// Whether the request is being sent.
    #[prop(into)]
    pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <TextField label="Email" name="email" id=id kind="email" autocomplete="email" error=field_message(error, "email") />
        <p class="form__error" role="alert">{move || form_message(error).get()}</p>
        <SubmitButton label=submit busy="Sending…" pending />
    }
}

/// The confirmation shown after any accepted request for an email link.
#[component]
pub fn CheckYourEmail(
    /// What the email would be for.
    what: &'static str,
) -> impl IntoView {
    view! {
        <div class="notice notice--ok" role="status">
            <h2>"Check your email"</h2>
            <p>
                "If that email address is on file with us, we've sent " {what}
                ". The link works once and expires in 60 minutes. Nothing arrived? Check your spam folder or ask the office to confirm the email they have for you."
            </p>
        </div>
    }
}

/// Email in, the same confirmation out.
#[component]
pub fn RequestInvitationPage() -> impl IntoView {
    let request = crate::ui::form_action::<RequestInvitation>();
    let error = action_error(request);
    let done = move || matches!(request.value().get(), Some(Ok(())));
    view! {
        <EmailRequestPage title="Request an invitation" heading="Request an invitation" done=Signal::derive(done) what="a link to set up your account">
            <p>"Enter the email address the office has on file for you. We'll email you a link to set up your Customer Portal account."</p>
            <ActionForm action=request attr:novalidate=true attr:class="form">
                <EmailRequestFields id="invite-email" error submit="Send invitation" pending=request.pending() />
            </ActionForm>
        </EmailRequestPage>
    }
}
