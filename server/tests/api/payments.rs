//! Paying invoices with saved cards: exactly once per key, never beyond the balance, refusals.

use crate::helpers::{PASSWORD, TestApp, card_form, spawn_app, spawn_app_with_pool_size};
use app::domain::status::Named as _;
use app::{
    AppError,
    backend::store::AttemptDetails,
    domain::{Cents, CustomerId, InvoiceId, status::AttemptStatus},
    office::record::api::CustomerRecord,
    portal::{
        invoice::InvoiceView,
        pay::api::{PayInvoice, PaymentDone},
    },
};
use sqlx::Connection;
use std::{sync::Arc, time::Duration};

/// What `customer` has paid of `invoice`.
pub(crate) async fn paid(app: &TestApp, customer: CustomerId, invoice: InvoiceId) -> Cents {
    app.store
        .invoice_for_customer(customer, invoice)
        .await
        .unwrap()
        .paid
}

/// Asserts that `invoice` has no payment and nothing of it is paid.
async fn assert_nothing_paid(app: &TestApp, customer: CustomerId, invoice: InvoiceId) {
    assert_eq!(paid(app, customer, invoice).await, Cents::ZERO);
    assert!(
        app.store
            .payments_for_invoice(invoice)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A customer with a saved Visa (primary) and a $100.00 invoice: (customer, session, invoice, card id).
async fn ready(app: &TestApp, number: &str) -> (CustomerId, String, InvoiceId, String) {
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, number, false).await;
    let last4 = &number.replace(' ', "")[12..];
    let card = app.card_id(maria, last4).await;
    let invoice = app.invoice(maria, 100_00).await;
    (maria, session, invoice, card)
}

/// Pays `amount` of `invoice` with the saved card `card` under idempotency key `key`.
pub(crate) async fn pay(
    app: &TestApp,
    session: &str,
    invoice: InvoiceId,
    card: &str,
    amount: &str,
    key: &str,
) -> Result<PaymentDone, AppError> {
    let args = PayInvoice {
        invoice_id: invoice.to_string(),
        amount: amount.into(),
        idempotency_key: key.into(),
        payment_method_id: Some(card.into()),
        setup_intent: None,
        save: false,
        agreed_terms: None,
    };
    app.call(args, Some(session)).await
}

/// Whether `answer` refuses the amount with a message containing `words`.
fn amount_refused(answer: &Result<PaymentDone, AppError>, words: &str) -> bool {
    answer
        .as_ref()
        .err()
        .and_then(|err| err.message_for("amount"))
        .is_some_and(|message| message.contains(words))
}

#[tokio::test]
async fn ten_concurrent_payments_with_one_key_charge_once_and_all_report_the_same_outcome() {
    let app = Arc::new(spawn_app().await);
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    let key = "pay-key-0000000000000001";
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (app, session, card) = (app.clone(), session.clone(), card.clone());
            tokio::spawn(async move { pay(&app, &session, invoice, &card, "100.00", key).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let first = answers[0].clone();
    assert!(answers.iter().all(|a| *a == first), "{answers:?}");
    assert_eq!(
        first.unwrap().message(),
        "Paid $100.00 with Visa •••• 4242."
    );
    assert_eq!(app.gateway.charges_with_key(key).await.unwrap(), 1);
    assert_eq!(
        app.store.payments_for_invoice(invoice).await.unwrap().len(),
        1
    );
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(100_00));
    // The history says the card was used; the receipt went out.
    let latest = &app.store.payment_method_events(maria).await.unwrap()[0];
    assert_eq!(
        (latest.action.as_str(), latest.last4.as_str()),
        ("used_for_payment", "4242")
    );
    let receipt = app.email(app.email_count()).await;
    assert!(receipt.contains("Receipt for your payment"), "{receipt}");
}

#[tokio::test]
async fn ten_payments_of_the_whole_balance_with_different_keys_pay_it_exactly_once() {
    let app = Arc::new(spawn_app().await);
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (app, session, card) = (app.clone(), session.clone(), card.clone());
            tokio::spawn(async move {
                pay(
                    &app,
                    &session,
                    invoice,
                    &card,
                    "100.00",
                    &format!("distinct-key-{i:012}"),
                )
                .await
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        let answer = task.await.unwrap();
        match &answer {
            Ok(_) => ok += 1,
            Err(AppError::Conflict(message)) => {
                assert!(message.contains("already paid"), "{message}")
            }
            refused => assert!(
                amount_refused(refused, "can't be more than the balance"),
                "{refused:?}"
            ),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(100_00));
    assert_eq!(
        app.store.payments_for_invoice(invoice).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_crash_between_storing_the_attempt_and_recording_the_answer_is_reconciled_without_a_second_charge()
 {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    let saved = app.store.cards_for_customer(maria).await.unwrap().remove(0);
    let key = "crashed-attempt-000000001";
    let attempt = AttemptDetails {
        key: key.into(),
        customer_id: maria,
        invoice_id: invoice,
        payment_method_id: Some(saved.id),
        token: saved.token.clone(),
        card: saved.card.clone(),
        amount: Cents::new(40_00),
    };
    // The server stored the attempt and the gateway charged, then the process died.
    let reserved = app
        .store
        .reserve_attempt(&attempt, app.clock.now())
        .await
        .unwrap();
    assert!(reserved.fresh);
    use app::backend::gateway::{ChargeRequest, Gateway};
    let at_processor = app::backend::processor::processor_customer(&app.state, maria)
        .await
        .unwrap();
    let charge = ChargeRequest {
        customer: &at_processor,
        method: &saved.token,
        amount: Cents::new(40_00),
        idempotency_key: key,
        attempt: reserved.attempt.id,
        install: &app.store.install_id().await.unwrap(),
    };
    app.gateway.charge(&charge).await.unwrap();
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);
    assert_eq!(
        app.store
            .pending_attempts(app.clock.now().plus_seconds(1))
            .await
            .unwrap()
            .len(),
        1
    );
    // The customer's retry (same page, same key) finishes it; the gateway is not charged again.
    pay(&app, &session, invoice, &card, "40.00", key)
        .await
        .unwrap();
    assert_eq!(app.gateway.charges_with_key(key).await.unwrap(), 1);
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(40_00));
    assert!(
        app.store
            .pending_attempts(app.clock.now().plus_seconds(1))
            .await
            .unwrap()
            .is_empty()
    );
    // While it was pending it held its share of the balance: $60.01 is refused, $60.00 is fine.
    let over = pay(
        &app,
        &session,
        invoice,
        &card,
        "60.01",
        "another-key-0000000001",
    )
    .await;
    assert!(amount_refused(&over, "balance of $60.00"), "{over:?}");
}

#[tokio::test]
async fn a_declined_card_leaves_the_invoice_unpaid_with_the_plain_message() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app, "4000 0000 0000 0341").await;
    let declined = pay(
        &app,
        &session,
        invoice,
        &card,
        "100.00",
        "declined-key-00000001",
    )
    .await;
    assert!(
        matches!(&declined, Err(AppError::Conflict(m)) if m.contains("Your card was declined.")),
        "{declined:?}"
    );
    assert_nothing_paid(&app, maria, invoice).await;
    // The same key answers the same; another card could now be tried with a new key.
    assert_eq!(
        pay(
            &app,
            &session,
            invoice,
            &card,
            "100.00",
            "declined-key-00000001"
        )
        .await,
        declined
    );
}

#[tokio::test]
async fn paying_refuses_other_customers_small_or_large_amounts_and_switched_off_payments() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    let (james, james_session) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    app.save_card(&james_session, "5555 5555 5555 4444", false)
        .await;
    let james_card = app.card_id(james, "4444").await;
    let james_invoice = app.invoice(james, 50_00).await;
    let key = |n: u32| format!("refusal-key-{n:010}");
    // `None`: not found, the same as for an invoice or card that doesn't exist; `Some(words)`:
    // the amount is refused with a message containing them.
    for ((who, inv, card, amount, words), n) in [
        (&session, james_invoice, card.as_str(), "10.00", None),
        (&session, invoice, james_card.as_str(), "10.00", None),
        (&james_session, invoice, james_card.as_str(), "10.00", None),
        (
            &session,
            invoice,
            card.as_str(),
            "0.99",
            Some("at least $1.00"),
        ),
        (
            &session,
            invoice,
            card.as_str(),
            "100.01",
            Some("can't be more than the balance of $100.00"),
        ),
        (
            &session,
            invoice,
            card.as_str(),
            "ten dollars",
            Some("amount"),
        ),
    ]
    .into_iter()
    .zip(1..)
    {
        let answer = pay(&app, who, inv, card, amount, &key(n)).await;
        match words {
            None => assert_eq!(answer, Err(AppError::NotFound), "{amount}"),
            Some(words) => assert!(amount_refused(&answer, words), "{amount}: {answer:?}"),
        }
    }
    // One key, two different amounts: the second is refused.
    pay(&app, &session, invoice, &card, "5.00", &key(99))
        .await
        .unwrap();
    let reused = pay(&app, &session, invoice, &card, "6.00", &key(99)).await;
    assert!(matches!(reused, Err(AppError::Conflict(_))), "{reused:?}");
    app.enable_payments(false, true).await;
    let off = pay(&app, &session, invoice, &card, "5.00", &key(100)).await;
    assert!(matches!(off, Err(AppError::SwitchedOff(_))), "{off:?}");
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(5_00));
}

