//! Form posts without JavaScript. Refused: back to the page with the error and what was typed
//! (never a password or token beyond the link's own), token pages back to themselves. Done: the
//! page the post returns to says what it did, once.

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use app::backend::request::session_cookie_name;

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

/// The `Cookie` header value for `session` plus `extra` pairs.
fn cookies(app: &TestApp, session: &str, extra: &str) -> String {
    let name = session_cookie_name(app.public_url.starts_with("https:"));
    format!("{name}={session}{extra}")
}

/// Posts `body` to `path` as a browser without JavaScript does from `/payment-methods`; answers
/// the status and the `porchlight_done=…` pair the answer sets, if any.
async fn post_from_cards_page(
    app: &TestApp,
    session: &str,
    path: &str,
    body: String,
) -> (u16, Option<String>) {
    let res = app
        .client
        .post(app.url(path))
        .header("Origin", &app.public_url)
        .header("Referer", app.url("/payment-methods"))
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", cookies(app, session, ""))
        .body(body)
        .send()
        .await
        .unwrap();
    let done = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("porchlight_done="))
        .map(|v| v.split(';').next().unwrap().to_owned());
    (res.status().as_u16(), done)
}

/// Loads `/payment-methods` as a browser does, sending `extra` cookies; answers its HTML and
/// whether the answer clears the `porchlight_done` cookie.
async fn cards_page(app: &TestApp, session: &str, extra: &str) -> (String, bool) {
    let res = app
        .client
        .get(app.url("/payment-methods"))
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Cookie", cookies(app, session, extra))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cleared = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("porchlight_done=;") && v.contains("Max-Age=0"));
    (res.text().await.unwrap(), cleared)
}

#[tokio::test]
async fn a_form_that_worked_without_javascript_says_what_it_did_on_the_next_page_once() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    app.save_card(&session, "5555555555554444", false).await;
    let id = app.card_id(customer, "4444").await;
    let (status, done) = post_from_cards_page(
        &app,
        &session,
        "/api/payment-methods/set-primary",
        format!("id={id}"),
    )
    .await;
    assert_eq!(status, 302);
    let done = done.expect("the answer is kept for the next page");
    let said = "Mastercard •••• 4444 is now the primary card.";

    let (html, cleared) = cards_page(&app, &session, &format!("; {done}")).await;
    assert!(
        html.contains(&format!(">{said}<")),
        "the page says what the post did"
    );
    assert!(cleared, "the cookie is cleared with that page");
    let (html, _) = cards_page(&app, &session, "").await;
    assert!(!html.contains("is now the primary card"), "said once");
}

#[tokio::test]
async fn a_refused_post_keeps_no_answer_and_a_kept_answer_only_reaches_its_own_form() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    let id = app.card_id(customer, "4242").await;
    // Refused (bad expiry): the error goes in the URL as before, no answer is kept.
    let (status, done) = post_from_cards_page(
        &app,
        &session,
        "/api/payment-methods/update",
        format!("id={id}&expiry=13%2F99&zip=94107&nickname="),
    )
    .await;
    assert_eq!(status, 302);
    assert_eq!(done, None);

    // An answer for another function (here forged) is not shown by this page's forms (the page
    // carries it, escaped, in a hidden element's attribute for the browser's hydration only).
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let forged = format!(
        "; porchlight_done={}.{}",
        URL_SAFE_NO_PAD.encode("/api/some-other-function"),
        URL_SAFE_NO_PAD.encode("\"Call 555-0100 to keep your card.\""),
    );
    let (html, cleared) = cards_page(&app, &session, &forged).await;
    assert!(cleared);
    assert!(!html.contains(">Call 555-0100 to keep your card."));
    assert!(!html.contains("\"Call 555-0100"), "escaped wherever it is");
}
