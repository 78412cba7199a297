use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_behind_proxy};
use app::{
    AppError,
    backend::auth::throttle::{HOUR_LIMIT, SHORT_LIMIT, SHORT_WINDOW_SECS},
    portal::login::Login,
};
use leptos::server_fn::error::FromServerFnError as _;
use std::sync::Arc;

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

/// Signs in as a browser at `ip` (behind the trusted proxy); the answer's result.
async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> Result<(), AppError> {
    let req = app
        .request(&app.client, login(email, password), None)
        .header("X-Forwarded-For", ip);
    let res = req.send().await.unwrap();
    if res.status().is_success() || res.status().is_redirection() {
        return Ok(());
    }
    Err(AppError::de(res.bytes().await.unwrap()))
}

/// Fails `HOUR_LIMIT` sign-ins for `email` in parallel, fewer than `SHORT_LIMIT` from each of as
/// many addresses as that takes (10.9.0.1, 10.9.0.2, …): the account is then at its hourly cap
/// while no address is at its own limit.
async fn lock_account_from_elsewhere(app: &Arc<TestApp>, email: &'static str) -> String {
    let per_address = SHORT_LIMIT - 1;
    let address = |i: i64| format!("10.9.0.{}", i / per_address + 1);
    let guesses: Vec<_> = (0..HOUR_LIMIT)
        .map(|i| {
            let app = app.clone();
            let ip = address(i);
            tokio::spawn(
                async move { login_from(&app, &ip, email, &format!("wrong guess {i}")).await },
            )
        })
        .collect();
    for guess in guesses {
        let err = guess.await.unwrap().unwrap_err();
        assert_eq!(err.status(), 400, "every guess checked: {err:?}");
    }
    let last = address(HOUR_LIMIT - 1);
    assert_eq!(
        login_from(app, &last, email, "one more guess").await,
        Err(AppError::TooManyRequests),
        "the hourly cap holds for an address below its own limit"
    );
    last
}

#[tokio::test]
async fn the_owner_signs_in_from_a_clean_address_while_others_have_throttled_the_account() {
    let app = Arc::new(spawn_app_behind_proxy().await);
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    lock_account_from_elsewhere(&app, "maria@example.com").await;
    assert_eq!(
        login_from(&app, "203.0.113.50", "maria@example.com", PASSWORD).await,
        Ok(()),
        "the right password from an address with no failures still works"
    );
}

#[tokio::test]
async fn while_an_account_is_throttled_an_address_that_failed_stays_refused() {
    let app = Arc::new(spawn_app_behind_proxy().await);
    app.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    lock_account_from_elsewhere(&app, "maria@example.com").await;
    assert_eq!(
        login_from(&app, "10.9.0.1", "maria@example.com", PASSWORD).await,
        Err(AppError::TooManyRequests),
        "an address that guessed gets no more tries, not even the right password"
    );
    let fresh = "203.0.113.51";
    let guess = login_from(&app, fresh, "maria@example.com", "a fresh guess").await;
    assert_eq!(
        guess.unwrap_err().status(),
        400,
        "one check from a clean address"
    );
    assert_eq!(
        login_from(&app, fresh, "maria@example.com", PASSWORD).await,
        Err(AppError::TooManyRequests),
        "after its failure, that address is refused too"
    );
}
