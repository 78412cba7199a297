//! The Stripe client against the fake Stripe API: each endpoint Porchlight uses, Stripe's test
//! cards (declines, 3-D Secure), idempotent replays and reused keys, 503s, late answers and a
//! wrong key; and on every request the bearer key, the pinned version and an idempotency key.

use crate::fake_stripe::{FakeStripe, Fault, SECRET_KEY};
use app::backend::gateway::stripe::{
    ClientSettings, Expandable, Params, PaymentIntent, StripeClient, StripeError,
};
use std::time::Duration;

async fn client_for(fake: &FakeStripe) -> StripeClient {
    let settings = ClientSettings {
        api_url: fake.url.clone(),
        timeout: Duration::from_millis(500),
        backoff: Duration::from_millis(10),
    };
    StripeClient::new(settings, SECRET_KEY).unwrap()
}

async fn customer(client: &StripeClient, n: u32) -> String {
    let params = Params::default()
        .with("email", format!("customer{n}@example.com"))
        .with("metadata[porchlight_customer]", n);
    client
        .create_customer(params, &format!("porchlight-customer-{n}"))
        .await
        .unwrap()
        .id
}

/// What Stripe.js does when the customer confirms the Payment Element: returns the HTTP status.
async fn confirm_in_browser(fake: &FakeStripe, setup: &str, number: &str, exp: (u32, i32)) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/test/setup_intents/{setup}/confirm", fake.url))
        .form(&[
            ("number", number.to_owned()),
            ("exp_month", exp.0.to_string()),
            ("exp_year", exp.1.to_string()),
            ("zip", "94107".to_owned()),
            ("name", "Ada Lovelace".to_owned()),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn authenticate(fake: &FakeStripe, kind: &str, id: &str, result: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/test/{kind}/{id}/authenticate", fake.url))
        .form(&[("result", result)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// A customer with a saved card from `number`: (customer, payment method).
async fn saved_card(
    fake: &FakeStripe,
    client: &StripeClient,
    n: u32,
    number: &str,
) -> (String, String) {
    let customer = customer(client, n).await;
    let setup = client.create_setup_intent(&customer).await.unwrap();
    assert_eq!(
        confirm_in_browser(fake, &setup.id, number, (12, 2034)).await,
        200
    );
    if number == "4000002500003155" {
        authenticate(fake, "setup_intents", &setup.id, "complete").await;
    }
    let read = client.setup_intent(&setup.id).await.unwrap();
    let pm = read.payment_method.expect("a confirmed setup has a card");
    (customer, pm.id().to_owned())
}

fn charge(customer: &str, pm: &str, cents: i64, attempt: u32) -> Params {
    Params::default()
        .with("amount", cents)
        .with("currency", "usd")
        .with("customer", customer)
        .with("payment_method", pm)
        .with("confirm", "true")
        .with("use_stripe_sdk", "true")
        .with("allowed_payment_method_types[]", "card")
        .with("metadata[attempt_id]", attempt)
}

fn assert_headers_kept(fake: &FakeStripe) {
    assert_eq!(fake.violations(), Vec::<String>::new());
    let books = fake.books();
    assert!(
        books
            .seen
            .iter()
            .filter(|s| s.method == "POST" && !s.path.starts_with("/test/"))
            .all(|s| s.idempotency_key.is_some())
    );
}

#[tokio::test]
async fn a_stripe_customer_is_created_once_per_idempotency_key() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let first = customer(&client, 7).await;
    let again = customer(&client, 7).await;
    assert_eq!(first, again);
    assert_eq!(fake.books().customers.len(), 1);
    assert!(fake.books().seen.last().unwrap().replayed);
    assert_ne!(customer(&client, 8).await, first);
    assert_headers_kept(&fake);
}

#[tokio::test]
async fn a_card_confirmed_in_the_browser_reads_back_as_display_data_and_a_fingerprint() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let customer = customer(&client, 1).await;
    let setup = client.create_setup_intent(&customer).await.unwrap();
    assert_eq!(setup.status, "requires_payment_method");
    assert!(
        setup
            .client_secret
            .as_deref()
            .is_some_and(|s| s.starts_with(&setup.id))
    );
    assert_eq!(
        confirm_in_browser(&fake, &setup.id, "4242424242424242", (12, 2034)).await,
        200
    );

    let read = client.setup_intent(&setup.id).await.unwrap();
    assert_eq!(read.status, "succeeded");
    let pm = read
        .payment_method
        .as_ref()
        .and_then(Expandable::object)
        .expect("expanded");
    let card = pm.card.as_ref().unwrap();
    assert_eq!(
        (
            card.brand.as_str(),
            card.last4.as_str(),
            card.exp_month,
            card.exp_year
        ),
        ("visa", "4242", 12, 2034)
    );
    assert_eq!(pm.customer.as_deref(), Some(customer.as_str()));
    assert_eq!(
        pm.billing_details
            .address
            .as_ref()
            .and_then(|a| a.postal_code.as_deref()),
        Some("94107")
    );

    // The same number with another expiry: a new payment method, the same fingerprint.
    let second = client.create_setup_intent(&customer).await.unwrap();
    confirm_in_browser(&fake, &second.id, "4242424242424242", (1, 2031)).await;
    let other = client
        .setup_intent(&second.id)
        .await
        .unwrap()
        .payment_method
        .unwrap();
    let other = client.payment_method(other.id()).await.unwrap();
    assert_ne!(other.id, pm.id);
    assert_eq!(other.card.unwrap().fingerprint, card.fingerprint);
    assert_headers_kept(&fake);
}

#[tokio::test]
async fn a_card_refused_on_setup_leaves_the_setup_without_a_card_and_says_why() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let customer = customer(&client, 1).await;
    for (number, code, decline) in [
        ("4000000000000069", "expired_card", None),
        ("4000000000000127", "incorrect_cvc", None),
        ("4000000000000119", "processing_error", None),
        // Stripe's declined test cards are declined when the setup checks the card.
        ("4000000000000002", "card_declined", Some("generic_decline")),
        (
            "4000000000009995",
            "card_declined",
            Some("insufficient_funds"),
        ),
        ("4000000000009987", "card_declined", Some("lost_card")),
        ("4000000000009979", "card_declined", Some("stolen_card")),
    ] {
        let setup = client.create_setup_intent(&customer).await.unwrap();
        assert_eq!(
            confirm_in_browser(&fake, &setup.id, number, (12, 2034)).await,
            402
        );
        let read = client.setup_intent(&setup.id).await.unwrap();
        assert_eq!(read.status, "requires_payment_method", "{number}");
        assert!(read.payment_method.is_none(), "{number}");
        let error = read.last_setup_error.expect("a refusal has its error");
        assert_eq!(error.code.as_deref(), Some(code), "{number}");
        assert_eq!(error.decline_code.as_deref(), decline, "{number}");
    }
}

#[tokio::test]
async fn an_approved_charge_succeeds_once_per_idempotency_key_and_a_reused_key_is_refused() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let (customer, pm) = saved_card(&fake, &client, 1, "5555555555554444").await;
    let first = client
        .create_payment_intent(charge(&customer, &pm, 2500, 1), "attempt-1")
        .await
        .unwrap();
    assert_eq!(first.status, "succeeded");
    assert!(
        first
            .latest_charge
            .as_deref()
            .is_some_and(|c| c.starts_with("ch_"))
    );
    assert_eq!(
        first.metadata.get("attempt_id").map(String::as_str),
        Some("1")
    );

    let again = client
        .create_payment_intent(charge(&customer, &pm, 2500, 1), "attempt-1")
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(fake.books().payment_intents.len(), 1);

    let changed = client
        .create_payment_intent(charge(&customer, &pm, 9900, 1), "attempt-1")
        .await;
    assert_eq!(changed, Err(StripeError::KeyReuse));
    assert_eq!(client.payment_intent(&first.id).await.unwrap(), first);
    assert_eq!(fake.books().payment_intents.len(), 1);
    assert_headers_kept(&fake);
}

#[tokio::test]
async fn a_declined_charge_answers_with_the_intent_and_the_bank_s_reason() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    // Attaches to a customer, then every charge fails (the only such test card).
    let (customer, pm) = saved_card(&fake, &client, 1, "4000000000000341").await;
    for n in 1..=2 {
        let intent: PaymentIntent = client
            .create_payment_intent(charge(&customer, &pm, 1000, n), &format!("attempt-{n}"))
            .await
            .unwrap();
        assert_eq!(intent.status, "requires_payment_method");
        let error = intent.last_payment_error.expect("a decline has its error");
        assert_eq!(
            (
                error.kind.as_str(),
                error.code.as_deref(),
                error.decline_code.as_deref()
            ),
            ("card_error", Some("card_declined"), Some("generic_decline"))
        );
        assert!(intent.latest_charge.is_none());
    }
}