#[tokio::test]
async fn the_invoice_shows_its_lines_and_payments_to_its_customer_only() {
    let app = spawn_app().await;
    let (_, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    pay(
        &app,
        &session,
        invoice,
        &card,
        "25.00",
        "invoice-view-key-0001",
    )
    .await
    .unwrap();
    let view = || InvoiceView {
        id: invoice.to_string(),
        payments_page: None,
    };
    let body = app.call(view(), Some(&session)).await.unwrap();
    assert_eq!(body.lines[0].description, "Furnace repair");
    assert_eq!(body.payments[0].status, AttemptStatus::Approved);
    assert_eq!(body.balance, Cents::new(75_00));
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    assert_eq!(
        app.call(view(), Some(&james)).await,
        Err(AppError::NotFound)
    );
}

/// Pays `amount` of `invoice` with a card typed on the page (`setup`, a confirmed setup), kept on
/// file if `save`.
async fn pay_new(
    app: &TestApp,
    session: &str,
    invoice: InvoiceId,
    setup: &str,
    save: bool,
    amount: &str,
    key: &str,
) -> Result<PaymentDone, AppError> {
    let args = PayInvoice {
        invoice_id: invoice.to_string(),
        amount: amount.into(),
        idempotency_key: key.into(),
        payment_method_id: None,
        setup_intent: Some(setup.into()),
        save,
        agreed_terms: if save {
            Some(app.terms_version().await)
        } else {
            None
        },
    };
    app.call(args, Some(session)).await
}

#[tokio::test]
async fn a_new_card_pays_once_and_is_saved_only_when_asked() {
    let app = spawn_app().await;
    let (maria, session, invoice, _) = ready(&app, "4242 4242 4242 4242").await;
    let discover = app.card_setup(&session, "6011 1111 1111 1117").await;
    let key = "new-card-key-000000001";
    let first = pay_new(&app, &session, invoice, &discover, false, "10.00", key).await;
    assert_eq!(
        first.as_ref().map(|done| done.message()),
        Ok("Paid $10.00 with Discover •••• 1117.")
    );
    assert_eq!(
        pay_new(&app, &session, invoice, &discover, false, "10.00", key).await,
        first
    );
    assert_eq!(app.gateway.charges_with_key(key).await.unwrap(), 1);
    assert_eq!(
        app.store.cards_for_customer(maria).await.unwrap().len(),
        1,
        "not saved"
    );
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(10_00));
    let latest = &app.store.payment_method_events(maria).await.unwrap()[0];
    assert_eq!(
        (latest.action.as_str(), latest.last4.as_str()),
        ("used_for_payment", "1117")
    );

    let mc = app.card_setup(&session, "5555 5555 5555 4444").await;
    pay_new(
        &app,
        &session,
        invoice,
        &mc,
        true,
        "20.00",
        "new-card-key-000000002",
    )
    .await
    .unwrap();
    assert_eq!(
        app.store.cards_for_customer(maria).await.unwrap().len(),
        2,
        "saved"
    );
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(30_00));
}

