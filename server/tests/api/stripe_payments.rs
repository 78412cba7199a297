//! Paying through the Stripe gateway (pointed at the fake Stripe API) with the app's own payment
//! code: a payment Stripe has not finished, or whose answer was lost, is read back by the
//! intent's id (or found by its metadata), never created again once Stripe has forgotten the
//! idempotency key; and the keys Porchlight sends are its install's own.

use crate::fake_stripe::{FakeStripe, Fault, SECRET_KEY};
use crate::helpers::{TestApp, spawn_app};
use app::{
    AppError,
    backend::{
        AppState,
        cards::Wallet,
        gateway::{
            Mode,
            stripe::{ClientSettings, StripeClient, StripeGateway},
        },
        payments::{PayOutcome, PaymentSource, pay, reconcile_pending},
        processor::begin_card_setup,
        store::{ChangeContext, ConsentGiven},
    },
    domain::{
        Cents, CustomerId, InvoiceId, PaymentMethodId, consent::CardConsent, status::Actor,
        status::AttemptStatus, tokenization::ProcessorScript,
    },
};
use std::{sync::Arc, time::Duration};

/// The app's state with Stripe (at `fake`) as its processor.
pub(crate) fn with_stripe(app: &TestApp, fake: &FakeStripe, secret_key: &str) -> AppState {
    let settings = ClientSettings {
        api_url: fake.url.clone(),
        timeout: Duration::from_millis(500),
        backoff: Duration::from_millis(10),
    };
    let client = StripeClient::new(settings, secret_key).unwrap();
    let gateway = StripeGateway::new(
        client,
        Mode::Test,
        vec!["whsec_payments".into()],
        ProcessorScript {
            url: "https://js.stripe.com/v3/".into(),
            publishable_key: "pk_test_payments".into(),
        },
    );
    let mut state = app.state.clone();
    state.gateway = Arc::new(gateway);
    state
}

fn ctx(app: &TestApp) -> ChangeContext {
    ChangeContext {
        actor: Actor::Customer,
        at: app.clock.now(),
        request_id: "stripe-payments".into(),
    }
}

/// A customer with a card saved at Stripe from `number` (confirmed as Stripe.js does) and a
/// $100.00 invoice: (customer, card, invoice).
async fn ready(
    app: &TestApp,
    state: &AppState,
    fake: &FakeStripe,
    number: &str,
) -> (CustomerId, PaymentMethodId, InvoiceId) {
    let (maria, _) = app.paying_customer("maria@example.com").await;
    let setup = begin_card_setup(state, maria).await.unwrap();
    let confirmed = reqwest::Client::new()
        .post(format!(
            "{}/test/setup_intents/{}/confirm",
            fake.url, setup.id
        ))
        .form(&[
            ("number", number),
            ("exp_month", "12"),
            ("exp_year", "2034"),
            ("zip", "94107"),
            ("name", "Maria Gonzalez"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    let consent = ConsentGiven {
        consent: CardConsent::Terms(app.terms_version().await),
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
    };
    let wallet = Wallet {
        state,
        customer: maria,
        ctx: &ctx(app),
    };
    let card = wallet.save(&setup.id, true, "", &consent).await.unwrap();
    let invoice = app.invoice(maria, 100_00).await;
    (maria, card.id, invoice)
}

async fn pay_25(
    app: &TestApp,
    state: &AppState,
    who: (CustomerId, PaymentMethodId, InvoiceId),
    key: &str,
) -> Result<PayOutcome, AppError> {
    let (customer, card, invoice) = who;
    let source = PaymentSource::Saved(card);
    pay(state, customer, invoice, source, "25.00", key, &ctx(app)).await
}

async fn paid(app: &TestApp, customer: CustomerId, invoice: InvoiceId) -> Cents {
    app.store
        .invoice_for_customer(customer, invoice)
        .await
        .unwrap()
        .paid
}

/// Stripe's answer to a request that the fake lost: the id of the one intent it made.
fn only_intent(fake: &FakeStripe, attempt: i64) -> String {
    let intents = fake.intents_for_attempt(attempt);
    assert_eq!(intents.len(), 1, "{intents:#?}");
    intents[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_payment_still_processing_when_stripe_forgets_its_key_is_read_by_its_id_not_charged_again()
 {
    let app = spawn_app().await;
    let fake = FakeStripe::start().await;
    let state = with_stripe(&app, &fake, SECRET_KEY);
    let who = ready(&app, &state, &fake, "4242424242424242").await;
    let (maria, _, invoice) = who;
    let key = "processing-key-0000000001";

    fake.books().processing = true;
    let first = pay_25(&app, &state, who, key).await;
    assert!(matches!(first, Err(AppError::Unavailable(_))), "{first:?}");
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Pending);
    let intent = only_intent(&fake, attempt.id);

    // A day later Stripe has forgotten the key; meanwhile the payment went through.
    fake.books().processing = false;
    app.clock.advance(86_400);
    fake.prune_idempotency_keys();
    let settled = reqwest::Client::new()
        .post(format!("{}/test/payment_intents/{intent}/settle", fake.url))
        .send()
        .await
        .unwrap();
    assert_eq!(settled.status(), 200);

    reconcile_pending(&state, 0).await;
    assert_eq!(
        only_intent(&fake, attempt.id),
        intent,
        "one payment intent per attempt: the card was charged once"
    );
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Approved);
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(25_00));
    // The customer's retry with the same key answers the same and charges nothing more.
    assert!(matches!(
        pay_25(&app, &state, who, key).await,
        Ok(PayOutcome::Paid(_))
    ));
    assert_eq!(fake.intents_for_attempt(attempt.id).len(), 1);
    assert_eq!(fake.books().charges.len(), 1);
}

#[tokio::test]
async fn a_payment_whose_answer_was_lost_is_found_at_stripe_before_anything_is_created_again() {
    let app = spawn_app().await;
    let fake = FakeStripe::start().await;
    let state = with_stripe(&app, &fake, SECRET_KEY);
    let who = ready(&app, &state, &fake, "4242424242424242").await;
    let (maria, _, invoice) = who;
    let key = "lost-answer-key-000000001";

    // Stripe charges the card, but the answer and both retries are lost on the way back.
    fake.fail_next(&[Fault::Lost, Fault::Unavailable, Fault::Unavailable]);
    let first = pay_25(&app, &state, who, key).await;
    assert!(matches!(first, Err(AppError::Unavailable(_))), "{first:?}");
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(
        (attempt.status, attempt.processor_charge.as_deref()),
        (AttemptStatus::Pending, None)
    );
    let intent = only_intent(&fake, attempt.id);

    // A day later Stripe has forgotten the key.
    app.clock.advance(86_400);
    fake.prune_idempotency_keys();
    reconcile_pending(&state, 0).await;
    assert_eq!(
        only_intent(&fake, attempt.id),
        intent,
        "one payment intent per attempt: the card was charged once"
    );
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Approved);
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(25_00));
    assert_eq!(fake.books().charges.len(), 1);
}

