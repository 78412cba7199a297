//! "Forgot password?" for office staff, under the customers' rules: the same answer for every
//! well-formed email (the lookup and the email happen in the background), a 256-bit token stored
//! only as an HMAC under its own purpose, single use, expiring after [`TOKEN_TTL_SECS`], older
//! tokens voided by a new one, and a reset that ends every session of the account.

use super::{TOKEN_TTL_SECS, accounts::EMAILS_PER_HOUR, hash_token, random_token, throttle};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
        mail::{business_sender, templates},
        request::RequestMeta,
    },
    domain::EmailAddress,
    error::AppError,
};

/// The HMAC purpose of staff reset tokens (a customer's token never verifies as one).
const TOKEN_PURPOSE: &str = "staff-reset-token";

/// The page a staff reset link opens.
pub const RESET_PAGE: &str = "/office/reset-password";

fn hashed(state: &AppState, raw: &str) -> String {
    hash_token(&state.secret, TOKEN_PURPOSE, raw)
}

/// Checks the email and the caller's rate and answers at once; a reset link goes, in the
/// background, only to an enabled staff member with that email.
pub async fn request_reset(
    state: &AppState,
    req: &RequestMeta,
    email: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let email =
        EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    throttle::check_ip(
        state,
        req,
        "account-email",
        throttle::IP_REQUEST_LIMIT,
        3600,
        now,
    )
    .await?;
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = send_reset(&state, &email).await {
            tracing::error!(error = %e, "emailing a staff reset link failed");
        }
    });
    Ok(())
}

/// Sends a reset link to the enabled staff member with this email; `false` when nothing was
/// sent (no such staff member, or the hourly limit held it).
pub async fn send_reset(state: &AppState, email: &EmailAddress) -> Result<bool, AppError> {
    let Some((staff, _)) = state
        .store
        .staff_credentials(email)
        .await
        .context("finding a staff member")?
    else {
        return Ok(false);
    };
    let now = state.clock.now();
    let bucket = format!("emails:StaffReset:{staff}");
    if !throttle::admit(state, &bucket, EMAILS_PER_HOUR, 3600, now).await? {
        tracing::warn!(%staff, "staff reset link not issued: hourly limit reached");
        return Ok(false);
    }
    let member = state
        .store
        .staff_member(staff)
        .await
        .context("reading staff")?;
    let raw = random_token();
    state
        .store
        .issue_staff_reset_token(
            staff,
            &hashed(state, &raw),
            now,
            now.plus_seconds(TOKEN_TTL_SECS),
        )
        .await
        .context("issuing a staff reset token")?;
    let sender = business_sender(state).await?;
    let link = format!("{}{RESET_PAGE}?token={raw}", state.public.origin());
    let mail = templates::staff_password_reset(
        email,
        &member.name,
        &sender.name,
        &link,
        TOKEN_TTL_SECS / 60,
    );
    state.mailer.send_in_background(sender, mail);
    Ok(true)
}

/// Whether a staff reset link can still be used (without using it).
pub async fn link_is_valid(state: &AppState, raw: &str) -> Result<bool, AppError> {
    state
        .store
        .staff_reset_token_is_live(&hashed(state, raw), state.clock.now())
        .await
        .context("reading a staff reset token")
}

/// Sets a new password from a reset link: throttled by address, the password checked first and
/// hashed only for a live link; then, in one transaction, the link is used up, the password set
/// and every session of the account ended. Clears the account's sign-in failures; does not sign in.
pub async fn reset_password(
    state: &AppState,
    req: &RequestMeta,
    raw: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let password = super::accounts::new_password(password, confirm)?;
    let now = state.clock.now();
    throttle::check_ip(
        state,
        req,
        "use-link",
        throttle::IP_REQUEST_LIMIT,
        3600,
        now,
    )
    .await?;
    if !link_is_valid(state, raw).await? {
        return Err(super::accounts::link_not_valid());
    }
    let password_hash = state
        .passwords
        .hash(&password)
        .await
        .context("hashing a password")?;
    let staff = state
        .store
        .reset_staff_password(&hashed(state, raw), &password_hash, now)
        .await
        .context("resetting a staff password")?
        .ok_or_else(super::accounts::link_not_valid)?;
    let member = state
        .store
        .staff_member(staff)
        .await
        .context("reading staff")?;
    throttle::clear_failures(state, "staff", member.email.as_str()).await?;
    tracing::info!(%staff, "staff password reset by link");
    Ok(())
}
