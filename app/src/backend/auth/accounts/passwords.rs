//! Password flows of customer accounts: "Forgot password?", reset by link, and change while
//! signed in.

use super::{Redeemed, hash, new_password, redeem_link, send_link};
use crate::backend::auth::{sessions, throttle};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
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
    send_link(
        state,
        customer.id,
        &customer.name,
        email,
        TokenPurpose::PasswordReset,
        None,
    )
    .await?;
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
    let Redeemed {
        customer,
        password_hash,
    } = redeem_link(
        state,
        req,
        raw,
        TokenPurpose::PasswordReset,
        password,
        confirm,
    )
    .await?;
    save_password(state, customer, &password_hash).await?;
    state
        .store
        .delete_sessions_of(Principal::Customer(customer), None)
        .await
        .context("ending sessions")?;
    let email = customer_email(state, customer).await?;
    throttle::clear_failures(state, "customer", email.as_str()).await?;
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
    let email = customer_email(state, customer).await?;
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
    save_password(state, customer, &password_hash).await?;
    // Reset links asked for before the change must not undo it.
    state
        .store
        .void_tokens(customer, TokenPurpose::PasswordReset, now)
        .await
        .context("voiding reset links")?;
    sessions::end_others(state, session).await?;
    Ok(())
}

async fn save_password(state: &AppState, customer: CustomerId, hash: &str) -> Result<(), AppError> {
    state
        .store
        .set_account_password(customer, hash)
        .await
        .context("setting a password")
}

async fn customer_email(state: &AppState, customer: CustomerId) -> Result<EmailAddress, AppError> {
    Ok(state
        .store
        .customer(customer)
        .await
        .context("reading a customer")?
        .email)
}
