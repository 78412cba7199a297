//! One-time links by email: issuing them (throttled), sending them, checking and using them up.

use super::{TOKEN_PURPOSE, hash, new_password};
use crate::backend::auth::{TOKEN_TTL_SECS, hash_token, random_token, throttle};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
        mail::{business_sender as sender, templates},
        request::RequestMeta,
        store::{TokenPurpose, TokenUse},
    },
    domain::{CustomerId, EmailAddress},
    error::AppError,
};

use super::EMAILS_PER_HOUR;

/// Issues a one-time token of `purpose` unless the customer already got too many this hour.
async fn issue(
    state: &AppState,
    customer: CustomerId,
    purpose: TokenPurpose,
) -> Result<Option<String>, AppError> {
    let now = state.clock.now();
    let bucket = format!("emails:{purpose:?}:{customer}");
    if !throttle::admit(state, &bucket, EMAILS_PER_HOUR, 3600, now).await? {
        tracing::warn!(customer = %customer, ?purpose, "token not issued: hourly limit reached");
        return Ok(None);
    }
    let raw = random_token();
    state
        .store
        .issue_token(
            customer,
            purpose,
            &hash_token(&state.secret, TOKEN_PURPOSE, &raw),
            now,
            now.plus_seconds(TOKEN_TTL_SECS),
        )
        .await
        .context("issuing a token")?;
    Ok(Some(raw))
}

/// Issues a one-time link (see [`issue`]) and emails it; `false` when the hourly limit held it.
/// With `next` (a path on this site), the page the link opens goes there when it is done.
pub(super) async fn send_link(
    state: &AppState,
    customer: CustomerId,
    name: &str,
    email: &EmailAddress,
    purpose: TokenPurpose,
    next: Option<&str>,
) -> Result<bool, AppError> {
    let Some(raw) = issue(state, customer, purpose).await? else {
        return Ok(false);
    };
    let sender = sender(state).await?;
    let page = match purpose {
        TokenPurpose::Invitation => "verify",
        TokenPurpose::PasswordReset => "reset-password",
    };
    let mut link = format!("{}/{page}?token={raw}", state.public.origin());
    if let Some(next) = next {
        link.push_str("&next=");
        link.push_str(&crate::domain::next::encode_query_value(next));
    }
    let minutes = TOKEN_TTL_SECS / 60;
    let mail = templates::one_time_link(email, name, &sender.name, purpose, &link, minutes);
    state.mailer.send_in_background(sender, mail);
    Ok(true)
}

/// Whether an invitation or reset link can still be used (without using it).
pub async fn token_is_valid(
    state: &AppState,
    raw: &str,
    purpose: TokenPurpose,
) -> Result<bool, AppError> {
    let found = token_customer(state, raw, purpose, TokenUse::Peek).await?;
    Ok(found.is_some())
}

async fn token_customer(
    state: &AppState,
    raw: &str,
    purpose: TokenPurpose,
    how: TokenUse,
) -> Result<Option<CustomerId>, AppError> {
    let hash = hash_token(&state.secret, TOKEN_PURPOSE, raw);
    let now = state.clock.now();
    state
        .store
        .token_customer(&hash, purpose, now, how)
        .await
        .context("reading a token")
}

/// A link used up for a new password: whose it was and the new password's hash.
pub(super) struct Redeemed {
    pub(super) customer: CustomerId,
    pub(super) password_hash: String,
}

/// Throttles by address, checks the new password and the link, hashes the password (only for a
/// live link: hashing is expensive), then uses the link up.
pub(super) async fn redeem_link(
    state: &AppState,
    req: &RequestMeta,
    raw: &str,
    purpose: TokenPurpose,
    password: &str,
    confirm: &str,
) -> Result<Redeemed, AppError> {
    let password = new_password(password, confirm)?;
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
    if !token_is_valid(state, raw, purpose).await? {
        return Err(link_not_valid());
    }
    let password_hash = hash(state, &password).await?;
    let customer = token_customer(state, raw, purpose, TokenUse::UseUp)
        .await?
        .ok_or_else(link_not_valid)?;
    Ok(Redeemed {
        customer,
        password_hash,
    })
}

/// The plain answer for a used, expired, unknown or tampered link.
pub fn link_not_valid() -> AppError {
    AppError::Invalid {
        field: Some("token".into()),
        message: "This link is no longer valid.".into(),
    }
}
