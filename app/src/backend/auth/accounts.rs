//! Customer account flows: sign in, invitation, verification, password reset and change.

mod links;
mod passwords;

pub use links::{link_not_valid, token_is_valid};
pub use passwords::{change_password, reset_password, send_reset};

use links::{Redeemed, redeem_link, send_link};

use super::{sessions, throttle};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
        mail::{business_sender as sender, templates},
        request::RequestMeta,
        store::{Principal, TokenPurpose},
    },
    domain::{CustomerId, EmailAddress, Password},
    error::AppError,
};

/// Whether the customer has a portal account.
pub async fn has_account(state: &AppState, customer: CustomerId) -> Result<bool, AppError> {
    Ok(state
        .store
        .account_info(customer)
        .await
        .context("reading an account")?
        .is_some())
}

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
    if has_account(state, customer.id).await? {
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
        None,
    )
    .await
}

/// Sends the customer (who has no account) a portal invitation whose page, once the password
/// is set, goes on to `next`; `false` when the hourly limit held it.
pub async fn send_invitation_leading_to(
    state: &AppState,
    customer: CustomerId,
    name: &str,
    email: &EmailAddress,
    next: &str,
) -> Result<bool, AppError> {
    send_link(
        state,
        customer,
        name,
        email,
        TokenPurpose::Invitation,
        Some(next),
    )
    .await
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
