//! Password sign-in for customers and staff: one code path, the same rules for both.

use super::{sessions, throttle};
use crate::error::Context as _;
use crate::{
    backend::{AppState, request::RequestMeta, store::Principal},
    domain::{EmailAddress, Password},
    error::AppError,
};

/// The one answer for an unknown email and a wrong password alike.
pub const BAD_CREDENTIALS: &str = "Email or password is incorrect.";

/// Which kind of account signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// A customer's portal account.
    Customer,
    /// An office staff account (disabled ones cannot sign in).
    Staff,
}

impl AccountKind {
    fn as_str(self) -> &'static str {
        match self {
            AccountKind::Customer => "customer",
            AccountKind::Staff => "staff",
        }
    }
}

async fn credentials(
    state: &AppState,
    kind: AccountKind,
    email: &EmailAddress,
) -> Result<Option<(Principal, String)>, AppError> {
    let found = match kind {
        AccountKind::Customer => state
            .store
            .account_credentials(email)
            .await
            .map(|c| c.map(|c| (Principal::Customer(c.customer_id), c.password_hash))),
        AccountKind::Staff => state
            .store
            .staff_credentials(email)
            .await
            .map(|c| c.map(|(id, hash)| (Principal::Staff(id), hash))),
    };
    found.context("reading credentials")
}

/// Checks the password (throttled, timing-safe for unknown emails), rotates the session and
/// returns who signed in with their new session id.
pub async fn sign_in(
    state: &AppState,
    req: &RequestMeta,
    kind: AccountKind,
    email: &str,
    password: &str,
) -> Result<(Principal, String), AppError> {
    let now = state.clock.now();
    throttle::check_ip(
        state,
        req,
        "login",
        throttle::IP_LOGIN_LIMIT,
        throttle::SHORT_WINDOW_SECS,
        now,
    )
    .await?;
    let email =
        EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let buckets = throttle::failure_buckets(kind.as_str(), email.as_str(), req);
    // Counted before checking, so parallel guesses cannot slip past the limit; a success clears it.
    throttle::count_failure(state, &buckets, now).await?;
    let found = credentials(state, kind, &email).await?;
    // Unknown emails are checked against a dummy hash so both answers take as long.
    let stored_hash = match &found {
        Some((_, hash)) => hash.clone(),
        None => state.passwords.dummy_hash().await.context("dummy hash")?,
    };
    let matches = state
        .passwords
        .verify(password, &stored_hash)
        .await
        .context("verifying a password")?;
    let Some((principal, old_hash)) = found.filter(|_| matches) else {
        return Err(AppError::Invalid {
            field: None,
            message: BAD_CREDENTIALS.into(),
        });
    };
    throttle::clear_failures(state, kind.as_str(), email.as_str()).await?;
    let rehash = match Password::parse(password) {
        Ok(parsed) if state.passwords.needs_rehash(&old_hash) => {
            Some(state.passwords.hash(&parsed).await.context("rehashing")?)
        }
        _ => None,
    };
    let stored = match principal {
        Principal::Customer(id) => {
            let recorded = state.store.record_sign_in(id, now).await;
            match &rehash {
                Some(hash) => recorded.and(state.store.set_account_password(id, hash).await),
                None => recorded,
            }
        }
        Principal::Staff(id) => match &rehash {
            Some(hash) => state.store.set_staff_password(id, hash).await,
            None => Ok(()),
        },
    };
    stored.context("recording a sign-in")?;
    // Rotation: the old session (if any) ends, a new id is issued.
    sessions::end(state, req).await?;
    let id = sessions::start(state, principal).await?;
    Ok((principal, id))
}
