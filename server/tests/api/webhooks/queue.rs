//! Events are recorded and acknowledged at once, then handled from the database by a background
//! pass: one whose handling fails is retried later with a growing wait, a claim left by a server
//! that stopped is taken again once its lease ends, and a repeated delivery is handled once even
//! with two servers passing at the same time.

use super::{
    NEW_EXPIRY, deliver, deliver_to, handled, latest_history, maria_with_two_cards, pass,
    scripted::Scripted,
};
use crate::helpers::spawn_app;
use app::backend::{
    AppState,
    webhooks::{CLAIM_LEASE_SECS, Pass, RETRY_FIRST_SECS, handle_pending},
};
use std::sync::Arc;

#[tokio::test]
async fn an_event_whose_handling_fails_is_acknowledged_and_handled_by_a_later_pass() {
    let app = spawn_app().await;
    let (session, visa, _) = maria_with_two_cards(&app).await;
    let processor = Scripted::new(app.gateway.clone());
    processor.set_down(true);
    let down_server = app.serve_with_gateway(Arc::new(processor.clone())).await;
    let down = AppState {
        gateway: Arc::new(processor.clone()),
        ..app.state.clone()
    };
    let before = app.outbox_files();
    let event = app.gateway.network_update(&visa, NEW_EXPIRY).await.unwrap();
    assert_eq!(
        deliver_to(&app.client, &down_server, &event).await,
        200,
        "acknowledged although the processor cannot be read"
    );

    let failing = Pass {
        handled: 0,
        retrying: 1,
    };
    assert_eq!(handle_pending(&down).await.unwrap(), failing);
    assert_ne!(
        app.store.card_by_token(&visa).await.unwrap().expiry,
        NEW_EXPIRY
    );
    // Retried after the first wait, then after twice that.
    app.clock.advance(RETRY_FIRST_SECS - 1);
    assert_eq!(
        handle_pending(&down).await.unwrap(),
        Pass::default(),
        "not yet due"
    );
    app.clock.advance(1);
    assert_eq!(handle_pending(&down).await.unwrap(), failing);
    app.clock.advance(2 * RETRY_FIRST_SECS - 1);
    assert_eq!(pass(&app).await, Pass::default(), "not yet due");
    // The processor answers again: the next pass takes the card's new expiry, once.
    processor.set_down(false);
    app.clock.advance(1);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().expiry,
        NEW_EXPIRY
    );
    assert_eq!(
        latest_history(&app, &session).await,
        (
            "updated".into(),
            "Visa •••• 4242".into(),
            "the card network".into()
        )
    );
    app.new_email_with(&before, "maria@example.com", "updated by your bank")
        .await;
    app.clock.advance(24 * 60 * 60);
    assert_eq!(pass(&app).await, Pass::default(), "handled is done");
}

#[tokio::test]
async fn a_delivery_repeated_to_two_servers_is_recorded_once_and_handled_once() {
    let app = spawn_app().await;
    let twin = app.twin().await;
    let (session, visa, _) = maria_with_two_cards(&app).await;
    let event = app.gateway.network_update(&visa, NEW_EXPIRY).await.unwrap();
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(deliver_to(&twin.client, &twin.address, &event).await, 200);
    assert_eq!(deliver(&app, &event).await, 200);

    // Both servers pass at the same time; the event is handled by one of them.
    let (one, two) = tokio::join!(handle_pending(&app.state), handle_pending(&twin.state));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.handled + two.handled, 1, "{one:?} {two:?}");
    assert_eq!(one.retrying + two.retrying, 0, "{one:?} {two:?}");
    let history = app
        .call(
            app::portal::payment_methods::api::PaymentMethods {},
            Some(&session),
        )
        .await
        .unwrap()
        .history;
    let by_network = history
        .iter()
        .filter(|h| h.actor == "the card network")
        .count();
    assert_eq!(by_network, 1, "{history:?}");
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().expiry,
        NEW_EXPIRY
    );
}

#[tokio::test]
async fn a_claim_left_by_a_stopped_server_is_taken_again_once_its_lease_ends_and_never_before() {
    let app = spawn_app().await;
    let (_, visa, _) = maria_with_two_cards(&app).await;
    let event = app.gateway.network_update(&visa, NEW_EXPIRY).await.unwrap();
    assert_eq!(deliver(&app, &event).await, 200);
    // Another server claimed the event and stopped before finishing it.
    let now = app.clock.now();
    let crashed = app
        .store
        .claim_webhook_event(now, now.plus_seconds(-CLAIM_LEASE_SECS))
        .await
        .unwrap()
        .expect("the event is due");
    assert_eq!(crashed.id, event.id);

    assert_eq!(
        pass(&app).await,
        Pass::default(),
        "held by the other server"
    );
    app.clock.advance(CLAIM_LEASE_SECS);
    assert_eq!(pass(&app).await, Pass::default(), "still within its lease");
    assert_ne!(
        app.store.card_by_token(&visa).await.unwrap().expiry,
        NEW_EXPIRY
    );
    app.clock.advance(1);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().expiry,
        NEW_EXPIRY
    );
    assert_eq!(
        app.store.webhook_event_handled(&event.id).await.unwrap(),
        Some(true)
    );
    // The stopped server's claim can neither finish nor give back the event any more.
    let later = app.clock.now();
    assert!(
        !app.store
            .finish_webhook_event(&crashed, later)
            .await
            .unwrap()
    );
    assert!(
        !app.store
            .retry_webhook_event(&crashed, later)
            .await
            .unwrap()
    );
    app.clock.advance(CLAIM_LEASE_SECS + 1);
    assert_eq!(pass(&app).await, Pass::default());
}
