use crate::helpers::{PASSWORD, spawn_app};
use app::{
    AppError,
    backend::auth::sessions::{ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS, TOUCH_INTERVAL_SECS},
    portal::{account::AccountOverview, login::Login, session::Logout},
};

#[tokio::test]
async fn signing_in_issues_a_new_session_id_every_time() {
    let app = spawn_app().await;
    let (_, first) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let login = Login {
        email: "maria@example.com".into(),
        password: PASSWORD.into(),
        next: None,
    };
    let answer = app.call_answer(login, Some(&first)).await;
    let second = answer.session.unwrap();
    assert_ne!(first, second);
    assert_eq!(
        app.whoami(&first).await,
        None,
        "the pre-login session is replaced"
    );
    assert_eq!(app.whoami(&second).await.as_deref(), Some("Maria"));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("Origin", crate::helpers::PUBLIC_URL)
        .form(&[("email", "maria@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

#[tokio::test]
async fn after_logout_the_old_cookie_is_unauthenticated() {
    let app = spawn_app().await;
    let (_, session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    assert_eq!(app.whoami(&session).await.as_deref(), Some("Maria"));
    let out = app.call_answer(Logout {}, Some(&session)).await;
    assert_eq!(out.location.as_deref(), Some("/login?signed_out=1"));
    assert_eq!(app.whoami(&session).await, None);
    let account = app.call(AccountOverview {}, Some(&session)).await;
    assert_eq!(account, Err(AppError::Unauthenticated));
}

#[tokio::test]
async fn a_session_in_use_is_written_at_most_once_a_minute() {
    let app = spawn_app().await;
    let (_, session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let hash = app::backend::auth::sessions::id_hash(&app.secret, &session);
    let last_seen = || async {
        app.store
            .session(&hash)
            .await
            .unwrap()
            .unwrap()
            .last_seen_at
    };
    let signed_in = last_seen().await;
    app.clock.advance(TOUCH_INTERVAL_SECS - 1);
    for _ in 0..3 {
        assert!(app.whoami(&session).await.is_some());
    }
    assert_eq!(last_seen().await, signed_in, "no write within the minute");
    app.clock.advance(1);
    assert!(app.whoami(&session).await.is_some());
    assert_eq!(
        last_seen().await.unix(),
        signed_in.unix() + TOUCH_INTERVAL_SECS,
        "a minute later the use is recorded"
    );
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes() {
    let app = spawn_app().await;
    let (_, session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    app.clock.advance(IDLE_TIMEOUT_SECS - 60);
    assert!(
        app.whoami(&session).await.is_some(),
        "still fresh, and this use resets the idle timer"
    );
    app.clock.advance(IDLE_TIMEOUT_SECS - 60);
    assert!(app.whoami(&session).await.is_some());
    app.clock.advance(IDLE_TIMEOUT_SECS);
    assert_eq!(app.whoami(&session).await, None);
}

#[tokio::test]
async fn a_busy_session_still_ends_12_hours_after_sign_in() {
    let app = spawn_app().await;
    let (_, session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let step = IDLE_TIMEOUT_SECS / 2;
    let mut elapsed = 0;
    while elapsed + step < ABSOLUTE_TIMEOUT_SECS {
        app.clock.advance(step);
        elapsed += step;
        assert!(app.whoami(&session).await.is_some(), "alive at {elapsed}s");
    }
    app.clock.advance(ABSOLUTE_TIMEOUT_SECS - elapsed);
    assert_eq!(app.whoami(&session).await, None);
}

#[tokio::test]
async fn protected_pages_redirect_visitors_to_login_with_next() {
    let app = spawn_app().await;
    let page = |path: &str| {
        app.client
            .get(app.url(path))
            .header("Accept", "text/html")
            .send()
    };
    let res = page("/account").await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login?next=/account");
    let home = page("/").await.unwrap();
    assert_eq!(home.headers()["location"], "/login");
}

#[tokio::test]
async fn a_signed_in_customer_sees_the_dashboard_with_their_name() {
    let app = spawn_app().await;
    let (_, session) = app
        .customer_with_account("Maria Gonzalez", "maria@example.com", PASSWORD)
        .await;
    let res = app
        .client
        .get(app.url("/"))
        .header("Cookie", format!("porchlight_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let text = html.replace("<!>", "");
    assert!(text.contains("<h1>Welcome, Maria Gonzalez</h1>"), "{text}");
    assert!(html.contains("Sign out"));
}

#[tokio::test]
async fn office_pages_send_visitors_and_customers_to_the_office_sign_in() {
    let app = spawn_app().await;
    let (_, customer) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    for session in [None, Some(customer.as_str())] {
        let mut req = app
            .client
            .get(app.url("/office/customers?q=ma"))
            .header("Accept", "text/html");
        if let Some(id) = session {
            req = req.header("Cookie", format!("porchlight_session={id}"));
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 302);
        assert_eq!(
            res.headers()["location"],
            "/office/login?next=/office/customers%3Fq%3Dma"
        );
    }
}

#[tokio::test]
async fn many_visitors_at_once_all_get_their_redirect() {
    let app = std::sync::Arc::new(spawn_app().await);
    let requests: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let path = if i % 2 == 0 {
                    "/account"
                } else {
                    "/office/customers"
                };
                app.client
                    .get(app.url(path))
                    .header("Accept", "text/html")
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), 302);
    }
}
