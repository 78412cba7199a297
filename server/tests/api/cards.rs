//! Saved cards end to end over HTTP: the sandbox gateway's token endpoint, the card server
//! functions, their rules, their refusals and the history and emails they leave.

use crate::helpers::{PUBLIC_URL, TestApp, spawn_app};
use app::domain::status::Named as _;
use app::{
    backend::store::Settings,
    domain::{CustomerId, StaffRole, tokenization::TokenRequest},
};
use serde_json::Value;

pub(crate) const PASSWORD: &str = "lantern porch evening";

pub(crate) async fn enable(app: &TestApp, online: bool, beta: bool) {
    let settings = Settings {
        online_payments_enabled: online,
        saved_payments_enabled: beta,
        business_name: "Brightside Heating & Plumbing".into(),
        reply_to_email: "office@brightside.example".into(),
    };
    app.store
        .update_settings(&settings, None, app.clock.now())
        .await
        .unwrap();
}

/// A customer with a portal account, online payments and the beta on; returns (id, session).
pub(crate) async fn customer(app: &TestApp, email: &str) -> (CustomerId, String) {
    enable(app, true, true).await;
    app.customer_with_account("Maria Gonzalez", email, PASSWORD)
        .await
}

pub(crate) fn card_form(number: &str) -> TokenRequest {
    TokenRequest {
        number: number.into(),
        expiry: "12/30".into(),
        cvc: if number.starts_with("37") {
            "1234"
        } else {
            "123"
        }
        .into(),
        zip: "94107".into(),
        name: "Maria Gonzalez".into(),
    }
}

