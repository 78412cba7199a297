use crate::helpers::{PASSWORD, spawn_app, token_in};
use app::{
    AppError,
    portal::{
        account::ChangePassword,
        invitation::RequestInvitation,
        login::Login,
        password_reset::{ForgotPassword, ResetPassword},
        verify::{AcceptInvitation, InvitationStatus},
    },
};

fn login(email: &str, password: &str, next: Option<&str>) -> Login {
    Login {
        email: email.into(),
        password: password.into(),
        next: next.map(str::to_owned),
    }
}

fn accept(token: &str, password: &str, confirm: &str) -> AcceptInvitation {
    AcceptInvitation {
        token: token.into(),
        password: password.into(),
        confirm: confirm.into(),
        next: None,
        switch_account: None,
    }
}

fn status(token: &str) -> InvitationStatus {
    InvitationStatus {
        token: token.into(),
    }
}

/// Whether `result` refuses the invitation link as no longer valid.
fn link_refused(result: &Result<(), AppError>) -> bool {
    matches!(result, Err(err) if err.message_for("token").is_some_and(|m| m.contains("no longer valid")))
}

#[tokio::test]
async fn login_answers_identically_for_an_unknown_email_and_a_wrong_password() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let wrong = app
        .call_answer(login("maria@example.com", "not the password", None), None)
        .await;
    let unknown = app
        .call_answer(login("nobody@example.com", "not the password", None), None)
        .await;
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!(
        wrong.result,
        Err(AppError::Invalid {
            field: None,
            message: "Email or password is incorrect.".into()
        })
    );
    assert!(wrong.session.is_none() && unknown.session.is_none());
}

#[tokio::test]
async fn request_invitation_answers_identically_for_known_and_unknown_emails() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    let request = |email: &str| RequestInvitation {
        email: email.into(),
    };
    let known = app.call_answer(request("MARIA@example.com"), None).await;
    let unknown = app.call_answer(request("nobody@example.com"), None).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    let mail = app.email(1).await;
    assert!(mail.contains("To: Maria <maria@example.com>"), "{mail}");
    assert!(mail.contains("Content-Type: text/html") && mail.contains("Content-Type: text/plain"));
    assert!(
        mail.contains("http://portal.test/verify?token="),
        "links use the public URL"
    );
}

#[tokio::test]
async fn forgot_password_answers_identically_for_known_and_unknown_emails() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let forgot = |email: &str| ForgotPassword {
        email: email.into(),
    };
    let known = app.call_answer(forgot("maria@example.com"), None).await;
    let unknown = app.call_answer(forgot("nobody@example.com"), None).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert!(app.email(2).await.contains("/reset-password?token="));
}

#[tokio::test]
async fn an_invitation_token_is_stored_only_as_a_hash_and_works_once() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    let token = app.invitation_token("maria@example.com").await;
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    let stored = app.store.all_token_hashes().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored.iter().any(|h| h.contains(&token)),
        "raw token in the database"
    );

    let first = app
        .call_answer(accept(&token, PASSWORD, PASSWORD), None)
        .await;
    assert!(first.result.is_ok(), "{}", first.body);
    assert_eq!(first.location.as_deref(), Some("/"));
    let session = first.session.expect("signed in after accepting");
    assert_eq!(app.whoami(&session).await.as_deref(), Some("Maria"));

    let again = app.call(accept(&token, PASSWORD, PASSWORD), None).await;
    assert!(link_refused(&again), "{again:?}");
}

#[tokio::test]
async fn an_invitation_link_expires_after_60_minutes() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    let token = app.invitation_token("maria@example.com").await;
    app.clock.advance(60 * 60 + 1);
    assert_eq!(app.call(status(&token), None).await, Ok(false));
    let late = app.call(accept(&token, PASSWORD, PASSWORD), None).await;
    assert!(link_refused(&late), "{late:?}");
}

#[tokio::test]
async fn a_new_invitation_makes_the_older_link_invalid() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    let old = app.invitation_token("maria@example.com").await;
    let new = app.invitation_token("maria@example.com").await;
    assert_ne!(old, new);
    assert_eq!(app.call(status(&old), None).await, Ok(false));
    assert_eq!(app.call(status(&new), None).await, Ok(true));
    let tampered = format!("{}x", &new[..new.len() - 1]);
    assert_eq!(app.call(status(&tampered), None).await, Ok(false));
}

#[tokio::test]
async fn an_existing_account_gets_a_sign_in_reminder_instead_of_an_invitation() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let request = RequestInvitation {
        email: "maria@example.com".into(),
    };
    app.call(request, None).await.unwrap();
    let mail = app.email(2).await;
    assert!(mail.contains("already have an account"), "{mail}");
    assert!(!mail.contains("/verify?token="));
}

