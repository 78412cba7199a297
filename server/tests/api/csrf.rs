use crate::helpers::{PUBLIC_URL, spawn_app};

const FORM: &str = "email=maria%40example.com&password=secret-words";

#[tokio::test]
async fn a_cross_site_post_to_any_api_path_is_refused_with_403() {
    let app = spawn_app().await;
    for path in ["/api/login", "/api/header", "/api/does-not-exist", "/login"] {
        let res = app
            .client
            .post(app.url(path))
            .header("Origin", "https://evil.example")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(FORM)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn a_post_marked_cross_site_by_the_browser_is_refused_even_without_origin() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(FORM)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn a_post_from_our_own_origin_reaches_the_server_function() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("Origin", PUBLIC_URL)
        .header("Sec-Fetch-Site", "same-origin")
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=not-an-email&password=x")
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 403);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Enter an email address like name@example.com."),
        "{body}"
    );
}

#[tokio::test]
async fn a_malformed_server_function_call_gets_a_plain_error_without_internals() {
    let app = spawn_app().await;
    let res = app
        .post_form("login", &[("unexpected", "field")], None)
        .await;
    assert_eq!(res.status, 400);
    let body = res.body;
    assert_eq!(
        serde_json::from_str::<app::AppError>(&body).unwrap(),
        app::AppError::BadRequest
    );
    for internal in ["missing field", "serde", "Deserialization", "Args"] {
        assert!(!body.contains(internal), "{internal} leaked: {body}");
    }
}

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("Origin", PUBLIC_URL)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "email={}",
            "a".repeat(server::startup::MAX_BODY_BYTES + 1)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn a_signed_in_post_with_neither_origin_nor_fetch_metadata_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    app.save_card(&session, "5555555555554444", false).await;
    let id = app.card_id(customer, "4444").await;
    let cookie = format!(
        "{}={session}",
        app::backend::request::session_cookie_name(false)
    );
    let res = app
        .client
        .post(app.url("/api/payment-methods/set-primary"))
        .header("Cookie", &cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("id={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("came from another site"));
    let primary: Vec<String> = app
        .cards(&session)
        .await
        .into_iter()
        .filter(|(_, primary)| *primary)
        .map(|(label, _)| label)
        .collect();
    assert!(
        primary.iter().all(|label| label.contains("4242")),
        "{primary:?}"
    );
    // The same post without the cookie is not refused as cross-site (it then needs a sign-in).
    let res = app
        .client
        .post(app.url("/api/payment-methods/set-primary"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("id={id}"))
        .send()
        .await
        .unwrap();
    assert!(!res.text().await.unwrap().contains("came from another site"));
}