/// POSTs a card to the gateway as the browser does: (status, JSON body).
pub(crate) async fn tokenize_raw(app: &TestApp, form: &TokenRequest) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/gateway/v1/tokens"))
        .header("Origin", PUBLIC_URL)
        .json(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

pub(crate) async fn token(app: &TestApp, number: &str) -> String {
    let (status, body) = tokenize_raw(app, &card_form(number)).await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

pub(crate) async fn add(app: &TestApp, session: &str, token: &str, primary: bool) -> (u16, String) {
    let primary = primary.to_string();
    let answer = app
        .call(
            "payment-methods/add",
            &[
                ("token", token),
                ("make_primary", &primary),
                ("nickname", ""),
            ],
            Some(session),
        )
        .await;
    (answer.status, answer.body)
}

/// The customer's cards as (last4, is_primary), primary first.
async fn cards(app: &TestApp, session: &str) -> Vec<(String, bool)> {
    let answer = app.call("payment-methods", &[], Some(session)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let data: Value = serde_json::from_str(&answer.body).unwrap();
    data["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["last4"].as_str().unwrap().to_owned(),
                c["is_primary"].as_bool().unwrap(),
            )
        })
        .collect()
}

pub(crate) async fn card_id(app: &TestApp, customer: CustomerId, last4: &str) -> String {
    app.store
        .cards_for_customer(customer)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.card.last4.as_str() == last4)
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn a_customer_saves_two_cards_switches_the_primary_and_deleting_it_promotes_the_other() {
    let app = spawn_app().await;
    let (maria, session) = customer(&app, "maria@example.com").await;
    let visa = token(&app, "4242 4242 4242 4242").await;
    let (status, body) = add(&app, &session, &visa, false).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Visa •••• 4242 was added and is now the primary card."));
    assert_eq!(cards(&app, &session).await, [("4242".into(), true)]);

    let mc = token(&app, "5555 5555 5555 4444").await;
    assert_eq!(add(&app, &session, &mc, true).await.0, 200);
    assert_eq!(
        cards(&app, &session).await,
        [("4444".into(), true), ("4242".into(), false)]
    );

    let visa_id = card_id(&app, maria, "4242").await;
    let answer = app
        .call(
            "payment-methods/set-primary",
            &[("id", &visa_id)],
            Some(&session),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(cards(&app, &session).await[0], ("4242".into(), true));

    let answer = app
        .call(
            "payment-methods/delete",
            &[("id", &visa_id)],
            Some(&session),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("Visa •••• 4242 was deleted. Mastercard •••• 4444 is now the primary card."),
        "{}",
        answer.body
    );
    assert_eq!(cards(&app, &session).await, [("4444".into(), true)]);

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
    let (maria, session) = customer(&app, "maria@example.com").await;
    let before = app.email_count();
    let visa = token(&app, "4242 4242 4242 4242").await;
    add(&app, &session, &visa, false).await;
    let added = app.email(before + 1).await;
    assert!(added.contains("A card was added"), "{added}");
    assert!(
        added.contains("Visa •••• 4242") || added.contains("Visa =E2=80=A2"),
        "{added}"
    );
    assert!(added.contains("If this wasn't you, contact Brightside Heating & Plumbing"));
    let id = card_id(&app, maria, "4242").await;
    app.call("payment-methods/delete", &[("id", &id)], Some(&session))
        .await;
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
        let (status, body) = tokenize_raw(&app, &card_form(number)).await;
        assert_eq!(status, 402, "{number}: {body}");
        assert_eq!(body["code"], code, "{number}");
        assert_eq!(body["field"].as_str(), field, "{number}");
        assert!(body["message"].as_str().unwrap().contains(words), "{body}");
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        assert!(!body.to_string().contains(&digits));
    }
    let mut expired = card_form("4242 4242 4242 4242");
    expired.expiry = "01/20".into();
    let (status, body) = tokenize_raw(&app, &expired).await;
    assert_eq!((status, body["code"].as_str()), (402, Some("expired_card")));
}

#[tokio::test]
async fn the_token_answer_gives_the_browser_display_data_but_no_fingerprint() {
    let app = spawn_app().await;
    let (status, body) = tokenize_raw(&app, &card_form("4242424242424242")).await;
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
async fn an_unreadable_token_request_is_refused_without_echoing_the_body() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/gateway/v1/tokens"))
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
    let (maria, session) = customer(&app, "maria@example.com").await;
    add(
        &app,
        &session,
        &token(&app, "4242 4242 4242 4242").await,
        false,
    )
    .await;
    let mut other_expiry = card_form("4242424242424242");
    other_expiry.expiry = "11/31".into();
    let (_, body) = tokenize_raw(&app, &other_expiry).await;
    let second = body["token"].as_str().unwrap().to_owned();
    let (status, body) = add(&app, &session, &second, false).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("This card is already saved."), "{body}");
    assert_eq!(app.store.cards_for_customer(maria).await.unwrap().len(), 1);
    // The released token cannot be used again, by anyone.
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    assert_eq!(add(&app, &james, &second, false).await.0, 400);
}

#[tokio::test]
async fn a_token_is_used_once_and_expires_unused_after_fifteen_minutes() {
    let app = spawn_app().await;
    let (_, session) = customer(&app, "maria@example.com").await;
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    let visa = token(&app, "4242 4242 4242 4242").await;
    assert_eq!(add(&app, &session, &visa, false).await.0, 200);
    let (status, body) = add(&app, &james, &visa, false).await;
    assert_eq!(status, 400, "a token attaches to one wallet only: {body}");
    let late = token(&app, "5555 5555 5555 4444").await;
    app.clock.advance(15 * 60 + 1);
    let (status, body) = add(&app, &session, &late, false).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("enter the card again"), "{body}");
}

