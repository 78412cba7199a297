//! Password flows of customer accounts: "Forgot password?", reset by link, and change while
//! signed in.

use super::{TOKEN_PURPOSE, hash, issue, link_not_valid, new_password, token_is_valid};
use crate::backend::auth::{TOKEN_TTL_SECS, hash_token, sessions, throttle};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
        mail::{business_sender as sender, templates},
        request::RequestMeta,
        store::{Principal, TokenPurpose},
    },
    domain::{CustomerId, EmailAddress},
    error::AppError,
};

/// Sends a reset link to the customer with this email if they have an account.
pub async fn send_reset(state: &AppState, email: &EmailAddress) -> Result<(), AppError> {
    let Some(credentials) = state
        .store
        .account_credentials(email)
        .await
        .context("finding an account")?
    else {
        return Ok(());
    };
    let customer = state
        .store
        .customer(credentials.customer_id)
        .await
        .context("reading a customer")?;
    if let Some(raw) = issue(state, customer.id, TokenPurpose::PasswordReset).await? {
        let sender = sender(state).await?;
        let link = format!("{}/reset-password?token={raw}", state.public.origin());
        let mail = templates::password_reset(
            email,
            &customer.name,
            &sender.name,
            &link,
            TOKEN_TTL_SECS / 60,
        );
        state.mailer.send_in_background(sender, mail);
    }
    Ok(())
}

/// Sets a new password from a reset link, ends every session of the account and clears the
/// failure counter; does not sign in.
pub async fn reset_password(
    state: &AppState,
    req: &RequestMeta,
    raw: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let password = new_password(password, confirm)?;
    throttle::check_ip(
        state,
        req,
        "use-link",
        throttle::IP_REQUEST_LIMIT,
        3600,
        state.clock.now(),
    )
    .await?;
    if !token_is_valid(state, raw, TokenPurpose::PasswordReset).await? {
        return Err(link_not_valid());
    }
    let password_hash = hash(state, &password).await?;
    let now = state.clock.now();
    let customer = state
        .store
        .consume_token(
            &hash_token(&state.secret, TOKEN_PURPOSE, raw),
            TokenPurpose::PasswordReset,
            now,
        )
        .await
        .context("using a reset link")?
        .ok_or_else(link_not_valid)?;
    state
        .store
        .set_account_password(customer, &password_hash)
        .await
        .context("setting a password")?;
    state
        .store
        .delete_sessions_of(Principal::Customer(customer), None)
        .await
        .context("ending sessions")?;
    let email = state
        .store
        .customer(customer)
        .await
        .context("reading a customer")?
        .email;
    state
        .store
        .clear_events_with_prefix(&format!("login-failure:customer:{}", email.as_str()))
        .await
        .context("clearing failures")?;
    Ok(())
}

/// Changes the password of a signed-in customer (the current one is required) and ends their
/// other sessions.
pub async fn change_password(
    state: &AppState,
    req: &RequestMeta,
    session: &sessions::Session,
    customer: CustomerId,
    current: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    if current.is_empty() {
        return Err(AppError::invalid("current", "Enter your current password."));
    }
    // Guessing the current password is throttled like signing in.
    let email = state
        .store
        .customer(customer)
        .await
        .context("reading a customer")?
        .email;
    let buckets = throttle::failure_buckets("customer", email.as_str(), req);
    let now = state.clock.now();
    throttle::count_failure(state, &buckets, now).await?;
    let stored = state
        .store
        .account_password_hash(customer)
        .await
        .context("reading a password")?;
    let ok = state
        .passwords
        .verify(current, &stored)
        .await
        .context("verifying a password")?;
    if !ok {
        return Err(AppError::invalid(
            "current",
            "Your current password is not correct.",
        ));
    }
    throttle::clear_failures(state, "customer", email.as_str()).await?;
    let password = new_password(password, confirm)?;
    let password_hash = hash(state, &password).await?;
    state
        .store
        .set_account_password(customer, &password_hash)
        .await
        .context("setting a password")?;
    // Reset links asked for before the change must not undo it.
    state
        .store
        .void_tokens(customer, TokenPurpose::PasswordReset, now)
        .await
        .context("voiding reset links")?;
    sessions::end_others(state, session).await?;
    Ok(())
}