#[tokio::test]
async fn a_payment_naming_both_a_saved_card_and_a_new_card_or_neither_is_refused_and_charges_nothing()
 {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    let new_card = app.card_setup(&session, "5555 5555 5555 4444").await;
    for (n, (payment_method_id, setup_intent)) in [(Some(card), Some(new_card)), (None, None)]
        .into_iter()
        .enumerate()
    {
        let args = PayInvoice {
            invoice_id: invoice.to_string(),
            amount: "10.00".into(),
            idempotency_key: format!("ambiguous-key-{n:06}"),
            payment_method_id,
            setup_intent,
            save: false,
            agreed_terms: None,
        };
        assert_eq!(
            app.call(args, Some(&session)).await,
            Err(AppError::BadRequest)
        );
    }
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);
}

#[tokio::test]
async fn payments_cut_off_mid_flight_leave_no_connection_or_transaction_behind_and_never_overpay() {
    use app::backend::payments::reconcile_pending;
    // One connection: a request that kept it (an abandoned transaction) would stall the rest.
    let app = spawn_app_with_pool_size(1).await;
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    // Under the per-customer payment limit, so the last payment below is not refused for it.
    let tries = u64::try_from(app::backend::auth::throttle::PAYMENT_LIMIT - 1).unwrap();
    for n in 0..tries {
        let impatient = reqwest::Client::builder()
            .timeout(Duration::from_millis(1 + 2 * n))
            .build()
            .unwrap();
        let args = PayInvoice {
            invoice_id: invoice.to_string(),
            amount: "1.00".into(),
            idempotency_key: format!("cut-off-key-{n:08}"),
            payment_method_id: Some(card.clone()),
            setup_intent: None,
            save: false,
            agreed_terms: None,
        };
        let _ = app.request(&impatient, args, Some(&session)).send().await;
    }
    // The server still answers, through its single connection.
    pay(
        &app,
        &session,
        invoice,
        &card,
        "1.00",
        "after-cut-off-key-01",
    )
    .await
    .unwrap();
    if app.store.backend() == app::backend::store::Backend::Postgres {
        let mut conn = sqlx::AnyConnection::connect(&app.database_url)
            .await
            .unwrap();
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(open, 0, "transactions left open");
    }
    // Whatever was cut off is finished by the background check: no attempt stays pending and the
    // invoice holds exactly the approved payments.
    app.clock.advance(1);
    reconcile_pending(&app.state, 0).await;
    let far = app.clock.now().plus_seconds(86_400);
    assert!(app.store.pending_attempts(far).await.unwrap().is_empty());
    let approved = app
        .store
        .attempts_page(
            maria,
            app::backend::store::AttemptQuery {
                invoice: Some(invoice),
                settled_only: true,
                page: None,
                per_page: 100,
            },
        )
        .await
        .unwrap()
        .attempts
        .iter()
        .filter(|a| a.status == app::domain::status::AttemptStatus::Approved)
        .count();
    assert!(approved >= 1);
    assert_eq!(
        paid(&app, maria, invoice).await,
        Cents::new(100 * i64::try_from(approved).unwrap())
    );
}

