use crate::helpers::{spawn_app, token_in};

const PASSWORD: &str = "lantern porch evening";

#[tokio::test]
async fn login_answers_identically_for_an_unknown_email_and_a_wrong_password() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let wrong = app
        .call(
            "login",
            &[
                ("email", "maria@example.com"),
                ("password", "not the password"),
            ],
            None,
        )
        .await;
    let unknown = app
        .call(
            "login",
            &[
                ("email", "nobody@example.com"),
                ("password", "not the password"),
            ],
            None,
        )
        .await;
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert!(
        wrong.body.contains("Email or password is incorrect."),
        "{}",
        wrong.body
    );
    assert!(wrong.session.is_none() && unknown.session.is_none());
}

#[tokio::test]
async fn request_invitation_answers_identically_for_known_and_unknown_emails() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    let known = app
        .call(
            "request-invitation",
            &[("email", "MARIA@example.com")],
            None,
        )
        .await;
    let unknown = app
        .call(
            "request-invitation",
            &[("email", "nobody@example.com")],
            None,
        )
        .await;
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
    let known = app
        .call("forgot-password", &[("email", "maria@example.com")], None)
        .await;
    let unknown = app
        .call("forgot-password", &[("email", "nobody@example.com")], None)
        .await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert!(app.email(2).await.contains("/reset-password?token="));
}

#[tokio::test]
async fn an_invitation_token_is_stored_only_as_a_hash_and_works_once() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    app.call(
        "request-invitation",
        &[("email", "maria@example.com")],
        None,
    )
    .await;
    let token = token_in(&app.email(1).await, "/verify?token=");
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    let stored = app.store.all_token_hashes().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored.iter().any(|h| h.contains(&token)),
        "raw token in the database"
    );

    let form = [
        ("token", token.as_str()),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ];
    let first = app.call("accept-invitation", &form, None).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.location.as_deref(), Some("/"));
    let session = first.session.expect("signed in after accepting");
    assert_eq!(app.whoami(&session).await.as_deref(), Some("Maria"));

    let again = app.call("accept-invitation", &form, None).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("no longer valid"), "{}", again.body);
}

#[tokio::test]
async fn an_invitation_link_expires_after_60_minutes() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    app.call(
        "request-invitation",
        &[("email", "maria@example.com")],
        None,
    )
    .await;
    let token = token_in(&app.email(1).await, "/verify?token=");
    app.clock.advance(60 * 60 + 1);
    let status = app
        .call("invitation-status", &[("token", &token)], None)
        .await;
    assert_eq!(status.body, "false");
    let late = app
        .call(
            "accept-invitation",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(late.status, 400);
    assert!(late.body.contains("no longer valid"));
}

#[tokio::test]
async fn a_new_invitation_makes_the_older_link_invalid() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    app.call(
        "request-invitation",
        &[("email", "maria@example.com")],
        None,
    )
    .await;
    let old = token_in(&app.email(1).await, "/verify?token=");
    app.call(
        "request-invitation",
        &[("email", "maria@example.com")],
        None,
    )
    .await;
    let new = token_in(&app.email(2).await, "/verify?token=");
    assert_ne!(old, new);
    assert_eq!(
        app.call("invitation-status", &[("token", &old)], None)
            .await
            .body,
        "false"
    );
    assert_eq!(
        app.call("invitation-status", &[("token", &new)], None)
            .await
            .body,
        "true"
    );
    let tampered = format!("{}x", &new[..new.len() - 1]);
    assert_eq!(
        app.call("invitation-status", &[("token", &tampered)], None)
            .await
            .body,
        "false"
    );
}

#[tokio::test]
async fn an_existing_account_gets_a_sign_in_reminder_instead_of_an_invitation() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    app.call(
        "request-invitation",
        &[("email", "maria@example.com")],
        None,
    )
    .await;
    let mail = app.email(2).await;
    assert!(mail.contains("already have an account"), "{mail}");
    assert!(!mail.contains("/verify?token="));
}

#[tokio::test]
async fn weak_too_long_and_too_common_passwords_each_get_their_own_message() {
    let app = spawn_app().await;
    app.add_customer("Maria", "maria@example.com").await;
    app.call(
        "request-invitation",
        &[("email", "maria@example.com")],
        None,
    )
    .await;
    let token = token_in(&app.email(1).await, "/verify?token=");
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
        let answer = app
            .call(
                "accept-invitation",
                &[
                    ("token", &token),
                    ("password", password),
                    ("confirm", confirm),
                ],
                None,
            )
            .await;
        assert_eq!(answer.status, 400, "{password}");
        assert!(answer.body.contains(message), "{password}: {}", answer.body);
    }
    assert_eq!(
        app.call("invitation-status", &[("token", &token)], None)
            .await
            .body,
        "true",
        "refusals use nothing up"
    );
}

#[tokio::test]
async fn a_next_address_on_another_site_is_ignored() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let evil = app
        .call(
            "login",
            &[
                ("email", "maria@example.com"),
                ("password", PASSWORD),
                ("next", "https://evil.example"),
            ],
            None,
        )
        .await;
    assert_eq!(evil.location.as_deref(), Some("/"));
    let ours = app
        .call(
            "login",
            &[
                ("email", "maria@example.com"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
            None,
        )
        .await;
    assert_eq!(ours.location.as_deref(), Some("/account"));
}

#[tokio::test]
async fn a_password_reset_ends_other_sessions_and_only_the_new_password_works() {
    let app = spawn_app().await;
    let (_, first_session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    app.call("forgot-password", &[("email", "maria@example.com")], None)
        .await;
    let token = token_in(&app.email(2).await, "/reset-password?token=");
    let new_password = "kettle meadow copper";
    let reset = app
        .call(
            "reset-password",
            &[
                ("token", &token),
                ("password", new_password),
                ("confirm", new_password),
            ],
            None,
        )
        .await;
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
        .call(
            "login",
            &[("email", "maria@example.com"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(old.status, 400);
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
    let wrong = app
        .call(
            "change-password",
            &[
                ("current", "guess"),
                ("password", new_password),
                ("confirm", new_password),
            ],
            Some(&laptop),
        )
        .await;
    assert!(
        wrong.body.contains("current password is not correct"),
        "{}",
        wrong.body
    );
    let ok = app
        .call(
            "change-password",
            &[
                ("current", PASSWORD),
                ("password", new_password),
                ("confirm", new_password),
            ],
            Some(&laptop),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(app.whoami(&phone).await, None);
    assert_eq!(app.whoami(&laptop).await.as_deref(), Some("Maria"));
}
