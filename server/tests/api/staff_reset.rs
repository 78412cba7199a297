//! "Forgot password?" for office staff: the customers' rules (no enumeration, a hashed single-use
//! expiring token, older tokens voided, every session ended), from the request to signing in.

use crate::helpers::{PASSWORD, STAFF_PASSWORD, TestApp, spawn_app, token_in};
use app::{
    AppError,
    domain::StaffRole,
    office::{
        auth::{CurrentStaff, OfficeLogin},
        password_reset::{OfficeForgotPassword, OfficeResetPassword, OfficeResetStatus},
    },
    portal::password_reset::ForgotPassword,
};

const NEW_PASSWORD: &str = "kettle meadow copper";
const MARKER: &str = "/office/reset-password?token=";

fn forgot(email: &str) -> OfficeForgotPassword {
    OfficeForgotPassword {
        email: email.into(),
    }
}

fn reset(token: &str, password: &str) -> OfficeResetPassword {
    OfficeResetPassword {
        token: token.into(),
        password: password.into(),
        confirm: password.into(),
    }
}

fn status(token: &str) -> OfficeResetStatus {
    OfficeResetStatus {
        token: token.into(),
    }
}

async fn office_login(app: &TestApp, email: &str, password: &str) -> Result<(), AppError> {
    let login = OfficeLogin {
        email: email.into(),
        password: password.into(),
        next: None,
    };
    app.call(login, None).await
}

/// Asks for a staff reset link for `email` and returns the token from the email it sends.
async fn reset_token(app: &TestApp, email: &str) -> String {
    let before = app.outbox_files();
    app.call(forgot(email), None).await.unwrap();
    token_in(&app.new_email_with(&before, email, MARKER).await, MARKER)
}

/// Whether `result` refuses the link as no longer valid.
fn link_refused(result: &Result<(), AppError>) -> bool {
    matches!(result, Err(err) if err.message_for("token").is_some_and(|m| m.contains("no longer valid")))
}

#[tokio::test]
async fn staff_forgot_password_answers_identically_for_known_and_unknown_emails() {
    let app = spawn_app().await;
    app.staff_session(StaffRole::Admin, "erin@office.example")
        .await;
    let unknown = app.call_answer(forgot("nobody@office.example"), None).await;
    let known = app.call_answer(forgot("ERIN@office.example"), None).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert!(known.result.is_ok(), "{}", known.body);
    let mail = app.email(1).await;
    assert!(mail.contains("<erin@office.example>"), "{mail}");
    assert!(
        mail.contains(&format!("http://portal.test{MARKER}")),
        "{mail}"
    );
    assert_eq!(app.email_count(), 1, "nothing for the unknown email");
}

#[tokio::test]
async fn a_staff_reset_link_sets_the_password_ends_every_session_and_works_once() {
    let app = spawn_app().await;
    let email = "erin@office.example";
    let session = app.staff_session(StaffRole::Admin, email).await;
    let token = reset_token(&app, email).await;
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    let stored = app.store.all_staff_token_hashes().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored.iter().any(|h| h.contains(&token)),
        "raw token stored"
    );
    assert_eq!(app.call(status(&token), None).await, Ok(true));

    let done = app.call_answer(reset(&token, NEW_PASSWORD), None).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/office/login?reset=1"),
        "{}",
        done.body
    );
    assert!(done.session.is_none(), "a reset does not sign in");
    assert_eq!(
        app.call(CurrentStaff {}, Some(&session)).await,
        Ok(None),
        "the session from before the reset ended"
    );
    let old = office_login(&app, email, STAFF_PASSWORD).await.unwrap_err();
    assert_eq!(old.status(), 400, "{old:?}");
    office_login(&app, email, NEW_PASSWORD).await.unwrap();

    let again = app.call(reset(&token, "another fine password"), None).await;
    assert!(link_refused(&again), "{again:?}");
    assert_eq!(app.call(status(&token), None).await, Ok(false));
}