#[tokio::test]
async fn the_invariant_check_passes_after_real_payments_and_names_each_broken_rule() {
    let app = spawn_app().await;
    let (maria, session, invoice, card) = ready(&app, "4242 4242 4242 4242").await;
    pay(
        &app,
        &session,
        invoice,
        &card,
        "40.00",
        "invariant-key-000001",
    )
    .await
    .unwrap();
    app.save_card(&session, "4000 0000 0000 0341", false).await;
    let declined_card = app.card_id(maria, "0341").await;
    let declined = pay(
        &app,
        &session,
        invoice,
        &declined_card,
        "5.00",
        "invariant-key-000002",
    )
    .await;
    assert!(
        matches!(declined, Err(AppError::Conflict(_))),
        "{declined:?}"
    );
    assert_eq!(app.store.invariant_violations().await.unwrap(), vec![]);

    // Break two rules behind the application's back; the check names both.
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE invoices SET paid_cents = paid_cents - 1 WHERE id = $1")
        .bind(invoice.get())
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE payment_methods SET is_primary = 0 WHERE customer_id = $1")
        .bind(maria.get())
        .execute(&mut conn)
        .await
        .unwrap();
    let rules: Vec<&str> = app
        .store
        .invariant_violations()
        .await
        .unwrap()
        .iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(
        rules,
        [
            "a customer with saved cards has exactly one primary card",
            "an invoice's paid amount covers its online payments (less their refunds)",
        ]
    );
}

