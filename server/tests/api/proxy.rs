//! Deployments behind a reverse proxy: per-client limits when the proxy is trusted, nothing
//! changed by forwarding headers from anyone else; HSTS and `__Host-` cookies over https.

use crate::helpers::{
    HTTPS_PUBLIC_URL, PASSWORD, PUBLIC_URL, TestApp, card_form, spawn_app, spawn_app_behind_proxy,
    spawn_app_behind_proxy_setting, spawn_app_over_https,
};
use app::{
    backend::{gateway::sandbox::RATE_LIMIT, request::ForwardedHeader},
    domain::tokenization::{SetupConfirmation, confirm_setup_url},
};

/// Confirms a fresh card setup of the signed-in customer as a browser whose proxy forwarded
/// `forwarded_for`.
async fn tokenize_from(app: &TestApp, session: &str, forwarded_for: &str) -> u16 {
    tokenize_with(app, session, "X-Forwarded-For", forwarded_for).await
}

/// Like [`tokenize_from`], the client named in `header` (`X-Forwarded-For` or `Forwarded`).
async fn tokenize_with(app: &TestApp, session: &str, header: &str, value: &str) -> u16 {
    let setup = app.begin_setup(session).await;
    let body = SetupConfirmation::new(setup.client_secret, &card_form("4242424242424242"));
    app.client
        .post(app.url(&confirm_setup_url(&setup.id)))
        .header("Origin", PUBLIC_URL)
        .header(header, value)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_every_client_has_its_own_limit() {
    let app = spawn_app_behind_proxy().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    for _ in 0..RATE_LIMIT {
        assert_eq!(tokenize_from(&app, &session, "203.0.113.7").await, 200);
    }
    assert_eq!(
        tokenize_from(&app, &session, "203.0.113.7").await,
        429,
        "this client is over"
    );
    assert_eq!(
        tokenize_from(&app, &session, "203.0.113.8").await,
        200,
        "another customer behind the same proxy is not"
    );
    assert_eq!(
        tokenize_from(&app, &session, "198.51.100.1, 203.0.113.7").await,
        429,
        "an address the client wrote itself (left of what the proxy added) is not believed"
    );
}

#[tokio::test]
async fn a_forwarded_header_the_proxy_does_not_set_is_not_believed() {
    // The proxy is configured to set X-Forwarded-For (the default): a `Forwarded` header can
    // only come from the client, so varying it must not give the client fresh limits.
    let app = spawn_app_behind_proxy().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    for i in 0..RATE_LIMIT {
        let status =
            tokenize_with(&app, &session, "Forwarded", &format!("for=203.0.113.{i}")).await;
        assert_eq!(status, 200);
    }
    assert_eq!(
        tokenize_with(&app, &session, "Forwarded", "for=198.51.100.99").await,
        429,
        "every request counted against one client"
    );
}

#[tokio::test]
async fn a_proxy_that_sets_forwarded_is_read_there_and_x_forwarded_for_is_ignored() {
    let app = spawn_app_behind_proxy_setting(ForwardedHeader::Forwarded).await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    for i in 0..RATE_LIMIT {
        let status =
            tokenize_with(&app, &session, "X-Forwarded-For", &format!("203.0.113.{i}")).await;
        assert_eq!(status, 200);
    }
    assert_eq!(
        tokenize_with(&app, &session, "X-Forwarded-For", "198.51.100.99").await,
        429,
        "X-Forwarded-For, which this proxy passes through, names no client"
    );
    assert_eq!(
        tokenize_with(
            &app,
            &session,
            "Forwarded",
            "for=\"[2001:db8::7]:4711\";proto=https"
        )
        .await,
        200,
        "the client the proxy names in Forwarded has limits of its own"
    );
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_change_nothing() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    for i in 0..RATE_LIMIT {
        assert_eq!(
            tokenize_from(&app, &session, &format!("203.0.113.{i}")).await,
            200
        );
    }
    assert_eq!(
        tokenize_from(&app, &session, "198.51.100.99").await,
        429,
        "every request counted against the real peer"
    );
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https_and_the_cookie_is_host_bound() {
    let app = spawn_app_over_https().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"].to_str().unwrap(),
        "max-age=63072000"
    );
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("Origin", HTTPS_PUBLIC_URL)
        .form(&[("email", "maria@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("__Host-porchlight_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn over_plain_http_no_hsts_is_sent() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
}