#[tokio::test]
async fn a_parameter_stripe_s_api_does_not_have_is_refused_and_named() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let misspelled = Params::default()
        .with("emial", "maria@example.com")
        .with("metadata[porchlight_customer]", 1);
    let refused = client.create_customer(misspelled, "bogus-param-1").await;
    let Err(StripeError::Invalid { status, detail }) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(
        (status, detail.code.as_deref()),
        (400, Some("parameter_unknown"))
    );
    assert!(
        detail
            .message
            .as_deref()
            .is_some_and(|m| m.ends_with(": emial")),
        "{detail:?}"
    );
    // Nested names are checked too, and the name older API versions used is gone.
    let (customer, pm) = saved_card(&fake, &client, 2, "4242424242424242").await;
    for (name, value) in [
        ("payment_method_types[]", "card"),
        ("payment_method_options[card][request_three_d_secur]", "any"),
    ] {
        let params = charge(&customer, &pm, 1000, 1).with(name, value);
        let refused = client.create_payment_intent(params, name).await;
        assert!(
            matches!(&refused, Err(StripeError::Invalid { status: 400, detail }) if detail.code.as_deref() == Some("parameter_unknown")),
            "{name}: {refused:?}"
        );
    }
    assert!(fake.books().customers.len() == 1 && fake.books().payment_intents.is_empty());
}