#[tokio::test]
async fn a_payment_left_pending_is_finished_in_the_background_and_its_one_off_card_released() {
    use app::backend::{
        gateway::{Gateway, SavedMethod},
        payments::{PENDING_GRACE_SECS, reconcile_pending},
        processor::processor_customer,
    };
    let app = spawn_app().await;
    let (maria, session, invoice, _card) = ready(&app, "4242 4242 4242 4242").await;
    // A card used once, attached for this payment; the gateway's answer never arrived.
    let setup = app.card_setup(&session, "5555 5555 5555 4444").await;
    let at_processor = processor_customer(&app.state, maria).await.unwrap();
    let SavedMethod {
        method: token,
        details,
    } = app
        .gateway
        .finish_setup(&at_processor, &setup)
        .await
        .unwrap();
    let key = "stalled-attempt-00000001";
    let attempt = AttemptDetails {
        key: key.into(),
        customer_id: maria,
        invoice_id: invoice,
        payment_method_id: None,
        token: token.clone(),
        card: app::domain::card::MaskedCard {
            brand: details.brand,
            last4: details.last4,
        },
        amount: Cents::new(25_00),
    };
    app.store
        .reserve_attempt(&attempt, app.clock.now())
        .await
        .unwrap();

    reconcile_pending(&app.state, PENDING_GRACE_SECS).await;
    let later = app.clock.now().plus_seconds(PENDING_GRACE_SECS + 1);
    assert_eq!(
        app.store.pending_attempts(later).await.unwrap().len(),
        1,
        "a young attempt is left to the customer's own request"
    );
    assert_eq!(paid(&app, maria, invoice).await, Cents::ZERO);

    app.clock.advance(PENDING_GRACE_SECS + 1);
    reconcile_pending(&app.state, PENDING_GRACE_SECS).await;
    assert!(app.store.pending_attempts(later).await.unwrap().is_empty());
    assert_eq!(paid(&app, maria, invoice).await, Cents::new(25_00));
    assert_eq!(app.gateway.charges_with_key(key).await.unwrap(), 1);
    assert!(
        app.gateway.saved_card(&token).await.is_err(),
        "the one-off card is released once its payment is settled"
    );
}

