use crate::helpers::{PASSWORD, spawn_app};
use app::{
    AppError,
    backend::auth::throttle::{SHORT_LIMIT, SHORT_WINDOW_SECS},
    portal::login::Login,
};

fn login(email: &str, password: &str) -> Login {
    Login {
        email: email.into(),
        password: password.into(),
        next: None,
    }
}

#[tokio::test]
async fn sign_in_is_throttled_after_repeated_failures_and_recovers_after_the_window() {
    let app = spawn_app().await;
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    for _ in 0..SHORT_LIMIT {
        let err = app
            .call(login("maria@example.com", "wrong guess"), None)
            .await
            .unwrap_err();
        assert_eq!(err.status(), 400, "{err:?}");
    }
    let blocked = app
        .call_answer(login("maria@example.com", PASSWORD), None)
        .await;
    assert_eq!(
        blocked.result,
        Err(AppError::TooManyRequests),
        "even the right password waits"
    );

    let unknown_blocked = {
        for _ in 0..SHORT_LIMIT {
            let _ = app
                .call(login("nobody@example.com", "wrong guess"), None)
                .await;
        }
        app.call_answer(login("nobody@example.com", "wrong guess"), None)
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
                app.call(login("maria@example.com", &guess), None).await
            })
        })
        .collect();
    let (mut checked, mut refused_outright) = (0, 0);
    for guess in guesses {
        match guess.await.unwrap() {
            Err(AppError::TooManyRequests) => refused_outright += 1,
            Err(err) if err.status() == 400 => checked += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(
        (checked, refused_outright),
        (SHORT_LIMIT, 100 - SHORT_LIMIT),
        "exactly the limit were checked against the password"
    );
    let right = app.call(login("maria@example.com", PASSWORD), None).await;
    assert_eq!(
        right,
        Err(AppError::TooManyRequests),
        "every parallel guess was counted"
    );
}
