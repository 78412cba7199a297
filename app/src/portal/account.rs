//! `/account`: change password, sign out of other devices, last sign-in.

use super::verify::NewPasswordFields;
#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    domain::Timestamp,
    error::AppError,
    ui::{Loaded, SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// What the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFacts {
    /// Sign-in email.
    pub email: String,
    /// The latest sign-in (this one included).
    pub last_sign_in: Option<Timestamp>,
}

/// The signed-in customer's account facts.
#[server(endpoint = "account")]
pub async fn account_overview() -> Result<AccountFacts, AppError> {
    let (state, _, id) = super::session::require_customer().await?;
    let customer = state
        .store
        .customer(id)
        .await
        .context("reading the customer")?;
    let info = state
        .store
        .account_info(id)
        .await
        .context("reading the account")?;
    Ok(AccountFacts {
        email: customer.email.to_string(),
        last_sign_in: info.and_then(|i| i.last_sign_in_at),
    })
}

/// Changes the password (the current one is required) and signs out every other device.
#[server(endpoint = "change-password")]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::backend::{auth::accounts, request::RequestMeta};
    let (state, session, id) = super::session::require_customer().await?;
    let req = RequestMeta::current(state.public.is_https())?;
    accounts::change_password(&state, &req, &session, id, &current, &password, &confirm).await
}

/// Ends every session of this account except the current one; returns how many ended.
#[server(endpoint = "sign-out-others")]
pub async fn sign_out_other_devices() -> Result<u64, AppError> {
    use crate::backend::auth::sessions;
    let (state, session, _) = super::session::require_customer().await?;
    sessions::end_others(&state, &session).await
}

/// The account page, for signed-in customers.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Account" />
        <AccountDetails />
    }
}

#[component]
fn AccountDetails() -> impl IntoView {
    let overview = Resource::new(|| (), |_| account_overview());
    let change = crate::ui::form_action::<ChangePassword>();
    let others = crate::ui::form_action::<SignOutOtherDevices>();
    let error = action_error(change);
    let changed = move || matches!(change.value().get(), Some(Ok(())));
    let others_message = move || match others.value().get() {
        Some(Ok(0)) => Some("No other devices were signed in.".to_owned()),
        Some(Ok(n)) => Some(format!(
            "Signed out of {n} other device{}.",
            if n == 1 { "" } else { "s" }
        )),
        Some(Err(e)) => Some(e.to_string()),
        None => None,
    };
    view! {
        <h1>"Your account"</h1>
        <div class="stack">
            <section class="card" aria-labelledby="account-facts">
                <h2 id="account-facts">"Sign-in details"</h2>
                <Loaded resource=overview loading="Loading…" let:o>
                    <dl class="facts">
                                    <dt>"Email"</dt><dd>{o.email}</dd>
                                    <dt>"Last sign-in"</dt>
                                    <dd>{o.last_sign_in.map(crate::domain::Timestamp::date_time).unwrap_or_else(|| "—".to_owned())}</dd>
                                </dl>
                </Loaded>
            </section>
            <section class="card" aria-labelledby="change-password-heading">
                <h2 id="change-password-heading">"Change password"</h2>
                <p class="notice notice--ok" role="status">
                    {move || changed().then_some("Your password has been changed. Other devices have been signed out.")}
                </p>
                <ActionForm action=change attr:novalidate=true attr:class="form">
                    <TextField label="Current password" name="current" id="current-password" kind="password" autocomplete="current-password" error=field_message(error, "current") />
                    <NewPasswordFields error=error />
                    <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                    <SubmitButton label="Change password" busy="Saving…" pending=change.pending() />
                </ActionForm>
            </section>
            <section class="card" aria-labelledby="devices-heading">
                <h2 id="devices-heading">"Devices"</h2>
                <p>"Signed in on a shared or lost device? End every session except this one."</p>
                <ActionForm action=others>
                    <SubmitButton label="Sign out of other devices" busy="Signing out…" pending=others.pending() />
                </ActionForm>
                <p class="notice" role="status">{others_message}</p>
            </section>
        </div>
    }
}
