//! Customer account flows: sign in, invitation, verification, password reset and change.

mod passwords;

pub use passwords::{change_password, reset_password, send_reset};

use super::{TOKEN_TTL_SECS, hash_token, random_token, sessions, throttle};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
        mail::{business_sender as sender, templates},
        request::RequestMeta,
        store::{Principal, TokenPurpose, TokenUse},
    },
    domain::{CustomerId, EmailAddress, Password},
    error::AppError,
};

/// Invitation or reset emails per customer per hour, at most.
pub const EMAILS_PER_HOUR: i64 = 3;

const TOKEN_PURPOSE: &str = "auth-token";

fn email_field(input: &str) -> Result<EmailAddress, AppError> {
    EmailAddress::parse(input).map_err(|e| AppError::invalid("email", e.to_string()))
}

/// Checks a new password and its confirmation, with the policy's own messages.
pub fn new_password(password: &str, confirm: &str) -> Result<Password, AppError> {
    let parsed =
        Password::parse(password).map_err(|e| AppError::invalid("password", e.to_string()))?;
    if password != confirm {
        return Err(AppError::invalid(
            "confirm",
            "The two passwords don't match.",
        ));
    }
    Ok(parsed)
}

async fn hash(state: &AppState, password: &Password) -> Result<String, AppError> {
    state
        .passwords
        .hash(password)
        .await
        .context("hashing a password")
}

/// Signs a customer in and returns the new session id (a fresh one every time).
pub async fn login(
    state: &AppState,
    req: &RequestMeta,
    email: &str,
    password: &str,
) -> Result<String, AppError> {
    super::login::sign_in(
        state,
        req,
        super::login::AccountKind::Customer,
        email,
        password,
    )
    .await
    .map(|(_, id)| id)
}

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

/// The one-time links a visitor can ask for by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailLink {
    /// "Request an invitation": a sign-up link for a customer on file without an account.
    Invitation,
    /// "Forgot password?": a reset link for a customer with an account.
    PasswordReset,
}

/// "Request an invitation" and "Forgot password?": the same answer for every well-formed email.
/// The email and the caller's rate are checked and the answer sent at once; the lookup and any
/// email happen in the background, so neither the answer nor its timing tells anything.
pub async fn request_email_link(
    state: &AppState,
    req: &RequestMeta,
    email: &str,
    link: EmailLink,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let email = email_field(email)?;
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
        let done = match link {
            EmailLink::Invitation => send_invitation(&state, &email).await.map(|_| ()),
            EmailLink::PasswordReset => send_reset(&state, &email).await,
        };
        if let Err(e) = done {
            tracing::error!(error = %e, ?link, "emailing a link failed");
        }
    });
    Ok(())
}

/// Sends the invitation (or the "you already have an account" note) to the customer with this
/// email; `false` when nothing was sent (no such customer, or the hourly limit was reached).
pub async fn send_invitation(state: &AppState, email: &EmailAddress) -> Result<bool, AppError> {
    let Some(customer) = state
        .store
        .customer_by_email(email)
        .await
        .context("finding a customer")?
    else {
        return Ok(false);
    };
    let has_account = state
        .store
        .account_info(customer.id)
        .await
        .context("reading an account")?
        .is_some();
    if has_account {
        let bucket = format!("already-registered-email:{}", customer.id);
        let now = state.clock.now();
        if throttle::admit(state, &bucket, EMAILS_PER_HOUR, 3600, now).await? {
            let sender = sender(state).await?;
            let base = state.public.origin();
            let mail = templates::already_registered(
                email,
                &customer.name,
                &sender.name,
                &format!("{base}/login"),
                &format!("{base}/forgot-password"),
            );
            state.mailer.send_in_background(sender, mail);
            return Ok(true);
        }
        return Ok(false);
    }
    send_link(
        state,
        customer.id,
        &customer.name,
        email,
        TokenPurpose::Invitation,
    )
    .await
}

/// Issues a one-time link (see [`issue`]) and emails it; `false` when the hourly limit held it.
async fn send_link(
    state: &AppState,
    customer: CustomerId,
    name: &str,
    email: &EmailAddress,
    purpose: TokenPurpose,
) -> Result<bool, AppError> {
    let Some(raw) = issue(state, customer, purpose).await? else {
        return Ok(false);
    };
    let sender = sender(state).await?;
    let page = match purpose {
        TokenPurpose::Invitation => "verify",
        TokenPurpose::PasswordReset => "reset-password",
    };
    let link = format!("{}/{page}?token={raw}", state.public.origin());
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
struct Redeemed {
    customer: CustomerId,
    password_hash: String,
}

/// Throttles by address, checks the new password and the link, hashes the password (only for a
/// live link: hashing is expensive), then uses the link up.
async fn redeem_link(
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

/// Accepts an invitation: sets the password, verifies the email, signs in (returns the session id).
pub async fn accept_invitation(
    state: &AppState,
    req: &RequestMeta,
    raw: &str,
    password: &str,
    confirm: &str,
) -> Result<String, AppError> {
    let Redeemed {
        customer,
        password_hash,
    } = redeem_link(state, req, raw, TokenPurpose::Invitation, password, confirm).await?;
    let now = state.clock.now();
    let created = state
        .store
        .create_account(customer, &password_hash, now)
        .await
        .context("creating an account")?;
    if !created {
        // An account appeared meanwhile: an invitation never replaces a password.
        return Err(link_not_valid());
    }
    state
        .store
        .record_sign_in(customer, now)
        .await
        .context("recording a sign-in")?;
    sessions::end(state, req).await?;
    sessions::start(state, Principal::Customer(customer)).await
}
