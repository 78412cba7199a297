//! Two servers on one database, as behind a load balancer: sessions, sign-out and throttling
//! are the database's, so each instance honours what the other did.

use crate::helpers::{PASSWORD, spawn_app};
use app::{
    AppError,
    backend::auth::throttle::SHORT_LIMIT,
    portal::{login::Login, session::Logout},
};

fn login(email: &str, password: &str) -> Login {
    Login {
        email: email.into(),
        password: password.into(),
        next: None,
    }
}

#[tokio::test]
async fn a_session_from_one_instance_works_on_the_other_until_either_signs_it_out() {
    let one = spawn_app().await;
    let two = one.twin().await;
    let (_, session) = one
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    assert_eq!(two.whoami(&session).await.as_deref(), Some("Maria"));
    let again = two.login("maria@example.com", PASSWORD).await;
    assert_eq!(one.whoami(&again).await.as_deref(), Some("Maria"));

    let out = two.call_answer(Logout {}, Some(&session)).await;
    assert_eq!(out.location.as_deref(), Some("/login?signed_out=1"));
    assert_eq!(one.whoami(&session).await, None);
    assert_eq!(two.whoami(&session).await, None);
    assert_eq!(one.whoami(&again).await.as_deref(), Some("Maria"));
}

#[tokio::test]
async fn wrong_passwords_spread_over_both_instances_count_as_one_series() {
    let one = spawn_app().await;
    let two = one.twin().await;
    one.customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    for n in 0..SHORT_LIMIT {
        let app = if n % 2 == 0 { &one } else { &two };
        let err = app
            .call(login("maria@example.com", "wrong guess"), None)
            .await
            .unwrap_err();
        assert_eq!(err.status(), 400, "{err:?}");
    }
    for app in [&one, &two] {
        let blocked = app.call(login("maria@example.com", PASSWORD), None).await;
        assert_eq!(blocked, Err(AppError::TooManyRequests));
    }
}