#[tokio::test]
async fn a_server_side_confirm_without_use_stripe_sdk_or_a_return_url_is_refused() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let (customer, pm) = saved_card(&fake, &client, 1, "4000002500003155").await;
    let bare = Params::default()
        .with("amount", 1000)
        .with("currency", "usd")
        .with("customer", &customer)
        .with("payment_method", &pm)
        .with("confirm", "true");
    let refused = client.create_payment_intent(bare.clone(), "bare-1").await;
    assert!(
        matches!(&refused, Err(StripeError::Invalid { status: 400, detail }) if detail.code.as_deref() == Some("parameter_missing")),
        "{refused:?}"
    );
    let with_return = bare.with("return_url", "https://portal.test/invoices/1/pay");
    let waiting = client
        .create_payment_intent(with_return, "bare-2")
        .await
        .unwrap();
    assert_eq!(waiting.status, "requires_action");
}

#[tokio::test]
async fn the_3d_secure_card_needs_authentication_on_setup_and_on_session_charges() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let customer = customer(&client, 1).await;
    let setup = client.create_setup_intent(&customer).await.unwrap();
    confirm_in_browser(&fake, &setup.id, "4000002500003155", (12, 2034)).await;
    assert_eq!(
        client.setup_intent(&setup.id).await.unwrap().status,
        "requires_action"
    );
    authenticate(&fake, "setup_intents", &setup.id, "complete").await;
    let read = client.setup_intent(&setup.id).await.unwrap();
    assert_eq!(read.status, "succeeded");
    let pm = read.payment_method.unwrap().id().to_owned();

    let pending = client
        .create_payment_intent(charge(&customer, &pm, 1000, 1), "a-1")
        .await
        .unwrap();
    assert_eq!(pending.status, "requires_action");
    assert!(pending.client_secret.is_some());
    authenticate(&fake, "payment_intents", &pending.id, "complete").await;
    assert_eq!(
        client.payment_intent(&pending.id).await.unwrap().status,
        "succeeded"
    );

    let failing = client
        .create_payment_intent(charge(&customer, &pm, 1000, 2), "a-2")
        .await
        .unwrap();
    authenticate(&fake, "payment_intents", &failing.id, "fail").await;
    let failed = client.payment_intent(&failing.id).await.unwrap();
    assert_eq!(failed.status, "requires_payment_method");
    assert_eq!(
        failed.last_payment_error.and_then(|e| e.code).as_deref(),
        Some("payment_intent_authentication_failure")
    );
}

