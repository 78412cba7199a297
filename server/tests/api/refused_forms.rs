//! Form posts without JavaScript. Refused: back to the page, which then shows the error and what
//! was typed (never a password or token), token pages back to themselves. Done: the page the post
//! returns to says what it did, once. Both travel in a signed one-time cookie tied to the
//! session, never in an address: a link can neither fill in a form nor put a message on a page.

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use app::backend::request::session_cookie_name;

async fn html_form_post(
    app: &TestApp,
    path: &str,
    referer: Option<&str>,
    body: &str,
) -> reqwest::Response {
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
    req.send().await.unwrap()
}

/// The `name=value` pair of the form-answer cookie a response sets, if any.
fn answer_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("porchlight_answer=") && !v.starts_with("porchlight_answer=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// What a form-answer cookie holds, decoded (the part before its signature).
fn answer_payload(cookie: &str) -> String {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let value = cookie.split_once('=').unwrap().1;
    let payload = value.split('.').next().unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn a_refused_sign_in_goes_back_and_its_next_page_shows_the_error_and_the_email_but_not_the_password()
 {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let res = html_form_post(
        &app,
        "/api/login",
        Some("http://portal.test/login"),
        "email=maria%40example.com&password=wrong+password+here&next=%2Faccount",
    )
    .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/login", "nothing of the post is in the address");
    let cookie = answer_cookie(&res).expect("the refusal is kept for the next page");
    assert!(
        !answer_payload(&cookie).contains("wrong"),
        "no password kept"
    );

    let html = app
        .client
        .get(app.url("/login"))
        .header("Accept", "text/html")
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"value="maria@example.com""#),
        "the email typed"
    );
    assert!(html.contains(r#"value="/account""#), "where it was going");
    assert!(!html.contains("wrong password"));
    let without = app.page_html("/login").await;
    assert!(
        !without.contains("maria@example.com"),
        "only with the answer"
    );
    assert!(
        html.contains("Email or password is incorrect."),
        "the error is shown"
    );
    assert!(!without.contains("Email or password is incorrect."));
}

#[tokio::test]
async fn a_refused_new_password_goes_back_to_the_reset_page_of_its_own_link() {
    let app = spawn_app().await;
    let res = html_form_post(
        &app,
        "/api/reset-password",
        None,
        "token=some-link-token&password=a+long+enough+password&confirm=another+one+entirely",
    )
    .await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        "/reset-password?token=some-link-token"
    );
    let payload = answer_payload(&answer_cookie(&res).expect("the refusal is kept"));
    assert!(payload.contains("/api/reset-password"), "{payload}");
    assert!(
        !payload.contains("enough")
            && !payload.contains("entirely")
            && !payload.contains("some-link"),
        "{payload}"
    );
}

#[tokio::test]
async fn a_link_cannot_fill_in_a_form_or_put_a_message_on_a_page() {
    let app = spawn_app().await;
    let customer = app.add_customer("Ana Lima", "ana@example.com").await;
    let staff = app
        .staff_session(app::domain::StaffRole::Admin, "office@example.com")
        .await;
    let edit = format!("/office/customers/{customer}/edit");
    for (query, clean) in [
        (
            "?__in_customer%5Bemail%5D=evil%40attacker.test",
            edit.clone(),
        ),
        (
            "?tab=1&__path=%2Fapi%2Foffice%2Fupdate-customer&__err=ZXZpbA%3D%3D&__in_customer%5Bname%5D=evil",
            format!("{edit}?tab=1"),
        ),
    ] {
        let res = app
            .client
            .get(app.url(&format!("{edit}{query}")))
            .header("Accept", "text/html")
            .header("Cookie", cookies(&app, &staff, ""))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{query}");
        assert_eq!(res.headers()["location"].to_str().unwrap(), clean);
        assert!(!res.text().await.unwrap().contains("evil"));
    }
    let html = app.page_html_as(&edit, &staff).await;
    assert!(html.contains("ana@example.com") && !html.contains("evil"));
}

#[tokio::test]
async fn a_kept_refusal_is_shown_only_in_the_session_it_was_made_in() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    let (_, other) = app.paying_customer("ana@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    let id = app.card_id(customer, "4242").await;
    let (status, kept) = post_from_cards_page(
        &app,
        &session,
        "/api/payment-methods/update",
        format!("id={id}&expiry=13%2F99&zip=94107&nickname=Marias+card"),
    )
    .await;
    assert_eq!(status, 302);
    let kept = kept.expect("the refusal is kept");
    let (html, _) = cards_page(&app, &session, &format!("; {kept}")).await;
    assert!(html.contains("Marias card"), "shown to its own session");
    let (html, cleared) = cards_page(&app, &other, &format!("; {kept}")).await;
    assert!(cleared);
    assert!(!html.contains("Marias card"), "not to another session");
}

/// The `Cookie` header value for `session` plus `extra` pairs.
fn cookies(app: &TestApp, session: &str, extra: &str) -> String {
    let name = session_cookie_name(app.public_url.starts_with("https:"));
    format!("{name}={session}{extra}")
}

/// Posts `body` to `path` as a browser without JavaScript does from `/payment-methods`; answers
/// the status and the `porchlight_answer=…` pair the answer sets, if any.
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
    (res.status().as_u16(), answer_cookie(&res))
}

/// Loads `/payment-methods` as a browser does, sending `extra` cookies; answers its HTML and
/// whether the answer clears the `porchlight_answer` cookie.
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
        .any(|v| v.starts_with("porchlight_answer=;") && v.contains("Max-Age=0"));
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
async fn an_answer_this_server_did_not_sign_is_not_shown() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    // A forged answer (for this page's own function, with a made-up signature).
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let forged = format!(
        "; porchlight_answer={}.{}",
        URL_SAFE_NO_PAD.encode(
            r#"{"answer":{"path":"/api/payment-methods/set-primary","outcome":{"Done":"\"Call 555-0100 to keep your card.\""}},"expires":9999999999}"#
        ),
        "0".repeat(64),
    );
    let (html, cleared) = cards_page(&app, &session, &forged).await;
    assert!(cleared);
    assert!(!html.contains("555-0100"));
}
