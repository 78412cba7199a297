//! Saved cards end to end over HTTP: the sandbox gateway's setup confirmation, the card server
//! functions, their rules, their refusals and the history and emails they leave.

use crate::helpers::{PASSWORD, TestApp, card_form, spawn_app};
use app::{
    AppError,
    domain::{StaffRole, status::CardAction, status::Named as _, tokenization::confirm_setup_url},
    office::{cards::OfficeAddPaymentMethod, record::api::CustomerRecord},
    portal::payment_methods::api::{
        AddPaymentMethod, BeginCardSetup, DeletePaymentMethod, PaymentMethods,
        SetPrimaryPaymentMethod, UpdatePaymentMethod,
    },
};

/// Makes the card `id` the primary one: the confirmation or refusal.
async fn set_primary(app: &TestApp, session: &str, id: &str) -> Result<String, AppError> {
    let args = SetPrimaryPaymentMethod { id: id.into() };
    app.call(args, Some(session)).await
}

/// Deletes the card `id`: the confirmation or refusal.
async fn delete(app: &TestApp, session: &str, id: &str) -> Result<String, AppError> {
    let args = DeletePaymentMethod { id: id.into() };
    app.call(args, Some(session)).await
}

/// Gives the card `id` a new expiry and ZIP (nickname "Home"): the confirmation or refusal.
async fn update(
    app: &TestApp,
    session: &str,
    id: &str,
    expiry: &str,
    zip: &str,
) -> Result<String, AppError> {
    let args = UpdatePaymentMethod {
        id: id.into(),
        expiry: expiry.into(),
        zip: zip.into(),
        nickname: "Home".into(),
    };
    app.call(args, Some(session)).await
}

#[tokio::test]
async fn a_customer_saves_two_cards_switches_the_primary_and_deleting_it_promotes_the_other() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let visa = app.card_setup(&session, "4242 4242 4242 4242").await;
    assert_eq!(
        app.add_card(&session, &visa, false).await.as_deref(),
        Ok("Visa •••• 4242 was added and is now the primary card.")
    );
    assert_eq!(app.cards(&session).await, [("4242".into(), true)]);

    let mc = app.card_setup(&session, "5555 5555 5555 4444").await;
    app.add_card(&session, &mc, true).await.unwrap();
    assert_eq!(
        app.cards(&session).await,
        [("4444".into(), true), ("4242".into(), false)]
    );

    let visa_id = app.card_id(maria, "4242").await;
    set_primary(&app, &session, &visa_id).await.unwrap();
    assert_eq!(app.cards(&session).await[0], ("4242".into(), true));

    assert_eq!(
        delete(&app, &session, &visa_id).await.as_deref(),
        Ok("Visa •••• 4242 was deleted. Mastercard •••• 4444 is now the primary card.")
    );
    assert_eq!(app.cards(&session).await, [("4444".into(), true)]);

    let history: Vec<String> = app
        .store
        .payment_method_events(maria)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| format!("{} {}", e.action.as_str(), e.last4))
        .collect();
    assert_eq!(
        history,
        [
            "added 4242",
            "added 4444",
            "set_primary 4444",
            "set_primary 4242",
            "deleted 4242",
            "set_primary 4444"
        ]
    );
}

#[tokio::test]
async fn the_customer_is_emailed_about_each_added_removed_and_primary_card_without_the_number() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let before = app.email_count();
    app.save_card(&session, "4242 4242 4242 4242", false).await;
    let added = app.email(before + 1).await;
    assert!(added.contains("A card was added"), "{added}");
    assert!(
        added.contains("Visa •••• 4242") || added.contains("Visa =E2=80=A2"),
        "{added}"
    );
    assert!(added.contains("If this wasn't you, contact Brightside Heating & Plumbing"));
    let id = app.card_id(maria, "4242").await;
    delete(&app, &session, &id).await.unwrap();
    let removed = app.email(before + 2).await;
    assert!(removed.contains("A card was removed"), "{removed}");
    for n in 1..=app.email_count() {
        let mail = app.email(n).await;
        assert!(!mail.contains("4242424242424242") && !mail.contains("4242 4242 4242 4242"));
    }
}