#[tokio::test]
async fn card_functions_refuse_when_payments_or_the_beta_are_off_and_store_nothing() {
    let app = spawn_app().await;
    let (maria, session) = customer(&app, "maria@example.com").await;
    for (online, beta) in [(false, true), (true, false), (false, false)] {
        enable(&app, online, beta).await;
        let visa = token(&app, "4242 4242 4242 4242").await;
        let (status, body) = add(&app, &session, &visa, false).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("Saved payment methods aren't available right now"));
        for endpoint in [
            "payment-methods",
            "payment-methods/set-primary",
            "payment-methods/delete",
        ] {
            let answer = app.call(endpoint, &[("id", "1")], Some(&session)).await;
            assert_eq!(answer.status, 409, "{endpoint}: {}", answer.body);
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
    enable(&app, true, true).await;
    let staff = app
        .staff_session(StaffRole::Admin, "erin@office.example")
        .await;
    let form = [
        ("id", "1"),
        ("token", "tok_abcdefghijklmnop"),
        ("make_primary", "false"),
        ("nickname", ""),
        ("expiry", "12/30"),
        ("zip", "94107"),
    ];
    for endpoint in [
        "payment-methods",
        "payment-methods/add",
        "payment-methods/set-primary",
        "payment-methods/delete",
        "payment-methods/update",
    ] {
        let fields: Vec<_> = form
            .iter()
            .filter(|(k, _)| match endpoint {
                "payment-methods" => false,
                "payment-methods/add" => matches!(*k, "token" | "make_primary" | "nickname"),
                "payment-methods/update" => matches!(*k, "id" | "expiry" | "zip" | "nickname"),
                _ => *k == "id",
            })
            .copied()
            .collect();
        assert_eq!(
            app.call(endpoint, &fields, None).await.status,
            401,
            "{endpoint}"
        );
        assert_eq!(
            app.call(endpoint, &fields, Some(&staff)).await.status,
            401,
            "{endpoint} with a staff session"
        );
    }
}

#[tokio::test]
async fn another_customers_card_id_is_not_found_for_every_card_function_and_nothing_changes() {
    let app = spawn_app().await;
    let (maria, maria_session) = customer(&app, "maria@example.com").await;
    add(
        &app,
        &maria_session,
        &token(&app, "4242 4242 4242 4242").await,
        false,
    )
    .await;
    add(
        &app,
        &maria_session,
        &token(&app, "5555 5555 5555 4444").await,
        false,
    )
    .await;
    let target = card_id(&app, maria, "4444").await;
    let before = app.store.cards_for_customer(maria).await.unwrap();
    let events_before = app.store.payment_method_events(maria).await.unwrap().len();
    let (_, james) = app
        .customer_with_account("James O'Connor", "james@example.com", PASSWORD)
        .await;
    for (endpoint, form) in [
        ("payment-methods/set-primary", vec![("id", target.as_str())]),
        ("payment-methods/delete", vec![("id", target.as_str())]),
        (
            "payment-methods/update",
            vec![
                ("id", target.as_str()),
                ("expiry", "10/31"),
                ("zip", "10001"),
                ("nickname", "mine now"),
            ],
        ),
    ] {
        let answer = app.call(endpoint, &form, Some(&james)).await;
        assert_eq!(answer.status, 404, "{endpoint}: {}", answer.body);
        assert_eq!(
            answer.body, "\"NotFound\"",
            "the same answer as for a card that doesn't exist"
        );
    }
    assert_eq!(app.store.cards_for_customer(maria).await.unwrap(), before);
    assert_eq!(
        app.store.payment_method_events(maria).await.unwrap().len(),
        events_before
    );
    assert!(cards(&app, &james).await.is_empty());
}

#[tokio::test]
async fn a_saved_card_gets_a_new_expiry_and_zip_in_place_but_not_a_past_expiry() {
    let app = spawn_app().await;
    let (maria, session) = customer(&app, "maria@example.com").await;
    add(
        &app,
        &session,
        &token(&app, "4242 4242 4242 4242").await,
        false,
    )
    .await;
    let id = card_id(&app, maria, "4242").await;
    let update = |expiry: &'static str, zip: &'static str| {
        let id = id.clone();
        let (app, session) = (&app, &session);
        async move {
            app.call(
                "payment-methods/update",
                &[
                    ("id", &id),
                    ("expiry", expiry),
                    ("zip", zip),
                    ("nickname", "Home"),
                ],
                Some(session),
            )
            .await
        }
    };
    let answer = update("03/33", "10001-1234").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let card = &app.store.cards_for_customer(maria).await.unwrap()[0];
    assert_eq!(
        (card.expiry.to_string(), card.zip.as_str()),
        ("03/33".into(), "10001-1234")
    );
    let answer = update("01/20", "ABCDE").await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.contains("This card has expired."),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("ZIP"), "{}", answer.body);
    assert_eq!(
        app.store.cards_for_customer(maria).await.unwrap()[0].zip,
        "10001-1234"
    );
}

