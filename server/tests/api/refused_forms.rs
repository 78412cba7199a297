//! Refused form posts without JavaScript: back to the page with the error and what was typed
//! (never a password or token beyond the link's own), token pages back to themselves.

use crate::helpers::{PASSWORD, TestApp, spawn_app};

async fn html_form_post(
    app: &TestApp,
    path: &str,
    referer: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut req = app
        .client
        .post(app.url(path))
        .header("Origin", &app.public_url)
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(referer) = referer {
        req = req.header("Referer", referer);
    }
    let res = req.send().await.unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (res.status().as_u16(), location)
}

#[tokio::test]
async fn a_refused_sign_in_goes_back_with_its_error_and_the_email_but_not_the_password() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let (status, location) = html_form_post(
        &app,
        "/api/login",
        Some("http://portal.test/login"),
        "email=maria%40example.com&password=wrong+password+here",
    )
    .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("/login?__path=%2Fapi%2Flogin&__err="),
        "{location}"
    );
    assert!(
        location.ends_with("&__in_email=maria%40example.com"),
        "{location}"
    );
    assert!(!location.contains("wrong"), "{location}");
}

#[tokio::test]
async fn a_refused_new_password_goes_back_to_the_reset_page_of_its_own_link() {
    let app = spawn_app().await;
    let (status, location) = html_form_post(
        &app,
        "/api/reset-password",
        None,
        "token=some-link-token&password=a+long+enough+password&confirm=another+one+entirely",
    )
    .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with(
            "/reset-password?token=some-link-token&__path=%2Fapi%2Freset-password&__err="
        ),
        "{location}"
    );
    assert!(
        !location.contains("enough") && !location.contains("entirely"),
        "{location}"
    );
}