#[tokio::test]
async fn the_gateway_refuses_the_failing_test_cards_with_their_own_messages() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    for (number, code, field, words) in [
        (
            "4000 0000 0000 0069",
            "expired_card",
            Some("expiry"),
            "expired",
        ),
        (
            "4000 0000 0000 0127",
            "incorrect_security_code",
            Some("cvc"),
            "security code",
        ),
        ("4000 0000 0000 0119", "processing_error", None, "try again"),
        (
            "4242 4242 4242 4241",
            "incorrect_number",
            Some("number"),
            "isn't valid",
        ),
    ] {
        let (status, body) = app.confirm_card(&session, &card_form(number)).await;
        assert_eq!(status, 402, "{number}: {body}");
        assert_eq!(body["code"], code, "{number}");
        assert_eq!(body["field"].as_str(), field, "{number}");
        assert!(body["message"].as_str().unwrap().contains(words), "{body}");
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        assert!(!body.to_string().contains(&digits));
    }
    let mut expired = card_form("4242 4242 4242 4242");
    expired.expiry = "01/20".into();
    let (status, body) = app.confirm_card(&session, &expired).await;
    assert_eq!((status, body["code"].as_str()), (402, Some("expired_card")));
}

#[tokio::test]
async fn the_confirmation_gives_the_browser_display_data_but_no_fingerprint() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    let (status, body) = app
        .confirm_card(&session, &card_form("4242424242424242"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["last4"].as_str(), Some("4242"), "{body}");
    let fields: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(!fields.contains(&"fingerprint"), "{fields:?}");
}

#[tokio::test]
async fn an_unreadable_setup_confirmation_is_refused_without_echoing_the_body() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    let setup = app.begin_setup(&session).await;
    let res = app
        .client
        .post(app.url(&confirm_setup_url(&setup.id)))
        .header("content-type", "application/json")
        .body(r#"{"number": 4242424242424242, "cvc": 123}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body = res.text().await.unwrap();
    assert!(!body.contains("4242") && !body.contains("123"), "{body}");
}

#[tokio::test]
async fn the_same_card_twice_is_refused_and_its_second_token_is_released() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", false).await;
    let mut other_expiry = card_form("4242424242424242");
    other_expiry.expiry = "11/31".into();
    let (_, body) = app.confirm_card(&session, &other_expiry).await;
    let second = body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.add_card(&session, &second, false).await,
        Err(AppError::Conflict("This card is already saved.".into()))
    );
    assert_eq!(app.store.cards_for_customer(maria).await.unwrap().len(), 1);
    // The released token cannot be used again, by anyone.
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    let reused = app.add_card(&james, &second, false).await.unwrap_err();
    assert_eq!(reused.status(), 400, "{reused:?}");
}

#[tokio::test]
async fn a_token_is_used_once_and_expires_unused_after_fifteen_minutes() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    let visa = app.card_setup(&session, "4242 4242 4242 4242").await;
    app.add_card(&session, &visa, false).await.unwrap();
    let err = app.add_card(&james, &visa, false).await.unwrap_err();
    assert_eq!(
        err.status(),
        400,
        "a token attaches to one wallet only: {err:?}"
    );
    let late = app.card_setup(&session, "5555 5555 5555 4444").await;
    app.clock.advance(15 * 60 + 1);
    let err = app.add_card(&session, &late, false).await.unwrap_err();
    assert_eq!(err.status(), 400, "{err:?}");
    assert!(err.to_string().contains("enter the card again"), "{err:?}");
}

