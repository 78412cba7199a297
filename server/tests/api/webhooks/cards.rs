//! A saved card as the processor reports it: a number the card network replaced brings its
//! brand, last 4 and fingerprint; the cardholder's name follows the processor's billing details
//! when it has one; and the processor's echo of Porchlight's own edit changes nothing, even when
//! it arrives before Porchlight has stored the edit.

use super::{NEW_EXPIRY, deliver, deliver_to, handled, latest_history, pass, scripted::Scripted};
use crate::helpers::{TestApp, spawn_app};
use app::{
    AppError,
    backend::{
        AppState,
        cards::Wallet,
        store::ChangeContext,
        webhooks::{RETRY_FIRST_SECS, handle_pending},
    },
    domain::{CustomerId, card::Brand, status::Actor, tokenization::PaymentToken},
    portal::payment_methods::api::{PaymentMethods, UpdatePaymentMethod},
};
use std::sync::Arc;

/// Maria with one saved Visa: (customer, session, its token).
async fn maria_with_a_visa(app: &TestApp) -> (CustomerId, String, PaymentToken) {
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", true).await;
    let cards = app.store.cards_for_customer(maria).await.unwrap();
    (maria, session, cards[0].token.clone())
}

/// The history as (action, card, actor), newest first.
async fn history(app: &TestApp, session: &str) -> Vec<(String, String, String)> {
    use app::domain::status::Named as _;
    let data = app.call(PaymentMethods {}, Some(session)).await.unwrap();
    data.history
        .iter()
        .map(|h| {
            (
                h.action.as_str().to_owned(),
                h.card.clone(),
                h.actor.clone(),
            )
        })
        .collect()
}

fn bank_notices(app: &TestApp) -> usize {
    app.outbox_texts()
        .iter()
        .filter(|t| t.contains("updated by your bank"))
        .count()
}

#[tokio::test]
async fn a_card_the_network_gave_a_new_number_takes_its_brand_last4_and_fingerprint() {
    let app = spawn_app().await;
    let (_, session, visa) = maria_with_a_visa(&app).await;
    let old = app.store.card_by_token(&visa).await.unwrap();
    let before = app.outbox_files();
    let event = app
        .gateway
        .network_reissue(&visa, "5555 5555 5555 4444", NEW_EXPIRY)
        .await
        .unwrap();
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(pass(&app).await, handled(1));

    let card = app.store.card_by_token(&visa).await.unwrap();
    assert_eq!(
        (card.card.brand, card.card.last4.as_str(), card.expiry),
        (Brand::Mastercard, "4444", NEW_EXPIRY)
    );
    assert_ne!(card.fingerprint, old.fingerprint);
    assert_eq!(
        card.fingerprint,
        app.gateway.saved_card(&visa).await.unwrap().fingerprint
    );
    assert_eq!(
        latest_history(&app, &session).await,
        (
            "updated".into(),
            "Mastercard •••• 4444".into(),
            "the card network".into()
        )
    );
    let mail = app
        .new_email_with(&before, "maria@example.com", "updated by your bank")
        .await;
    assert!(
        mail.contains("Mastercard") && mail.contains("4444"),
        "{mail}"
    );
    // The new number is the card on file now: saving it again is saving the same card twice.
    let again = app.card_setup(&session, "5555 5555 5555 4444").await;
    assert_eq!(
        app.add_card(&session, &again, false).await,
        Err(AppError::Conflict("This card is already saved.".into()))
    );
}

