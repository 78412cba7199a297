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

/// The directives of a Content-Security-Policy, by name.
fn directives(csp: &str) -> std::collections::HashMap<String, String> {
    csp.split(';')
        .filter_map(|d| {
            let d = d.trim();
            let (name, value) = d.split_once(' ').unwrap_or((d, ""));
            (!name.is_empty()).then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn with_the_sandbox_pages_load_scripts_frames_and_requests_from_their_own_origin_only() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/login")).send().await.unwrap();
    let csp = directives(res.headers()["content-security-policy"].to_str().unwrap());
    assert_eq!(csp["frame-src"], "'self'");
    assert_eq!(csp["connect-src"], "'self'");
    assert!(csp["script-src"].starts_with("'self' 'nonce-"), "{csp:?}");
    assert!(!csp["script-src"].contains("http"), "{csp:?}");
    assert_eq!(csp["frame-ancestors"], "'none'");
}

#[tokio::test]
async fn with_stripe_pages_allow_stripe_js_its_frames_and_its_api_and_nothing_else() {
    use app::{
        backend::gateway::{
            Mode,
            stripe::{ClientSettings, StripeClient, StripeGateway},
        },
        domain::tokenization::ProcessorScript,
    };
    let app = spawn_app().await;
    let client = StripeClient::new(
        ClientSettings::new("https://api.stripe.com"),
        "sk_test_pagesOnly0000",
    )
    .unwrap();
    let stripe = StripeGateway::new(
        client,
        Mode::Test,
        vec!["whsec_pagesOnly".into()],
        ProcessorScript {
            url: "https://js.stripe.com/v3/".into(),
            publishable_key: "pk_test_pagesOnly".into(),
        },
    );
    let address = app.serve_with_gateway(std::sync::Arc::new(stripe)).await;
    let res = app
        .client
        .get(format!("{address}/login"))
        .send()
        .await
        .unwrap();
    let csp = directives(res.headers()["content-security-policy"].to_str().unwrap());
    assert!(
        csp["script-src"]
            .ends_with("'wasm-unsafe-eval' https://js.stripe.com https://*.js.stripe.com"),
        "{csp:?}"
    );
    assert_eq!(
        csp["frame-src"],
        "'self' https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
    );
    assert_eq!(csp["connect-src"], "'self' https://api.stripe.com");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["frame-ancestors"], "'none'");
}

#[tokio::test]
async fn the_sandbox_card_frame_loads_only_its_own_files_and_only_this_origin_may_frame_it() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/gateway/js/v3/elements/payment"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-frame-options"], "SAMEORIGIN");
    let csp = directives(res.headers()["content-security-policy"].to_str().unwrap());
    assert_eq!(csp["frame-ancestors"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["connect-src"], "'self'");
    let html = res.text().await.unwrap();
    for label in [
        "Name on card",
        "Card number",
        "Expiry (MM/YY)",
        "Security code (CVC)",
        "Billing ZIP code",
    ] {
        assert!(html.contains(&format!(">{label}</label>")), "{label}");
    }
    // Scripts come from files only (no inline code), and no field is ever posted as a form.
    assert!(!html.contains("<script>"), "inline script in the frame");
    let inputs: Vec<&str> = html
        .split("<input")
        .skip(1)
        .map(|tag| tag.split('>').next().unwrap_or_default())
        .collect();
    assert_eq!(inputs.len(), 5);
    assert!(
        inputs.iter().all(|tag| !tag.contains(" name=")),
        "a named field could be form-posted: {inputs:?}"
    );

    let script = app
        .client
        .get(app.url("/gateway/js/v3/stripe.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    // Other pages of the site still refuse to be framed.
    assert_eq!(script.headers()["x-frame-options"], "DENY");
    let body = script.text().await.unwrap();
    for api in ["confirmSetup", "handleNextAction", "window.Stripe = Stripe"] {
        assert!(body.contains(api), "{api}");
    }
}

/// The card pages render whole on a server with several threads: what a page keeps for the
/// browser (the card form's handles) may be dropped on another thread than the one that made it,
/// which once closed the connection mid-page.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn card_pages_render_completely_on_a_multi_threaded_server() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", false).await;
    let invoice = app.invoice(maria, 100_00).await;
    let pay = format!("/invoices/{invoice}/pay");
    let pages = (0..12).flat_map(|_| ["/payment-methods", pay.as_str()]);
    let renders: Vec<_> = pages
        .map(|path| {
            let (app, session) = (&app, &session);
            async move { (path, app.page_html_as(path, session).await) }
        })
        .collect();
    // A connection closed mid-page fails inside `page_html_as` (the body cannot be read).
    for (path, html) in futures::future::join_all(renders).await {
        assert!(html.contains("</html>"), "{path} ended early");
        assert!(html.contains("Visa •••• 4242"), "{path} without its data");
    }
}