#[tokio::test]
async fn card_functions_refuse_when_payments_or_the_beta_are_off_and_store_nothing() {
    let app = spawn_app().await;
    let (maria, signed_in) = app.paying_customer("maria@example.com").await;
    let session = Some(signed_in.as_str());
    for (online, beta) in [(false, true), (true, false), (false, false)] {
        app.enable_payments(true, true).await;
        let visa = app.card_setup(&signed_in, "4242 4242 4242 4242").await;
        app.enable_payments(online, beta).await;
        let refused = app.add_card(&signed_in, &visa, false).await;
        assert!(
            matches!(&refused, Err(AppError::SwitchedOff(m))
                if m.contains("Saved payment methods aren't available right now")),
            "{refused:?}"
        );
        let id = || "1".to_owned();
        let answers = [
            (
                "payment-methods",
                app.call(PaymentMethods {}, session).await.map(drop),
            ),
            (
                "payment-methods/setup",
                app.call(BeginCardSetup {}, session).await.map(drop),
            ),
            (
                "payment-methods/set-primary",
                app.call(SetPrimaryPaymentMethod { id: id() }, session)
                    .await
                    .map(drop),
            ),
            (
                "payment-methods/delete",
                app.call(DeletePaymentMethod { id: id() }, session)
                    .await
                    .map(drop),
            ),
        ];
        for (endpoint, answer) in answers {
            assert!(
                matches!(answer, Err(AppError::SwitchedOff(_))),
                "{endpoint}: {answer:?}"
            );
        }
    }
    assert!(
        app.store
            .cards_for_customer(maria)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn card_functions_refuse_visitors_and_office_sessions() {
    let app = spawn_app().await;
    app.enable_payments(true, true).await;
    let staff = app
        .staff_session(StaffRole::Admin, "erin@office.example")
        .await;
    let id = || "1".to_owned();
    for session in [None, Some(staff.as_str())] {
        let answers = [
            (
                "payment-methods",
                app.call(PaymentMethods {}, session).await.map(drop),
            ),
            (
                "payment-methods/add",
                app.call(
                    AddPaymentMethod {
                        setup_intent: "seti_abcdefghijklmnop".into(),
                        make_primary: false,
                        nickname: String::new(),
                        agreed_terms: Some(1),
                    },
                    session,
                )
                .await
                .map(drop),
            ),
            (
                "payment-methods/set-primary",
                app.call(SetPrimaryPaymentMethod { id: id() }, session)
                    .await
                    .map(drop),
            ),
            (
                "payment-methods/delete",
                app.call(DeletePaymentMethod { id: id() }, session)
                    .await
                    .map(drop),
            ),
            (
                "payment-methods/update",
                app.call(
                    UpdatePaymentMethod {
                        id: id(),
                        expiry: "12/30".into(),
                        zip: "94107".into(),
                        nickname: String::new(),
                    },
                    session,
                )
                .await
                .map(drop),
            ),
        ];
        for (endpoint, answer) in answers {
            assert_eq!(
                answer,
                Err(AppError::Unauthenticated),
                "{endpoint} with {}",
                if session.is_some() {
                    "a staff session"
                } else {
                    "no session"
                }
            );
        }
    }
}

#[tokio::test]
async fn another_customers_card_id_is_not_found_for_every_card_function_and_nothing_changes() {
    let app = spawn_app().await;
    let (maria, maria_session) = app.paying_customer("maria@example.com").await;
    app.save_card(&maria_session, "4242 4242 4242 4242", false)
        .await;
    app.save_card(&maria_session, "5555 5555 5555 4444", false)
        .await;
    let target = app.card_id(maria, "4444").await;
    let before = app.store.cards_for_customer(maria).await.unwrap();
    let events_before = app.store.payment_method_events(maria).await.unwrap().len();
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    let answers = [
        (
            "payment-methods/set-primary",
            set_primary(&app, &james, &target).await,
        ),
        (
            "payment-methods/delete",
            delete(&app, &james, &target).await,
        ),
        (
            "payment-methods/update",
            app.call(
                UpdatePaymentMethod {
                    id: target.clone(),
                    expiry: "10/31".into(),
                    zip: "10001".into(),
                    nickname: "mine now".into(),
                },
                Some(&james),
            )
            .await,
        ),
    ];
    for (endpoint, answer) in answers {
        assert_eq!(
            answer,
            Err(AppError::NotFound),
            "{endpoint}: the same answer as for a card that doesn't exist"
        );
    }
    assert_eq!(app.store.cards_for_customer(maria).await.unwrap(), before);
    assert_eq!(
        app.store.payment_method_events(maria).await.unwrap().len(),
        events_before
    );
    assert!(app.cards(&james).await.is_empty());
}

#[tokio::test]
async fn a_saved_card_gets_a_new_expiry_and_zip_in_place_but_not_a_past_expiry() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", false).await;
    let id = app.card_id(maria, "4242").await;
    update(&app, &session, &id, "03/33", "10001-1234")
        .await
        .unwrap();
    let card = &app.store.cards_for_customer(maria).await.unwrap()[0];
    assert_eq!(
        (card.expiry.to_string(), card.zip.as_str()),
        ("03/33".into(), "10001-1234")
    );
    let err = update(&app, &session, &id, "01/20", "ABCDE")
        .await
        .unwrap_err();
    assert_eq!(
        err.message_for("expiry").as_deref(),
        Some("This card has expired."),
        "{err:?}"
    );
    assert!(
        err.message_for("zip").is_some_and(|m| m.contains("ZIP")),
        "{err:?}"
    );
    assert_eq!(
        app.store.cards_for_customer(maria).await.unwrap()[0].zip,
        "10001-1234"
    );
}

#[tokio::test]
async fn the_office_adds_a_card_and_the_history_names_the_staff_member() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let staff = app
        .staff_session(StaffRole::Accountant, "avery@office.example")
        .await;
    let visa = app.card_setup(&session, "4242 4242 4242 4242").await;
    let id = maria.to_string();
    let added = OfficeAddPaymentMethod {
        customer_id: id.clone(),
        setup_intent: visa,
        make_primary: false,
        nickname: String::new(),
        spoken_consent: true,
    };
    app.call(added, Some(&staff)).await.unwrap();
    assert_eq!(app.cards(&session).await, [("4242".into(), true)]);
    let record = CustomerRecord {
        id,
        payments_page: None,
    };
    let record = app.call(record, Some(&staff)).await.unwrap();
    assert_eq!(record.cards[0].last4.as_str(), "4242");
    assert_eq!(record.history[0].action, CardAction::Added);
    assert_eq!(record.history[0].actor, "accountant person");
}