#[tokio::test]
async fn a_new_staff_reset_link_voids_the_older_one_and_links_expire_after_60_minutes() {
    let app = spawn_app().await;
    let email = "erin@office.example";
    app.staff_session(StaffRole::Admin, email).await;
    let old = reset_token(&app, email).await;
    let new = reset_token(&app, email).await;
    assert_eq!(app.call(status(&old), None).await, Ok(false));
    assert_eq!(app.call(status(&new), None).await, Ok(true));
    app.clock.advance(60 * 60 + 1);
    assert_eq!(app.call(status(&new), None).await, Ok(false));
    let late = app.call(reset(&new, NEW_PASSWORD), None).await;
    assert!(link_refused(&late), "{late:?}");
    office_login(&app, email, STAFF_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_customer_reset_link_does_not_reset_a_staff_password() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    app.staff_session(StaffRole::Admin, "erin@office.example")
        .await;
    let before = app.outbox_files();
    let request = ForgotPassword {
        email: "maria@example.com".into(),
    };
    app.call(request, None).await.unwrap();
    let marker = "/reset-password?token=";
    let customer_token = token_in(
        &app.new_email_with(&before, "maria@example.com", marker)
            .await,
        marker,
    );
    assert_eq!(app.call(status(&customer_token), None).await, Ok(false));
    let refused = app.call(reset(&customer_token, NEW_PASSWORD), None).await;
    assert!(link_refused(&refused), "{refused:?}");
}

/// Posts `body` to `path` as a browser without JavaScript does; answers status and `Location`.
async fn plain_form_post(app: &TestApp, path: &str, body: &str) -> (u16, String) {
    let res = app
        .client
        .post(app.url(path))
        .header("Origin", &app.public_url)
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (res.status().as_u16(), location)
}

#[tokio::test]
async fn the_staff_reset_pages_open_signed_out_and_work_without_javascript() {
    let app = spawn_app().await;
    let email = "erin@office.example";
    app.staff_session(StaffRole::Admin, email).await;
    let login = app.page_html("/office/login").await;
    assert!(
        login.contains(r#"href="/office/forgot-password""#),
        "{login}"
    );
    let res = app
        .client
        .get(app.url("/office/forgot-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "no sign-in needed");
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"action="/api/office/forgot-password""#),
        "{page}"
    );

    let (status, _) = plain_form_post(
        &app,
        "/api/office/forgot-password",
        &format!("email={email}"),
    )
    .await;
    assert!(
        (300..400).contains(&status),
        "a form post is answered by a redirect: {status}"
    );
    let token = token_in(&app.email(1).await, MARKER);

    let res = app
        .client
        .get(app.url(&format!("{MARKER}{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"action="/api/office/reset-password""#)
            && page.contains("Choose a new password"),
        "{page}"
    );
    let body = format!("token={token}&password=kettle+meadow+copper&confirm=kettle+meadow+copper");
    let (status, location) = plain_form_post(&app, "/api/office/reset-password", &body).await;
    assert!((300..400).contains(&status), "{status}");
    assert_eq!(location, "/office/login?reset=1");
    office_login(&app, email, NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_disabled_staff_member_gets_no_link_and_an_earlier_link_stops_working() {
    let app = spawn_app().await;
    let email = "erin@office.example";
    app.staff_session(StaffRole::Admin, email).await;
    let token = reset_token(&app, email).await;
    let erin = app
        .store
        .staff_by_email(&app::domain::EmailAddress::parse(email).unwrap())
        .await
        .unwrap();
    app.store.set_staff_disabled(erin.id, true).await.unwrap();
    assert_eq!(app.call(status(&token), None).await, Ok(false));
    let refused = app.call(reset(&token, NEW_PASSWORD), None).await;
    assert!(link_refused(&refused), "{refused:?}");
    let sent = app::backend::auth::staff_reset::send_reset(
        &app.state,
        &app::domain::EmailAddress::parse(email).unwrap(),
    )
    .await;
    assert_eq!(sent, Ok(false), "no link for a disabled account");
}
