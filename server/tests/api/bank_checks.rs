//! Payments the card's bank must confirm (3-D Secure, the sandbox's 4000 0025 0000 3155): nothing
//! is charged until the cardholder answers the bank's check, the answer is read from the
//! processor by the charge's id, and a check left unanswered is given up.

use crate::helpers::{TestApp, spawn_app};
use crate::payments::{paid, pay};
use app::{
    AppError,
    backend::payments::{AUTHENTICATION_WINDOW_SECS, reconcile_pending},
    domain::{Cents, CustomerId, InvoiceId, status::AttemptStatus, tokenization::ProcessorScript},
    portal::pay::api::{BankCheck, FinishPayment, PaymentDone},
};

const NEEDS_CHECK: &str = "4000 0025 0000 3155";

/// A customer whose primary card needs the bank's check, with a $100.00 invoice.
async fn ready(app: &TestApp) -> (CustomerId, String, InvoiceId, String) {
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, NEEDS_CHECK, false).await;
    let card = app.card_id(maria, "3155").await;
    let invoice = app.invoice(maria, 100_00).await;
    (maria, session, invoice, card)
}

async fn finish(app: &TestApp, session: &str, key: &str) -> Result<PaymentDone, AppError> {
    let args = FinishPayment {
        idempotency_key: key.into(),
    };
    app.call(args, Some(session)).await
}

/// What the bank page sends for the cardholder: "complete" or "fail"; the HTTP status.
async fn answer(app: &TestApp, check: &BankCheck, result: &str) -> u16 {
    let secret = check.client_secret.expose();
    let charge = secret.split("_secret_").next().unwrap();
    app.client
        .post(app.url(&format!(
            "/gateway/v1/payment_intents/{charge}/authenticate"
        )))
        .header("origin", &app.public_url)
        .json(&serde_json::json!({ "client_secret": secret, "result": result }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn bank_check(done: Result<PaymentDone, AppError>) -> BankCheck {
    match done {
        Ok(PaymentDone::Authenticate(check)) => check,
        other => panic!("expected the bank's check, got {other:?}"),
    }
}

#[tokio::test]
async fn a_payment_the_bank_must_confirm_is_charged_once_only_after_the_cardholder_confirms() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app).await;
    let key = "bank-check-key-000000000001";
    let check = bank_check(pay(&app, &session, invoice, &card, "100.00", key).await);
    assert_eq!(check.key, key);
    assert_eq!(check.script, ProcessorScript::sandbox());
    assert!(!format!("{check:?}").contains("_secret_"), "{check:?}");
    // Nothing is paid while the bank waits; asking again shows the same check.
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);
    let again = bank_check(finish(&app, &session, key).await);
    assert_eq!(again.client_secret, check.client_secret);

    assert_eq!(answer(&app, &check, "complete").await, 200);
    let before = app.outbox_files();
    let done = finish(&app, &session, key).await.unwrap();
    assert_eq!(done.message(), "Paid $100.00 with Visa •••• 3155.");
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(100_00));
    // Finishing again, or paying again with the same key, answers the same and charges nothing more.
    assert_eq!(finish(&app, &session, key).await.unwrap(), done);
    assert_eq!(
        pay(&app, &session, invoice, &card, "100.00", key)
            .await
            .unwrap(),
        done
    );
    assert_eq!(app.gateway.charges_with_key(key).await.unwrap(), 1);
    assert_eq!(
        app.store.payments_for_invoice(invoice).await.unwrap().len(),
        1
    );
    let receipt = app
        .new_email_with(&before, "maria@example.com", "Receipt for your payment")
        .await;
    assert!(receipt.contains(" 3155 on "), "{receipt}");
    // The bank's page cannot answer twice.
    assert_eq!(answer(&app, &check, "fail").await, 400);
}

#[tokio::test]
async fn a_failed_bank_check_declines_with_the_banks_reason_and_frees_the_invoice() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app).await;
    let key = "bank-check-key-000000000002";
    let check = bank_check(pay(&app, &session, invoice, &card, "100.00", key).await);
    assert_eq!(answer(&app, &check, "fail").await, 200);
    let refused = finish(&app, &session, key).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Your bank couldn't confirm this payment with you. Please try again or use a different card. Your invoice was not paid."
    );
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Declined);
    // The amount is no longer held: the whole balance can be paid again (a new check).
    bank_check(
        pay(
            &app,
            &session,
            invoice,
            &card,
            "100.00",
            "bank-check-key-000000000003",
        )
        .await,
    );
}

#[tokio::test]
async fn a_wrong_client_secret_answers_nothing_and_another_customer_cannot_finish_the_payment() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app).await;
    let key = "bank-check-key-000000000004";
    let mut check = bank_check(pay(&app, &session, invoice, &card, "100.00", key).await);
    let real = check.client_secret.clone();
    let forged = format!("{}x", &real.expose()[..real.expose().len() - 1]);
    check.client_secret = app::domain::tokenization::ClientSecret::new(forged);
    assert_eq!(answer(&app, &check, "complete").await, 400);
    let (_, other) = app.paying_customer("linh@example.com").await;
    assert_eq!(finish(&app, &other, key).await, Err(AppError::NotFound));
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Pending);
}

#[tokio::test]
async fn a_check_left_unanswered_is_canceled_at_the_processor_after_fifteen_minutes() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app).await;
    let key = "bank-check-key-000000000005";
    let check = bank_check(pay(&app, &session, invoice, &card, "100.00", key).await);
    // Within the window the reconciler leaves it waiting.
    app.clock.advance(AUTHENTICATION_WINDOW_SECS - 60);
    reconcile_pending(&app.state, 0).await;
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Pending);
    assert!(attempt.processor_charge.is_some());
    // After it, the charge is canceled first (the bank page can no longer confirm it), then the
    // attempt is declined and the invoice is free.
    app.clock.advance(120);
    reconcile_pending(&app.state, 0).await;
    let attempt = app.store.attempt_by_key(key).await.unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Declined);
    assert_eq!(answer(&app, &check, "complete").await, 400);
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);
    assert!(finish(&app, &session, key).await.is_err());
}

#[tokio::test]
async fn only_the_signed_in_customer_can_finish_their_payment() {
    use app::domain::StaffRole;
    let app = spawn_app().await;
    let (_, session, invoice, card) = ready(&app).await;
    let key = "bank-check-key-000000000006";
    bank_check(pay(&app, &session, invoice, &card, "100.00", key).await);
    let finish_as = |who: Option<String>| {
        let app = &app;
        async move {
            let args = FinishPayment {
                idempotency_key: key.into(),
            };
            app.call(args, who.as_deref()).await
        }
    };
    assert_eq!(finish_as(None).await, Err(AppError::Unauthenticated));
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    assert!(finish_as(Some(admin)).await.is_err());
    // A malformed key is refused before anything is read.
    let args = FinishPayment {
        idempotency_key: "short".into(),
    };
    assert_eq!(
        app.call(args, Some(&session)).await,
        Err(AppError::BadRequest)
    );
}
