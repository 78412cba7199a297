//! `POST /webhooks/stripe` with the sandbox's signed events: a card the card network updated, a
//! card removed at the processor, duplicates, events out of order, unknown types and forgeries.
//! A delivery is only recorded; each test runs the background pass that handles it ([`pass`]).

mod cards;
mod queue;
mod scripted;
mod shapes;

use crate::helpers::{TestApp, spawn_app};
use app::{
    backend::{
        gateway::sandbox::SignedEvent,
        webhooks::{Pass, handle_pending},
    },
    domain::{card::Expiry, tokenization::PaymentToken},
    portal::payment_methods::api::PaymentMethods,
};

/// Delivers `event` as the processor does: the HTTP status.
async fn deliver(app: &TestApp, event: &SignedEvent) -> u16 {
    deliver_to(&app.client, &app.address, event).await
}

/// Delivers `event` to the server at `address`: the HTTP status.
async fn deliver_to(client: &reqwest::Client, address: &str, event: &SignedEvent) -> u16 {
    client
        .post(format!("{address}/webhooks/stripe"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", &event.signature)
        .body(event.body.clone())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Runs one pass of `app`'s webhook task, as the server does in the background.
async fn pass(app: &TestApp) -> Pass {
    handle_pending(&app.state).await.unwrap()
}

/// A pass that handled `n` events and has none to retry.
fn handled(n: usize) -> Pass {
    Pass {
        handled: n,
        retrying: 0,
    }
}

/// Maria with a saved Visa (primary) and Mastercard: (session, Visa's token, Mastercard's token).
async fn maria_with_two_cards(app: &TestApp) -> (String, PaymentToken, PaymentToken) {
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", true).await;
    app.save_card(&session, "5555 5555 5555 4444", false).await;
    let cards = app.store.cards_for_customer(maria).await.unwrap();
    let token = |last4: &str| {
        cards
            .iter()
            .find(|c| c.card.last4.as_str() == last4)
            .unwrap()
            .token
            .clone()
    };
    (session, token("4242"), token("4444"))
}

/// The newest history row as the portal shows it: (action, card, actor).
async fn latest_history(app: &TestApp, session: &str) -> (String, String, String) {
    use app::domain::status::Named as _;
    let data = app.call(PaymentMethods {}, Some(session)).await.unwrap();
    let row = &data.history[0];
    (
        row.action.as_str().to_owned(),
        row.card.clone(),
        row.actor.clone(),
    )
}

const NEW_EXPIRY: Expiry = Expiry {
    year: 2033,
    month: 4,
};

#[tokio::test]
async fn a_card_the_network_updated_takes_the_new_expiry_once_with_a_history_row_and_an_email() {
    let app = spawn_app().await;
    let (session, visa, _) = maria_with_two_cards(&app).await;
    let before = app.outbox_files();
    let event = app.gateway.network_update(&visa, NEW_EXPIRY).await.unwrap();
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(pass(&app).await, handled(1));

    let card = app.store.card_by_token(&visa).await.unwrap();
    assert_eq!(card.expiry, NEW_EXPIRY);
    assert_eq!(
        latest_history(&app, &session).await,
        (
            "updated".into(),
            "Visa •••• 4242".into(),
            "the card network".into()
        )
    );
    let mail = app
        .new_email_with(&before, "maria@example.com", "updated by your bank")
        .await;
    assert!(
        mail.contains("4242") && mail.contains("nothing you need to do"),
        "{mail}"
    );

    // The same delivery again changes nothing and sends nothing.
    let history = app.call(PaymentMethods {}, Some(&session)).await.unwrap();
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(pass(&app).await, handled(0), "recorded once, handled once");
    let again = app.call(PaymentMethods {}, Some(&session)).await.unwrap();
    assert_eq!(again.history.len(), history.history.len());
    let notices = app
        .outbox_texts()
        .iter()
        .filter(|t| t.contains("updated by your bank"))
        .count();
    assert_eq!(notices, 1, "the duplicate is not handled again");
    assert!(app.store.last_webhook_at().await.unwrap().is_some());
}

#[tokio::test]
async fn events_out_of_order_leave_the_card_as_the_processor_has_it_now() {
    let app = spawn_app().await;
    let (_, visa, mastercard) = maria_with_two_cards(&app).await;
    let older = app.gateway.network_update(&visa, NEW_EXPIRY).await.unwrap();
    let latest = Expiry {
        year: 2034,
        month: 9,
    };
    let newer = app.gateway.network_update(&visa, latest).await.unwrap();
    assert_eq!(deliver(&app, &newer).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(deliver(&app, &older).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(app.store.card_by_token(&visa).await.unwrap().expiry, latest);

    // A "detached" event for a card the processor still holds is stale: the card stays.
    let stale = app.gateway.signed_event(
        "payment_method.detached",
        &serde_json::json!({ "id": mastercard.as_str(), "object": "payment_method" }),
    );
    assert_eq!(deliver(&app, &stale).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert!(app.store.card_by_token(&mastercard).await.is_ok());
}

#[tokio::test]
async fn a_card_removed_at_the_processor_is_removed_and_the_other_card_becomes_primary() {
    let app = spawn_app().await;
    let (session, visa, _) = maria_with_two_cards(&app).await;
    let event = app.gateway.detach_outside(&visa).await.unwrap();
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(app.cards(&session).await, [("4444".into(), true)]);
    let data = app.call(PaymentMethods {}, Some(&session)).await.unwrap();
    let removed = data
        .history
        .iter()
        .find(|h| h.card == "Visa •••• 4242" && h.action.label() == "Deleted");
    assert_eq!(
        removed.map(|h| h.actor.as_str()),
        Some("the payment processor"),
        "{:?}",
        data.history
    );
}

#[tokio::test]
async fn forged_stale_or_unsigned_webhooks_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (_, visa, _) = maria_with_two_cards(&app).await;
    let event = app.gateway.network_update(&visa, NEW_EXPIRY).await.unwrap();
    let before = app.store.card_by_token(&visa).await.unwrap().expiry;

    let mut tampered = event.clone();
    tampered.body = String::from_utf8(event.body.clone())
        .unwrap()
        .replace("automatically_updated", "updated")
        .into_bytes();
    assert_eq!(deliver(&app, &tampered).await, 400);
    let unsigned = SignedEvent {
        signature: String::new(),
        ..event.clone()
    };
    assert_eq!(deliver(&app, &unsigned).await, 400);
    let mut forged = event.clone();
    forged.signature = event.signature.replace("v1=", "v1=00");
    assert_eq!(deliver(&app, &forged).await, 400);
    app.clock.advance(301);
    assert_eq!(deliver(&app, &event).await, 400, "older than five minutes");
    assert_eq!(pass(&app).await, handled(0), "nothing was recorded");

    assert_eq!(app.store.card_by_token(&visa).await.unwrap().expiry, before);
    assert!(app.store.last_webhook_at().await.unwrap().is_none());
}

#[tokio::test]
async fn unknown_event_types_are_acknowledged_and_ignored() {
    let app = spawn_app().await;
    let event = app.gateway.signed_event(
        "customer.subscription.created",
        &serde_json::json!({ "id": "sub_123", "object": "subscription" }),
    );
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert!(app.store.last_webhook_at().await.unwrap().is_some());
}

#[tokio::test]
async fn the_settings_page_shows_when_the_last_webhook_came_and_tests_the_connection() {
    use app::{
        domain::StaffRole,
        office::settings::{OnlinePaymentsSettings, TestProcessorConnection},
    };
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let view = app.call(OnlinePaymentsSettings {}, Some(&admin)).await;
    assert_eq!(view.unwrap().last_webhook, None);
    let event = app.gateway.signed_event(
        "customer.created",
        &serde_json::json!({ "id": "cus_123", "object": "customer" }),
    );
    assert_eq!(deliver(&app, &event).await, 200);
    let view = app.call(OnlinePaymentsSettings {}, Some(&admin)).await;
    assert_eq!(view.unwrap().last_webhook, Some(app.clock.now()));
    assert_eq!(
        app.call(TestProcessorConnection {}, Some(&admin)).await,
        Ok("Porchlight sandbox answered: the connection works.".into())
    );
}

/// Maria paid a $100.00 invoice in full with her Visa: (customer, session, invoice, the charge's
/// reference at the processor).
async fn maria_paid_in_full(
    app: &TestApp,
) -> (
    app::domain::CustomerId,
    String,
    app::domain::InvoiceId,
    String,
) {
    use app::portal::pay::api::PayInvoice;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", true).await;
    let card = app.card_id(maria, "4242").await;
    let invoice = app.invoice(maria, 100_00).await;
    let pay = PayInvoice {
        invoice_id: invoice.to_string(),
        amount: "100.00".into(),
        idempotency_key: "refunded-payment-key-0001".into(),
        payment_method_id: Some(card),
        setup_intent: None,
        save: false,
        agreed_terms: None,
    };
    app.call(pay, Some(&session)).await.unwrap();
    let payments = app.store.payments_for_invoice(invoice).await.unwrap();
    (maria, session, invoice, payments[0].reference.clone())
}

/// The attempt behind Maria's payment from [`maria_paid_in_full`].
async fn the_payment(app: &TestApp) -> app::backend::store::PaymentAttempt {
    app.store
        .attempt_by_key("refunded-payment-key-0001")
        .await
        .unwrap()
        .unwrap()
}

async fn invoice_paid(
    app: &TestApp,
    maria: app::domain::CustomerId,
    invoice: app::domain::InvoiceId,
) -> i64 {
    app.store
        .invoice_for_customer(maria, invoice)
        .await
        .unwrap()
        .paid
        .get()
}

#[tokio::test]
async fn refunds_at_the_processor_raise_the_invoice_balance_once_whatever_the_order_of_events() {
    use app::domain::Cents;
    let app = spawn_app().await;
    let (maria, session, invoice, charge) = maria_paid_in_full(&app).await;
    let first = app
        .gateway
        .refund(&charge, Cents::new(30_00))
        .await
        .unwrap();
    assert_eq!(deliver(&app, &first).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(invoice_paid(&app, maria, invoice).await, 70_00);
    let attempt = the_payment(&app).await;
    assert_eq!(attempt.refunded, Cents::new(30_00));
    let invoice_page = app
        .page_html_as(&format!("/invoices/{invoice}"), &session)
        .await;
    assert!(
        invoice_page.contains("Paid · $30.00 refunded"),
        "the invoice page shows the refund"
    );

    // The rest is refunded; its event arrives twice, and an older copy of the first comes late.
    let rest = app
        .gateway
        .refund(&charge, Cents::new(70_00))
        .await
        .unwrap();
    assert_eq!(deliver(&app, &rest).await, 200);
    assert_eq!(deliver(&app, &rest).await, 200);
    assert_eq!(pass(&app).await, handled(1), "the repeat is recorded once");
    let late = app.gateway.signed_event(
        "charge.refunded",
        &serde_json::json!({ "id": charge, "object": "charge" }),
    );
    assert_eq!(deliver(&app, &late).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(invoice_paid(&app, maria, invoice).await, 0);
    let attempt = the_payment(&app).await;
    assert_eq!(attempt.refunded, Cents::new(100_00));
    assert!(app.store.invariant_violations().await.unwrap().is_empty());
    // A charge that paid no Porchlight invoice is acknowledged and changes nothing.
    let unknown = app.gateway.signed_event(
        "charge.refunded",
        &serde_json::json!({ "id": "ch_unknown0000", "object": "charge" }),
    );
    assert_eq!(deliver(&app, &unknown).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(invoice_paid(&app, maria, invoice).await, 0);
}

#[tokio::test]
async fn a_dispute_is_flagged_on_the_payment_in_the_office_record() {
    use app::domain::StaffRole;
    let app = spawn_app().await;
    let (maria, _, invoice, charge) = maria_paid_in_full(&app).await;
    let dispute = app.gateway.dispute(&charge).await.unwrap();
    assert_eq!(deliver(&app, &dispute).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    let attempt = the_payment(&app).await;
    assert!(attempt.disputed);
    // The money stays paid until the bank decides (a refund would say so).
    assert_eq!(invoice_paid(&app, maria, invoice).await, 100_00);
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let record = app
        .page_html_as(&format!("/office/customers/{maria}"), &admin)
        .await;
    assert!(
        record.contains("Paid · Disputed"),
        "the office record flags the dispute"
    );
}