#[tokio::test]
async fn the_office_adds_a_card_and_the_history_names_the_staff_member() {
    let app = spawn_app().await;
    let (maria, session) = customer(&app, "maria@example.com").await;
    let staff = app
        .staff_session(StaffRole::Accountant, "avery@office.example")
        .await;
    let visa = token(&app, "4242 4242 4242 4242").await;
    let id = maria.to_string();
    let answer = app
        .call(
            "office/payment-methods/add",
            &[
                ("customer_id", &id),
                ("token", &visa),
                ("make_primary", "false"),
                ("nickname", ""),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(cards(&app, &session).await, [("4242".into(), true)]);
    let record = app
        .call("office/customer", &[("id", &id)], Some(&staff))
        .await;
    let record: Value = serde_json::from_str(&record.body).unwrap();
    assert_eq!(record["cards"][0]["last4"], "4242");
    assert_eq!(record["history"][0]["action"], "added");
    assert_eq!(record["history"][0]["actor"], "accountant person");
}

#[tokio::test]
async fn token_requests_are_limited_per_address() {
    let app = spawn_app().await;
    let limit = app::backend::gateway::sandbox::RATE_LIMIT;
    for _ in 0..limit {
        let (status, _) = tokenize_raw(&app, &card_form("4242 4242 4242 4241")).await;
        assert_eq!(status, 402);
    }
    let (status, body) = tokenize_raw(&app, &card_form("4242 4242 4242 4242")).await;
    assert_eq!(status, 429, "{body}");
    app.clock
        .advance(app::backend::gateway::sandbox::RATE_WINDOW_SECS + 1);
    assert_eq!(
        tokenize_raw(&app, &card_form("4242 4242 4242 4242"))
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
    let (maria, session) = customer(&app, "maria@example.com").await;
    let mut tokens = Vec::new();
    for i in 0..25 {
        let response = app
            .gateway
            .tokenize(&card_form(&random_visa()), &format!("test-{i}"))
            .await
            .unwrap_or_else(|_| panic!("tokenize {i}"));
        tokens.push(response.token);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..50usize {
        let (app, session) = (app.clone(), session.clone());
        let token = tokens.get(i / 2).cloned().unwrap_or_default();
        tasks.push(tokio::spawn(async move {
            let id = (1 + random() % 25).to_string();
            let answer = match i % 4 {
                0 | 1 => {
                    let primary = (i % 3 == 0).to_string();
                    app.call(
                        "payment-methods/add",
                        &[
                            ("token", &token),
                            ("make_primary", &primary),
                            ("nickname", ""),
                        ],
                        Some(&session),
                    )
                    .await
                }
                2 => {
                    app.call(
                        "payment-methods/set-primary",
                        &[("id", &id)],
                        Some(&session),
                    )
                    .await
                }
                _ => {
                    app.call("payment-methods/delete", &[("id", &id)], Some(&session))
                        .await
                }
            };
            (answer.status, answer.body)
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(
            matches!(status, 200 | 400 | 404 | 409),
            "status {status}: {body}"
        );
        assert!(
            !body.contains("locked") && !body.contains("database"),
            "{body}"
        );
        ok += usize::from(status == 200);
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
    let (maria, session) = customer(&app, "maria@example.com").await;
    let (status, body) = add(
        &app,
        &session,
        &token(&app, "4242 4242 4242 4242").await,
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = app.store.cards_for_customer(maria).await.unwrap()[0]
        .id
        .to_string();
    let form = [("id", id.as_str())];
    let set_primary = || app.call("payment-methods/set-primary", &form, Some(&session));
    for _ in 1..CARD_CHANGE_LIMIT {
        let answer = set_primary().await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let over = set_primary().await;
    assert_eq!(over.status, 429, "{}", over.body);
    let list = app.call("payment-methods", &[], Some(&session)).await;
    assert_eq!(
        list.status, 200,
        "reading the cards is not a change: {}",
        list.body
    );
}