#[tokio::test]
async fn weak_too_long_and_too_common_passwords_each_get_their_own_message() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    let token = app.invitation_token("maria@example.com").await;
    let long = "x".repeat(129);
    for (password, confirm, message) in [
        ("short", "short", "Use at least 8 characters."),
        (long.as_str(), long.as_str(), "Use at most 128 characters."),
        ("password123", "password123", "This password is too common."),
        (
            PASSWORD,
            "something else entirely",
            "The two passwords don't match.",
        ),
    ] {
        let err = app
            .call(accept(&token, password, confirm), None)
            .await
            .unwrap_err();
        assert_eq!(err.status(), 400, "{password}: {err:?}");
        assert!(err.to_string().contains(message), "{password}: {err:?}");
    }
    assert_eq!(
        app.call(status(&token), None).await,
        Ok(true),
        "refusals use nothing up"
    );
}

#[tokio::test]
async fn a_next_address_on_another_site_is_ignored() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let evil = app
        .call_answer(
            login("maria@example.com", PASSWORD, Some("https://evil.example")),
            None,
        )
        .await;
    assert_eq!(evil.location.as_deref(), Some("/"));
    let ours = app
        .call_answer(login("maria@example.com", PASSWORD, Some("/account")), None)
        .await;
    assert_eq!(ours.location.as_deref(), Some("/account"));
}

#[tokio::test]
async fn a_password_reset_ends_other_sessions_and_only_the_new_password_works() {
    let app = spawn_app().await;
    let (_, first_session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let forgot = ForgotPassword {
        email: "maria@example.com".into(),
    };
    app.call(forgot, None).await.unwrap();
    let token = token_in(&app.email(2).await, "/reset-password?token=");
    let new_password = "kettle meadow copper";
    let reset = ResetPassword {
        token,
        password: new_password.into(),
        confirm: new_password.into(),
    };
    let reset = app.call_answer(reset, None).await;
    assert_eq!(
        reset.location.as_deref(),
        Some("/login?reset=1"),
        "{}",
        reset.body
    );
    assert!(reset.session.is_none(), "a reset does not sign in");
    assert_eq!(
        app.whoami(&first_session).await,
        None,
        "other sessions ended"
    );
    let old = app
        .call(login("maria@example.com", PASSWORD, None), None)
        .await
        .unwrap_err();
    assert_eq!(old.status(), 400, "{old:?}");
    app.login("maria@example.com", new_password).await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (_, phone) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let laptop = app.login("maria@example.com", PASSWORD).await;
    let new_password = "kettle meadow copper";
    let change = |current: &str| ChangePassword {
        current: current.into(),
        password: new_password.into(),
        confirm: new_password.into(),
    };
    let wrong = app.call(change("guess"), Some(&laptop)).await.unwrap_err();
    assert!(
        wrong
            .to_string()
            .contains("current password is not correct"),
        "{wrong:?}"
    );
    app.call(change(PASSWORD), Some(&laptop)).await.unwrap();
    assert_eq!(app.whoami(&phone).await, None);
    assert_eq!(app.whoami(&laptop).await.as_deref(), Some("Maria"));
}

#[tokio::test]
async fn an_invitation_used_while_signed_in_as_someone_else_asks_first_then_ends_that_session() {
    let app = spawn_app().await;
    let (_, ana) = app
        .customer_with_account("Ana", "ana@example.com", PASSWORD)
        .await;
    app.add_customer("Maria", "maria@example.com").await;
    let token = app.invitation_token("maria@example.com").await;

    let asked = app
        .call(accept(&token, PASSWORD, PASSWORD), Some(&ana))
        .await;
    let message = asked
        .expect_err("asks first")
        .message_for("switch_account")
        .unwrap_or_default();
    assert!(
        message.contains("signed in as ana@example.com"),
        "{message}"
    );
    assert_eq!(app.whoami(&ana).await.as_deref(), Some("Ana"), "still Ana");
    assert_eq!(
        app.call(status(&token), None).await,
        Ok(true),
        "the link still works"
    );

    let mut confirmed = accept(&token, PASSWORD, PASSWORD);
    confirmed.switch_account = Some("yes".into());
    let answer = app.call_answer(confirmed, Some(&ana)).await;
    assert!(answer.result.is_ok(), "{}", answer.body);
    let maria = answer.session.expect("signed in as Maria");
    assert_eq!(app.whoami(&maria).await.as_deref(), Some("Maria"));
    assert_eq!(app.whoami(&ana).await, None, "Ana's session ended");
}