#[tokio::test]
async fn the_cardholder_name_follows_the_processors_billing_details_when_it_has_one() {
    let app = spawn_app().await;
    let (_, session, visa) = maria_with_a_visa(&app).await;
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().cardholder,
        "Maria Gonzalez"
    );
    let renamed = app
        .gateway
        .rename_outside(&visa, "Maria G. Gonzalez")
        .await
        .unwrap();
    assert_eq!(deliver(&app, &renamed).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().cardholder,
        "Maria G. Gonzalez"
    );
    let rows = history(&app, &session).await;
    assert_eq!(
        rows[0],
        (
            "updated".into(),
            "Visa •••• 4242".into(),
            "the card network".into()
        )
    );

    // A processor that keeps no name leaves Porchlight's as it is, and that is no change.
    let unnamed = app.gateway.rename_outside(&visa, "").await.unwrap();
    assert_eq!(deliver(&app, &unnamed).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().cardholder,
        "Maria G. Gonzalez"
    );
    assert_eq!(history(&app, &session).await, rows);
}

#[tokio::test]
async fn the_processors_echo_of_porchlights_own_edit_changes_nothing_and_sends_nothing() {
    let app = spawn_app().await;
    let (maria, session, visa) = maria_with_a_visa(&app).await;
    let edit = UpdatePaymentMethod {
        id: app.card_id(maria, "4242").await,
        expiry: "04/33".into(),
        zip: "10001".into(),
        nickname: "Work".into(),
    };
    app.call(edit, Some(&session)).await.unwrap();
    let rows = history(&app, &session).await;
    assert_eq!(
        rows[0],
        ("updated".into(), "Visa •••• 4242".into(), "Customer".into())
    );

    let echo = app.gateway.payment_method_updated(&visa);
    assert_eq!(deliver(&app, &echo).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(history(&app, &session).await, rows);
    assert_eq!(bank_notices(&app), 0);
}

#[tokio::test]
async fn the_echo_of_porchlights_own_edit_handled_before_the_edit_is_stored_changes_nothing() {
    let app = spawn_app().await;
    let (maria, session, visa) = maria_with_a_visa(&app).await;
    let card = app.store.card_by_token(&visa).await.unwrap();
    // The processor's `payment_method.updated` reaches Porchlight, and a pass handles it, right
    // after the processor took the edit and before Porchlight's request stores it.
    let hook = {
        let (client, address, gateway, state) = (
            app.client.clone(),
            app.address.clone(),
            app.gateway.clone(),
            app.state.clone(),
        );
        let visa = visa.clone();
        Arc::new(move || {
            let (client, address, gateway, state, visa) = (
                client.clone(),
                address.clone(),
                gateway.clone(),
                state.clone(),
                visa.clone(),
            );
            Box::pin(async move {
                let echo = gateway.payment_method_updated(&visa);
                assert_eq!(deliver_to(&client, &address, &echo).await, 200);
                handle_pending(&state).await.unwrap();
            }) as futures::future::BoxFuture<'static, ()>
        })
    };
    let state = AppState {
        gateway: Arc::new(Scripted::new(app.gateway.clone()).after_update(hook)),
        ..app.state.clone()
    };
    let ctx = ChangeContext {
        actor: Actor::Customer,
        at: app.clock.now(),
        request_id: "portal-edit".into(),
    };
    let wallet = Wallet {
        state: &state,
        customer: maria,
        ctx: &ctx,
    };
    assert_eq!(
        wallet.update(card.id, "04/33", "10001", "Work").await,
        Ok("Visa •••• 4242 was updated.".into())
    );

    // Later passes find the processor's card equal to Porchlight's: nothing to report.
    app.clock.advance(RETRY_FIRST_SECS);
    pass(&app).await;
    app.clock.advance(10 * 60);
    pass(&app).await;
    let rows = history(&app, &session).await;
    assert!(
        rows.iter().all(|(_, _, actor)| actor != "the card network"),
        "{rows:?}"
    );
    assert_eq!(
        rows[0],
        ("updated".into(), "Visa •••• 4242".into(), "Customer".into())
    );
    assert_eq!(
        app.store.card_by_token(&visa).await.unwrap().expiry,
        NEW_EXPIRY
    );
    assert_eq!(bank_notices(&app), 0);
    assert_eq!(pass(&app).await, handled(0), "the echo was handled");
}
