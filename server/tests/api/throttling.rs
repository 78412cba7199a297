use crate::helpers::spawn_app;
use app::backend::auth::throttle::{SHORT_LIMIT, SHORT_WINDOW_SECS};

const PASSWORD: &str = "lantern porch evening";

#[tokio::test]
async fn sign_in_is_throttled_after_repeated_failures_and_recovers_after_the_window() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    for _ in 0..SHORT_LIMIT {
        let answer = app
            .call(
                "login",
                &[("email", "maria@example.com"), ("password", "wrong guess")],
                None,
            )
            .await;
        assert_eq!(answer.status, 400);
    }
    let blocked = app
        .call(
            "login",
            &[("email", "maria@example.com"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        blocked.status, 429,
        "even the right password waits: {}",
        blocked.body
    );
    assert!(blocked.body.contains("TooManyRequests"));

    let unknown_blocked = {
        for _ in 0..SHORT_LIMIT {
            app.call(
                "login",
                &[("email", "nobody@example.com"), ("password", "wrong guess")],
                None,
            )
            .await;
        }
        app.call(
            "login",
            &[("email", "nobody@example.com"), ("password", "wrong guess")],
            None,
        )
        .await
    };
    assert_eq!(
        (unknown_blocked.status, &unknown_blocked.body),
        (blocked.status, &blocked.body),
        "no enumeration"
    );

    app.clock.advance(SHORT_WINDOW_SECS + 1);
    app.login("maria@example.com", PASSWORD).await;
}

#[tokio::test]
async fn of_a_hundred_parallel_guesses_exactly_the_limit_are_checked() {
    let app = std::sync::Arc::new(spawn_app().await);
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let guesses: Vec<_> = (0..100)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let guess = format!("wrong guess {i}");
                app.call(
                    "login",
                    &[("email", "maria@example.com"), ("password", &guess)],
                    None,
                )
                .await
                .status
            })
        })
        .collect();
    let (mut checked, mut refused_outright) = (0, 0);
    for guess in guesses {
        match guess.await.unwrap() {
            400 => checked += 1,
            429 => refused_outright += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(
        (checked, refused_outright),
        (SHORT_LIMIT, 100 - SHORT_LIMIT),
        "exactly the limit were checked against the password"
    );
    let right = app
        .call(
            "login",
            &[("email", "maria@example.com"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(right.status, 429, "every parallel guess was counted");
}
