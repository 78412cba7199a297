use crate::helpers::spawn_app;

#[tokio::test]
async fn the_login_page_has_its_labels_and_strict_security_headers() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let csp = header("content-security-policy");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce in the CSP");
    assert!(nonce.len() >= 16, "{nonce}");

    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration script must carry the CSP nonce"
    );
    assert!(html.contains(">Login<"));
    assert!(html.contains("Request an invitation"));
}

#[tokio::test]
async fn each_page_gets_a_new_nonce() {
    let app = spawn_app().await;
    let csp = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let a = csp(&app.client.get(app.url("/login")).send().await.unwrap());
    let b = csp(&app.client.get(app.url("/login")).send().await.unwrap());
    assert_ne!(a, b);
}

#[tokio::test]
async fn an_unknown_address_gets_the_not_found_page_with_status_404() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn the_header_shows_the_business_name_from_settings() {
    let app = spawn_app().await;
    let mut settings = app.store.settings().await.unwrap();
    settings.business_name = "Brightside Heating".into();
    app.store
        .update_settings(&settings, None, app::domain::Timestamp::from_unix(1))
        .await
        .unwrap();
    let html = app.page_html("/").await;
    assert!(html.contains("Brightside Heating"), "{html}");
}

#[tokio::test]
async fn while_the_sandbox_runs_every_page_and_every_email_says_test_mode() {
    let app = spawn_app().await;
    for path in ["/login", "/office/login", "/no/such/page"] {
        let html = app.page_html(path).await;
        assert!(
            html.contains(r#"<aside aria-label="Test mode" class="test-mode">"#)
                && html.contains("no real money moves"),
            "{path}: {html}"
        );
    }
    app.add_customer("Maria", "maria@example.com").await;
    app.invitation_token("maria@example.com").await;
    let email = app.email(1).await;
    assert!(
        email.contains("Subject: [Test mode] "),
        "subject not marked: {email}"
    );
    assert!(email.contains("Test mode: no real money moves."), "{email}");
}