#[tokio::test]
async fn expiry_and_zip_change_in_place_the_default_card_is_set_and_detaching_is_final() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let (customer, pm) = saved_card(&fake, &client, 1, "4242424242424242").await;
    let updated = client.update_card(&pm, 3, 2031, "10001").await.unwrap();
    let card = updated.card.unwrap();
    assert_eq!((card.exp_month, card.exp_year), (3, 2031));
    assert_eq!(
        updated
            .billing_details
            .address
            .and_then(|a| a.postal_code)
            .as_deref(),
        Some("10001")
    );
    assert!(matches!(
        client.update_card(&pm, 13, 2031, "10001").await,
        Err(StripeError::Invalid { status: 400, .. })
    ));

    let with_default = client
        .set_default_payment_method(&customer, &pm)
        .await
        .unwrap();
    assert_eq!(
        with_default
            .invoice_settings
            .default_payment_method
            .as_ref()
            .map(Expandable::id),
        Some(pm.as_str())
    );

    let detached = client.detach(&pm).await.unwrap();
    assert_eq!(detached.customer, None);
    assert!(matches!(
        client.detach(&pm).await,
        Err(StripeError::Invalid { status: 400, .. })
    ));
    assert!(matches!(
        client.set_default_payment_method(&customer, &pm).await,
        Err(StripeError::Invalid { .. })
    ));
    let refused = client
        .create_payment_intent(charge(&customer, &pm, 1000, 1), "after-detach")
        .await;
    assert!(
        matches!(refused, Err(StripeError::Invalid { status: 400, .. })),
        "{refused:?}"
    );
    assert_headers_kept(&fake);
}

#[tokio::test]
async fn a_503_is_retried_under_the_same_key_and_charges_once() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let (customer, pm) = saved_card(&fake, &client, 1, "4242424242424242").await;
    fake.fail_next(&[Fault::Unavailable]);
    let intent = client
        .create_payment_intent(charge(&customer, &pm, 1000, 1), "retry-1")
        .await
        .unwrap();
    assert_eq!(intent.status, "succeeded");
    let books = fake.books();
    assert_eq!(books.payment_intents.len(), 1);
    assert!(
        books
            .seen
            .iter()
            .rev()
            .take(1)
            .all(|s| s.idempotency_key.as_deref() == Some("retry-1"))
    );
}

#[tokio::test]
async fn an_answer_that_comes_too_late_is_asked_again_and_replayed_not_charged_twice() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    let (customer, pm) = saved_card(&fake, &client, 1, "4242424242424242").await;
    fake.fail_next(&[Fault::Late(Duration::from_secs(3))]);
    let intent = client
        .create_payment_intent(charge(&customer, &pm, 1000, 1), "late-1")
        .await
        .unwrap();
    assert_eq!(intent.status, "succeeded");
    let books = fake.books();
    assert_eq!(books.payment_intents.len(), 1);
    let tries: Vec<_> = books
        .seen
        .iter()
        .filter(|s| s.idempotency_key.as_deref() == Some("late-1"))
        .collect();
    assert_eq!(tries.len(), 2);
    assert!(!tries[0].replayed && tries[1].replayed);
}

#[tokio::test]
async fn stripe_that_stays_down_or_refuses_the_key_is_an_error_not_an_answer() {
    let fake = FakeStripe::start().await;
    let client = client_for(&fake).await;
    fake.fail_next(&[Fault::Unavailable, Fault::Unavailable, Fault::Unavailable]);
    assert!(matches!(
        client.create_setup_intent("cus_1").await,
        Err(StripeError::Unavailable(_))
    ));
    assert_eq!(
        fake.books().seen.len(),
        0,
        "503s before the request reached Stripe's books"
    );

    let settings = ClientSettings {
        api_url: fake.url.clone(),
        timeout: Duration::from_secs(2),
        backoff: Duration::from_millis(10),
    };
    let wrong = StripeClient::new(settings, "sk_test_51SomeoneElsesKey000").unwrap();
    assert_eq!(
        wrong.payment_intent("pi_1").await,
        Err(StripeError::Authentication(401))
    );
    assert!(matches!(
        client.payment_intent("pi_missing").await,
        Err(StripeError::NotFound(_))
    ));
    assert!(matches!(
        client.payment_intent("pi_1/../../v1/customers").await,
        Err(StripeError::NotFound(_))
    ));

    let nowhere = ClientSettings {
        api_url: "http://127.0.0.1:9".into(),
        timeout: Duration::from_secs(2),
        backoff: Duration::from_millis(10),
    };
    let unreachable = StripeClient::new(nowhere, SECRET_KEY).unwrap();
    assert!(matches!(
        unreachable.payment_intent("pi_1").await,
        Err(StripeError::Unavailable(_))
    ));
}