#[tokio::test]
async fn setup_confirmations_are_limited_per_address() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    let limit = app::backend::gateway::sandbox::RATE_LIMIT;
    for _ in 0..limit {
        let (status, _) = app
            .confirm_card(&session, &card_form("4242 4242 4242 4241"))
            .await;
        assert_eq!(status, 402);
    }
    let (status, body) = app
        .confirm_card(&session, &card_form("4242 4242 4242 4242"))
        .await;
    assert_eq!(status, 429, "{body}");
    app.clock
        .advance(app::backend::gateway::sandbox::RATE_WINDOW_SECS + 1);
    assert_eq!(
        app.confirm_card(&session, &card_form("4242 4242 4242 4242"))
            .await
            .0,
        200
    );
}

fn random() -> u32 {
    (uuid::Uuid::new_v4().as_u128() % 1_000_003) as u32
}

/// A random Luhn-valid 16-digit Visa number.
fn random_visa() -> String {
    let mut digits: Vec<u32> = std::iter::once(4)
        .chain((0..14).map(|_| random() % 10))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

#[tokio::test]
async fn fifty_concurrent_card_changes_leave_exactly_one_primary_and_no_server_errors() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    let mut tokens = Vec::new();
    for _ in 0..25 {
        tokens.push(app.card_setup(&session, &random_visa()).await);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..50usize {
        let (app, session) = (app.clone(), session.clone());
        let token = tokens.get(i / 2).cloned().unwrap_or_default();
        tasks.push(tokio::spawn(async move {
            let id = (1 + random() % 25).to_string();
            match i % 4 {
                0 | 1 => app.add_card(&session, &token, i % 3 == 0).await,
                2 => set_primary(&app, &session, &id).await,
                _ => delete(&app, &session, &id).await,
            }
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let answer = task.await.unwrap();
        let text = format!("{answer:?}");
        assert!(
            !text.contains("locked") && !text.contains("database"),
            "{text}"
        );
        match answer {
            Ok(_) => ok += 1,
            Err(err) => assert!(
                matches!(err.status(), 400 | 404 | 409),
                "status {}: {err:?}",
                err.status()
            ),
        }
    }
    assert!(ok > 0, "some changes succeeded");
    let cards = app.store.cards_for_customer(maria).await.unwrap();
    let primaries = cards.iter().filter(|c| c.is_primary).count();
    assert_eq!(primaries, usize::from(!cards.is_empty()), "{cards:?}");
}

#[tokio::test]
async fn card_changes_are_limited_per_customer() {
    use app::backend::auth::throttle::CARD_CHANGE_LIMIT;
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", true).await;
    let id = app.store.cards_for_customer(maria).await.unwrap()[0]
        .id
        .to_string();
    for _ in 1..CARD_CHANGE_LIMIT {
        set_primary(&app, &session, &id).await.unwrap();
    }
    assert_eq!(
        set_primary(&app, &session, &id).await,
        Err(AppError::TooManyRequests)
    );
    let list = app.call(PaymentMethods {}, Some(&session)).await;
    assert!(list.is_ok(), "reading the cards is not a change: {list:?}");
}

/// Saves `number` expiring in October 2026 (the test clock starts in September 2026).
async fn save_card_expiring_october(app: &TestApp, session: &str, number: &str) {
    let mut form = card_form(number);
    form.expiry = "10/26".into();
    let (status, body) = app.confirm_card(session, &form).await;
    assert_eq!(status, 200, "{body}");
    let setup = body["id"].as_str().unwrap();
    app.add_card(session, setup, false).await.unwrap();
}

#[tokio::test]
async fn an_expired_card_cannot_become_the_primary_and_the_primary_stays() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", false).await;
    save_card_expiring_october(&app, &session, "5555 5555 5555 4444").await;
    let id = app.card_id(maria, "4444").await;
    app.clock.advance(45 * 86_400);
    // Six weeks later the session has lapsed: sign in again.
    let session = app.login("maria@example.com", PASSWORD).await;

    let refused = set_primary(&app, &session, &id).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Mastercard •••• 4444 has expired, so it can't be the primary card. Update its expiry date or add a new card."
    );
    assert_eq!(
        app.cards(&session).await,
        vec![("4242".to_owned(), true), ("4444".to_owned(), false)]
    );

    // With a new expiry date it may become the primary again.
    update(&app, &session, &id, "12/29", "94107").await.unwrap();
    set_primary(&app, &session, &id).await.unwrap();
    assert_eq!(
        app.cards(&session).await,
        vec![("4444".to_owned(), true), ("4242".to_owned(), false)]
    );
}
