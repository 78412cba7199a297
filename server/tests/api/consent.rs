//! Consent to keep a card on file: a card is saved only with its holder's agreement to the
//! current card-on-file terms (or, added by the office, with the customer's spoken consent),
//! recorded with the card and in both histories; new terms are a new version.

use crate::helpers::{TestApp, spawn_app};
use app::{
    AppError,
    domain::{StaffRole, consent::CardConsent},
    office::{
        card_terms::{CardTermsSettings, SaveCardTerms},
        cards::OfficeAddPaymentMethod,
    },
    portal::payment_methods::api::{AddPaymentMethod, BeginCardSetup},
};

fn add(setup: &str, agreed_terms: Option<u32>) -> AddPaymentMethod {
    AddPaymentMethod {
        setup_intent: setup.into(),
        make_primary: false,
        nickname: String::new(),
        agreed_terms,
    }
}

fn refused_for(answer: &Result<String, AppError>, field: &str, words: &str) -> bool {
    answer
        .as_ref()
        .err()
        .and_then(|e| e.message_for(field))
        .is_some_and(|m| m.contains(words))
}

async fn card_count(app: &TestApp, session: &str) -> usize {
    app.cards(session).await.len()
}

#[tokio::test]
async fn a_card_is_saved_only_when_the_customer_agrees_to_the_terms_they_were_shown() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    // The dialog is shown the current terms (the default, naming the business) with the setup.
    let start = app.call(BeginCardSetup {}, Some(&session)).await.unwrap();
    let terms = start.terms.expect("the terms to show");
    assert_eq!(terms.version, 1);
    let visa = app.card_setup(&session, "4242 4242 4242 4242").await;

    let unticked = app.call(add(&visa, None), Some(&session)).await;
    assert!(
        refused_for(&unticked, "terms", "Tick the box to agree"),
        "{unticked:?}"
    );
    let stale = app.call(add(&visa, Some(7)), Some(&session)).await;
    assert!(refused_for(&stale, "terms", "changed"), "{stale:?}");
    assert_eq!(card_count(&app, &session).await, 0);

    // Agreed, from a browser: the card keeps the version, time, address and browser.
    let args = add(&visa, Some(1));
    let res = app
        .request(&app.client, args, Some(&session))
        .header("User-Agent", "ConsentTest/1.0 (X11)")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let card = app.store.cards_for_customer(maria).await.unwrap()[0].id;
    let (given, at) = app
        .store
        .card_consent(maria, card)
        .await
        .unwrap()
        .expect("consent recorded");
    assert_eq!(given.consent, CardConsent::Terms(1));
    assert_eq!(given.ip, "127.0.0.1");
    assert_eq!(given.user_agent, "ConsentTest/1.0 (X11)");
    assert_eq!(at, app.clock.now());
    let page = app.page_html_as("/payment-methods", &session).await;
    assert!(
        page.contains("Agreed to card-on-file terms v1"),
        "the history says so"
    );
}

#[tokio::test]
async fn new_terms_are_a_new_version_that_customers_must_agree_to_again() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let short = app
        .call(
            SaveCardTerms {
                text: "Too short".into(),
            },
            Some(&admin),
        )
        .await;
    assert!(
        matches!(&short, Err(e) if e.message_for("terms").is_some()),
        "{short:?}"
    );
    let text = "You allow us to keep this card and charge it for invoices you pay here. Remove it any time.";
    let saved = app
        .call(SaveCardTerms { text: text.into() }, Some(&admin))
        .await;
    assert_eq!(saved, Ok(2));
    let view = app.call(CardTermsSettings {}, Some(&admin)).await.unwrap();
    assert_eq!(
        (view.current.version, view.current.text.as_str()),
        (2, text)
    );
    let listed: Vec<_> = view
        .versions
        .iter()
        .map(|v| (v.version, v.saved_by.as_str()))
        .collect();
    assert_eq!(listed, [(2, "admin person"), (1, "Default")]);

    // The dialog now shows version 2; a form still holding version 1 is refused.
    let start = app.call(BeginCardSetup {}, Some(&session)).await.unwrap();
    assert_eq!(start.terms.map(|t| t.version), Some(2));
    let visa = app.card_setup(&session, "4242 4242 4242 4242").await;
    let old = app.call(add(&visa, Some(1)), Some(&session)).await;
    assert!(refused_for(&old, "terms", "changed"), "{old:?}");
    app.call(add(&visa, Some(2)), Some(&session)).await.unwrap();
    let history = app.store.payment_method_events(maria).await.unwrap();
    assert_eq!(history.last().unwrap().consent, Some(CardConsent::Terms(2)));
}

#[tokio::test]
async fn the_office_adds_a_card_only_with_the_customers_spoken_consent_and_the_record_says_so() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let staff = app
        .staff_session(StaffRole::Accountant, "avery@office.example")
        .await;
    let visa = app.card_setup(&session, "4242 4242 4242 4242").await;
    let office_add = |spoken_consent| OfficeAddPaymentMethod {
        customer_id: maria.to_string(),
        setup_intent: visa.clone(),
        make_primary: false,
        nickname: String::new(),
        spoken_consent,
    };
    let unticked = app.call(office_add(false), Some(&staff)).await;
    assert!(
        refused_for(&unticked, "spoken_consent", "the customer agreed"),
        "{unticked:?}"
    );
    assert_eq!(card_count(&app, &session).await, 0);
    app.call(office_add(true), Some(&staff)).await.unwrap();
    let card = app.store.cards_for_customer(maria).await.unwrap()[0].id;
    let (given, _) = app.store.card_consent(maria, card).await.unwrap().unwrap();
    assert_eq!(given.consent, CardConsent::Spoken);
    let record = app
        .page_html_as(&format!("/office/customers/{maria}/history"), &staff)
        .await;
    assert!(
        record.contains("With the customer&#x27;s spoken consent")
            || record.contains("With the customer's spoken consent"),
        "the office history names the spoken consent"
    );
}

#[tokio::test]
async fn keeping_a_card_used_to_pay_needs_the_terms_but_paying_with_it_once_does_not() {
    use app::portal::pay::api::PayInvoice;
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let invoice = app.invoice(maria, 100_00).await;
    let pay = |setup: String, save: bool, agreed_terms: Option<u32>, key: &str| PayInvoice {
        invoice_id: invoice.to_string(),
        amount: "10.00".into(),
        idempotency_key: key.into(),
        payment_method_id: None,
        setup_intent: Some(setup),
        save,
        agreed_terms,
    };
    let setup = app.card_setup(&session, "4242 4242 4242 4242").await;
    let unticked = app
        .call(
            pay(setup.clone(), true, None, "consent-pay-key-00001"),
            Some(&session),
        )
        .await;
    assert!(
        matches!(&unticked, Err(e) if e.message_for("terms").is_some()),
        "{unticked:?}"
    );
    assert_eq!(card_count(&app, &session).await, 0);
    // Not kept: no terms asked, the payment goes through and no card stays.
    app.call(
        pay(setup, false, None, "consent-pay-key-00002"),
        Some(&session),
    )
    .await
    .unwrap();
    assert_eq!(card_count(&app, &session).await, 0);
    let kept = app.card_setup(&session, "5555 5555 5555 4444").await;
    app.call(
        pay(kept, true, Some(1), "consent-pay-key-00003"),
        Some(&session),
    )
    .await
    .unwrap();
    assert_eq!(card_count(&app, &session).await, 1);
}