#[tokio::test]
async fn two_installs_on_one_stripe_account_never_share_a_customer_or_a_payment_key() {
    let fake = FakeStripe::start().await;
    let key = "same-page-key-0000000001";
    let mut paid_by = Vec::new();
    for _ in 0..2 {
        // A fresh database: another install, or this one after a reset.
        let app = spawn_app().await;
        let state = with_stripe(&app, &fake, SECRET_KEY);
        let who = ready(&app, &state, &fake, "4242424242424242").await;
        assert_eq!(who.0, CustomerId::new(1), "the same customer id in both");
        let outcome = pay_25(&app, &state, who, key).await;
        assert!(matches!(outcome, Ok(PayOutcome::Paid(_))), "{outcome:?}");
        assert_eq!(paid(&app, who.0, who.2).await, Cents::new(25_00));
        paid_by.push(app);
    }
    let books = fake.books();
    assert_eq!(books.customers.len(), 2, "one Stripe customer per install");
    assert_eq!(
        books.payment_intents.len(),
        2,
        "each install's payment made"
    );
    assert_eq!(books.charges.len(), 2);
    let keys = |path: &str| -> Vec<String> {
        books
            .seen
            .iter()
            .filter(|s| s.method == "POST" && s.path == path)
            .filter_map(|s| s.idempotency_key.clone())
            .collect()
    };
    for path in ["/v1/customers", "/v1/payment_intents"] {
        let sent = keys(path);
        assert_eq!(sent.len(), 2, "{path}: {sent:?}");
        assert_ne!(sent[0], sent[1], "{path}: each install its own key");
        assert!(
            sent.iter()
                .all(|k| k != key && k != "porchlight-customer-1"),
            "{path}: {sent:?}"
        );
    }
}

#[tokio::test]
async fn each_database_has_its_own_install_id_and_keeps_it() {
    let (one, other) = (spawn_app().await, spawn_app().await);
    let id = one.store.install_id().await.unwrap();
    assert_eq!(id.as_str().len(), 32);
    assert_eq!(one.store.install_id().await.unwrap(), id, "made once");
    assert_eq!(
        one.twin().await.store.install_id().await.unwrap(),
        id,
        "one per database"
    );
    assert_ne!(
        other.store.install_id().await.unwrap(),
        id,
        "a new database, a new id"
    );
}
