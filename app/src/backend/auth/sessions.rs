//! Server-side sessions: random id in an HttpOnly cookie, its HMAC in the database.

use super::{hash_token, random_token};
use crate::error::Context as _;
use crate::{
    backend::{
        AppState,
        request::{Caller, RequestMeta, session_cookie_name},
        store::Principal,
    },
    error::AppError,
};

/// A session ends after 30 minutes without use.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
/// A session ends 12 hours after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// A session in use is written (its last use recorded) at most once per this many seconds, so
/// signed-in page loads are reads.
pub const TOUCH_INTERVAL_SECS: i64 = 60;

const HASH_PURPOSE: &str = "session";

/// A valid session of the current request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose it is.
    pub principal: Principal,
    /// The stored hash of its id.
    pub id_hash: String,
}

/// The stored form of a raw session id.
pub fn id_hash(secret: &crate::backend::Secret, raw: &str) -> String {
    hash_token(secret, HASH_PURPOSE, raw)
}

/// Creates a session and returns the raw id for the cookie.
pub async fn start(state: &AppState, principal: Principal) -> Result<String, AppError> {
    let raw = random_token();
    state
        .store
        .insert_session(&id_hash(&state.secret, &raw), principal, state.clock.now())
        .await
        .context("starting a session")?;
    Ok(raw)
}

/// The request's session if it exists and has not timed out; an expired one is deleted. Looked
/// up once per request: what the middleware resolved ([`Caller`]) is returned as it is.
pub async fn resolve(state: &AppState, req: &RequestMeta) -> Result<Option<Session>, AppError> {
    if let Some(Caller(resolved)) = &req.caller {
        return Ok(resolved.clone());
    }
    let Some(raw) = &req.session_id else {
        return Ok(None);
    };
    let _step = crate::backend::request::step("reading the session");
    let id_hash = id_hash(&state.secret, raw);
    let record = state
        .store
        .session(&id_hash)
        .await
        .context("reading a session")?;
    let Some(record) = record else {
        return Ok(None);
    };
    let now = state.clock.now();
    let idle = now.unix() - record.last_seen_at.unix();
    let age = now.unix() - record.created_at.unix();
    if idle >= IDLE_TIMEOUT_SECS || age >= ABSOLUTE_TIMEOUT_SECS {
        state
            .store
            .delete_session(&id_hash)
            .await
            .context("ending an expired session")?;
        return Ok(None);
    }
    if idle >= TOUCH_INTERVAL_SECS {
        let _step = crate::backend::request::step("recording session activity");
        state
            .store
            .touch_session(&id_hash, now)
            .await
            .context("touching a session")?;
    }
    Ok(Some(Session {
        principal: record.principal,
        id_hash,
    }))
}

/// Deletes the request's session server side (its cookie becomes worthless).
pub async fn end(state: &AppState, req: &RequestMeta) -> Result<(), AppError> {
    if let Some(raw) = &req.session_id {
        let id_hash = id_hash(&state.secret, raw);
        state
            .store
            .delete_session(&id_hash)
            .await
            .context("ending a session")?;
    }
    Ok(())
}

/// The email a principal signs in with.
pub async fn principal_email(state: &AppState, principal: Principal) -> Result<String, AppError> {
    Ok(match principal {
        Principal::Customer(id) => state
            .store
            .customer(id)
            .await
            .context("reading the signed-in customer")?
            .email
            .as_str()
            .to_owned(),
        Principal::Staff(id) => state
            .store
            .staff_member(id)
            .await
            .context("reading the signed-in staff member")?
            .email
            .as_str()
            .to_owned(),
    })
}

/// Ends every other session of the same principal.
pub async fn end_others(state: &AppState, session: &Session) -> Result<u64, AppError> {
    state
        .store
        .delete_sessions_of(session.principal, Some(&session.id_hash))
        .await
        .context("ending other sessions")
}

/// The `Set-Cookie` value that stores a session id.
pub fn cookie(state: &AppState, raw: &str) -> String {
    let https = state.public.is_https();
    format!(
        "{}={raw}; Path=/; HttpOnly; SameSite=Lax; Max-Age={ABSOLUTE_TIMEOUT_SECS}{}",
        session_cookie_name(https),
        if https { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clearing_cookie(state: &AppState) -> String {
    let https = state.public.is_https();
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        session_cookie_name(https),
        if https { "; Secure" } else { "" }
    )
}

/// Ends the current request's session, clears its cookie and redirects to `to`.
pub async fn sign_out_current(to: &str) -> Result<(), AppError> {
    use crate::backend::{request::set_cookie, state::app_state};
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    end(&state, &req).await?;
    set_cookie(&clearing_cookie(&state));
    leptos_axum::redirect(to);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        backend::{
            Clock, PasswordHasher, PublicSettings, Secret, gateway::sandbox::SandboxGateway,
            mail::Mailer, testing::fresh_store,
        },
        domain::{CustomerId, Timestamp},
    };
    use std::sync::Arc;

    async fn state() -> AppState {
        let (store, _) = fresh_store().await;
        let secret = Secret::new(vec![7; 32]).unwrap();
        let clock = Clock::manual(Timestamp::from_unix(1_790_000_000));
        let public = PublicSettings {
            public_url: "http://portal.test".into(),
            outbox_dir: std::env::temp_dir().join("porchlight-sessions-test"),
            smtp_url: None,
            trusted_proxies: Default::default(),
        };
        AppState {
            gateway: Arc::new(SandboxGateway::new(
                store.clone(),
                secret.clone(),
                clock.clone(),
            )),
            mailer: Mailer::new(&public).unwrap(),
            store,
            secret,
            passwords: PasswordHasher::new(1),
            clock,
            public: Arc::new(public),
            leptos_options: leptos::config::LeptosOptions::builder()
                .output_name("porchlight")
                .build(),
        }
    }

    #[tokio::test]
    async fn a_session_the_middleware_resolved_is_not_looked_up_again() {
        let state = state().await;
        // With the database gone, any lookup would fail: only the resolved caller can answer.
        state.store.close().await;
        let session = Session {
            principal: Principal::Customer(CustomerId::new(7)),
            id_hash: "hash".into(),
        };
        let resolved = RequestMeta {
            session_id: Some("raw-id".into()),
            caller: Some(Caller(Some(session.clone()))),
            ..RequestMeta::default()
        };
        assert_eq!(resolve(&state, &resolved).await, Ok(Some(session)));
        let visitor = RequestMeta {
            caller: Some(Caller(None)),
            ..RequestMeta::default()
        };
        assert_eq!(resolve(&state, &visitor).await, Ok(None));
        let unresolved = RequestMeta {
            session_id: Some("raw-id".into()),
            ..RequestMeta::default()
        };
        assert!(
            resolve(&state, &unresolved).await.is_err(),
            "this one asks the database"
        );
    }
}
