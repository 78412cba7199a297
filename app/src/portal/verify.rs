//! The invitation link: verify the email and set the first password.

use crate::{
    error::AppError,
    ui::{SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Whether an invitation link can still be used.
#[server(endpoint = "invitation-status")]
pub async fn invitation_status(token: String) -> Result<bool, AppError> {
    use crate::backend::{auth::accounts, state::app_state, store::TokenPurpose};
    let state = app_state()?;
    accounts::token_is_valid(&state, &token, TokenPurpose::Invitation).await
}

/// The email of the account the visitor is signed in as, if any: an invitation asks before it
/// signs them out of it.
#[server(endpoint = "signed-in-as")]
pub async fn signed_in_as() -> Result<Option<String>, AppError> {
    use crate::backend::{auth::sessions, request::RequestMeta, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    match sessions::resolve(&state, &req).await? {
        Some(session) => sessions::principal_email(&state, session.principal)
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Sets the password, verifies the email, signs in and goes to the dashboard (or to `next`, a
/// path on this site the invitation named, e.g. Add New Card for the office's card request).
/// A visitor signed in as another account must say so first (`switch_account`); that session
/// then ends.
#[server(endpoint = "accept-invitation")]
pub async fn accept_invitation(
    token: String,
    password: String,
    confirm: String,
    #[server(default)] next: Option<String>,
    #[server(default)] switch_account: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{
        auth::{accounts, sessions},
        request::{RequestMeta, set_cookie},
        state::app_state,
    };
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    let current = sessions::resolve(&state, &req).await?;
    if let Some(current) = &current
        && switch_account.is_none()
    {
        let email = sessions::principal_email(&state, current.principal).await?;
        return Err(AppError::invalid(
            "switch_account",
            format!(
                "You are signed in as {email}. Tick the box to sign out of that account and set this account's password."
            ),
        ));
    }
    let session_id = accounts::accept_invitation(&state, &req, &token, &password, &confirm).await?;
    if current.is_some() {
        sessions::end(&state, &req).await?;
    }
    set_cookie(&sessions::cookie(&state, &session_id));
    let next = crate::domain::next::safe_next(next.as_deref().unwrap_or("/"));
    leptos_axum::redirect(&next);
    Ok(())
}

/// The page for a link that is used, expired, unknown or tampered with.
#[component]
pub fn LinkNoLongerValid(
    /// Where to ask for a new link.
    retry_href: &'static str,
    /// The retry link's text.
    retry_label: &'static str,
) -> impl IntoView {
    view! {
        <h1>"This link is no longer valid"</h1>
        <p>"Links in our emails work once and expire after 60 minutes. You can ask for a new one."</p>
        <p><a class="button button--primary" href=retry_href>{retry_label}</a></p>
    }
}

/// A new password and its confirmation, with the policy spelled out.
#[component]
pub fn NewPasswordFields(
    /// The form's latest error.
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <TextField label="New password" name="password" id="new-password" kind="password" autocomplete="new-password"
            hint="At least 8 characters. A few unrelated words make a strong, memorable password."
            error=field_message(error, "password") />
        <TextField label="Confirm new password" name="confirm" id="confirm-password" kind="password" autocomplete="new-password"
            error=field_message(error, "confirm") />
    }
}

/// `/verify?token=…`: "Set your password" for a valid link, a plain explanation otherwise.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    // After a refused post without JavaScript the page comes back with what was posted instead.
    let kept_next = crate::ui::kept_input("next");
    let next = Signal::derive(move || {
        query
            .read()
            .get("next")
            .or_else(|| kept_next.clone())
            .unwrap_or_else(|| "/".to_owned())
    });
    let status = Resource::new(token, invitation_status);
    let signed_in = Resource::new(|| (), |_| signed_in_as());
    let accept = crate::ui::refusable_action::<AcceptInvitation>();
    let error = action_error(accept);
    let link_dead = move || error.get().is_some_and(|e| e.field() == Some("token"));
    view! {
        <OneTimeLinkPage
            title="Set your password"
            status=status
            link_dead=Signal::derive(link_dead)
            retry_href="/request-invitation"
            retry_label="Request a new invitation"
        >
            <h1>"Set your password"</h1>
            <p>"Your email is confirmed once you choose a password."</p>
            <ActionForm action=accept attr:novalidate=true attr:class="form">
                <input type="hidden" name="token" value=token />
                <input type="hidden" name="next" value=next />
                <NewPasswordFields error=error />
                <Suspense>
                    {move || Suspend::new(async move {
                        signed_in.await.ok().flatten().map(|email| view! { <SwitchAccount email error /> })
                    })}
                </Suspense>
                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                <SubmitButton label="Set password and sign in" busy="Saving…" pending=accept.pending() />
            </ActionForm>
        </OneTimeLinkPage>
    }
}

/// For a visitor signed in as another account: the box that signs them out of it.
#[component]
fn SwitchAccount(
    /// The account they are signed in as.
    email: String,
    /// The form's latest error.
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <p id="switch-account-hint" class="field__hint">
                {format!("You are signed in as {email}. This link is for another account.")}
            </p>
            <label class="checkbox">
                <input type="checkbox" name="switch_account" value="yes" required
                    aria-describedby="switch-account-hint switch-account-error"
                    aria-invalid=move || error.get().is_some_and(|e| e.field() == Some("switch_account")).to_string() />
                {format!(" Sign out of {email} and continue")}
            </label>
            <p id="switch-account-error" class="field__error" role="alert">{move || field_message(error, "switch_account").get()}</p>
        </div>
    }
}

/// A page behind an emailed one-time link: `children` while the link is usable, otherwise the
/// plain "no longer valid" page with a way to ask for a new one.
#[component]
pub fn OneTimeLinkPage(
    /// The page title.
    title: &'static str,
    /// Whether the link can still be used, as the server says.
    status: Resource<Result<bool, AppError>>,
    /// Set when a submission found the link used up meanwhile.
    link_dead: Signal<bool>,
    /// Where to ask for a new link.
    retry_href: &'static str,
    /// The retry link's text.
    retry_label: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <Title text=title />
        <section class="card narrow">
            <Suspense fallback=|| view! { <p role="status">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    let valid = status.await.unwrap_or(false);
                    view! {
                        <Show
                            when=move || valid && !link_dead.get()
                            fallback=move || view! { <LinkNoLongerValid retry_href retry_label /> }
                        >
                            {children.read_value()()}
                        </Show>
                    }
                })}
            </Suspense>
        </section>
    }
}