#[tokio::test]
async fn a_customer_paying_in_a_loop_is_stopped_after_the_limit() {
    use app::backend::auth::throttle::PAYMENT_LIMIT;
    let app = spawn_app().await;
    let (_, session, invoice, card) = ready(&app, "4000 0000 0000 0341").await;
    for i in 0..PAYMENT_LIMIT {
        let declined = pay(
            &app,
            &session,
            invoice,
            &card,
            "1.00",
            &format!("loop-key-{i:014}"),
        )
        .await;
        assert!(
            matches!(declined, Err(AppError::Conflict(_))),
            "declined, not yet limited: {declined:?}"
        );
    }
    assert_eq!(
        pay(
            &app,
            &session,
            invoice,
            &card,
            "1.00",
            "loop-key-over-the-limit",
        )
        .await,
        Err(AppError::TooManyRequests)
    );
}

#[tokio::test]
async fn long_payment_lists_come_in_pages_on_the_invoice_and_the_office_record() {
    use app::{backend::store::AttemptResult, domain::StaffRole};
    let app = spawn_app().await;
    let (maria, session, invoice, _card) = ready(&app, "4242 4242 4242 4242").await;
    let saved = app.store.cards_for_customer(maria).await.unwrap().remove(0);
    for i in 0..25 {
        let attempt = AttemptDetails {
            key: format!("paging-key-{i:012}"),
            customer_id: maria,
            invoice_id: invoice,
            payment_method_id: Some(saved.id),
            token: saved.token.clone(),
            card: saved.card.clone(),
            amount: Cents::new(1_00),
        };
        let reserved = app
            .store
            .reserve_attempt(&attempt, app.clock.now())
            .await
            .unwrap()
            .attempt;
        let declined = AttemptResult::Declined("card_declined".into());
        app.store
            .finish_attempt(&reserved, &declined, app.clock.now(), "")
            .await
            .unwrap();
    }
    let invoice_page = |page: u32| {
        let args = InvoiceView {
            id: invoice.to_string(),
            payments_page: Some(page),
        };
        let (app, session) = (&app, &session);
        async move {
            let body = app.call(args, Some(session)).await.unwrap();
            (body.payments.len(), body.payments_paging)
        }
    };
    assert_eq!(invoice_page(1).await, (20, (1, 2)));
    assert_eq!(invoice_page(2).await, (5, (2, 2)));
    assert_eq!(invoice_page(9).await, (5, (2, 2)), "clamped");

    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let args = CustomerRecord {
        id: maria.to_string(),
        payments_page: Some(2),
    };
    let record = app.call(args, Some(&admin)).await.unwrap();
    assert_eq!(record.payments.len(), 5);
    assert_eq!(record.payments_paging, (2, 2));
}

#[tokio::test]
async fn a_saved_card_that_has_expired_is_refused_and_nothing_is_charged() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    // Saved in September 2026 (the test clock's start), expiring in October.
    let mut form = card_form("4242 4242 4242 4242");
    form.expiry = "10/26".into();
    let (status, body) = app.confirm_card(&session, &form).await;
    assert_eq!(status, 200, "{body}");
    app.add_card(&session, body["id"].as_str().unwrap(), true)
        .await
        .unwrap();
    let card = app.card_id(maria, "4242").await;
    let invoice = app.invoice(maria, 100_00).await;
    app.clock.advance(45 * 86_400);
    // Six weeks later the session has lapsed: sign in again.
    let session = app.login("maria@example.com", PASSWORD).await;

    let refused = pay(
        &app,
        &session,
        invoice,
        &card,
        "100.00",
        "expired-key-0000000001",
    )
    .await;
    assert!(
        matches!(&refused, Err(AppError::Invalid { field: None, message })
            if message == "Visa •••• 4242 has expired. Choose another card, or pay with a new card."),
        "{refused:?}"
    );
    assert_nothing_paid(&app, maria, invoice).await;
    assert!(
        app.store
            .attempt_by_key("expired-key-0000000001")
            .await
            .unwrap()
            .is_none()
    );
}
