//! "Request card on file" from the office: an email whose link opens Add New Card, or for a
//! customer without an account the invitation that leads there; throttled per customer, shown
//! on the record with its state, staff only and only while saved cards are on.

use crate::helpers::{PASSWORD, TestApp, spawn_app, token_in};
use app::{
    AppError,
    domain::{CustomerId, StaffRole},
    office::record::api::{CustomerRecord, RequestCardOnFile},
    portal::verify::AcceptInvitation,
};

fn request(id: CustomerId) -> RequestCardOnFile {
    RequestCardOnFile { id: id.to_string() }
}

async fn requests_on_record(app: &TestApp, admin: &str, id: CustomerId) -> Vec<String> {
    let record = CustomerRecord {
        id: id.to_string(),
        payments_page: None,
    };
    app.call(record, Some(admin))
        .await
        .expect("reading the record")
        .card_requests
        .iter()
        .map(|r| r.sentence())
        .collect()
}

#[tokio::test]
async fn a_customer_with_an_account_is_emailed_a_link_to_add_new_card_and_the_record_follows_it() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let before = app.outbox_files();
    let sent = app.call(request(customer), Some(&admin)).await;
    assert_eq!(
        sent,
        Ok("Card request sent to maria@example.com.".to_owned())
    );
    let mail = app
        .new_email_with(&before, "maria@example.com", "/payment-methods?add=1")
        .await;
    assert!(
        mail.contains("http://portal.test/payment-methods?add=1"),
        "{mail}"
    );
    assert!(mail.contains("asks you to save a card on file"), "{mail}");

    let listed = requests_on_record(&app, &admin, customer).await;
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].starts_with("Card on file requested by "),
        "{listed:?}"
    );
    assert!(
        listed[0].ends_with(": sent, no card added yet."),
        "{listed:?}"
    );

    app.save_card(&session, "4242424242424242", true).await;
    let listed = requests_on_record(&app, &admin, customer).await;
    assert!(listed[0].contains(": card added "), "{listed:?}");
}

#[tokio::test]
async fn a_customer_without_an_account_gets_the_invitation_that_ends_on_add_new_card() {
    let app = spawn_app().await;
    app.enable_payments(true, true).await;
    let customer = app.add_customer("Linh Tran", "linh@example.com").await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let before = app.outbox_files();
    let sent = app.call(request(customer), Some(&admin)).await.unwrap();
    assert!(
        sent.contains("invitation was sent to linh@example.com"),
        "{sent}"
    );
    let mail = app
        .new_email_with(&before, "linh@example.com", "/verify?token=")
        .await;
    assert!(mail.contains("&next=/payment-methods%3Fadd%3D1"), "{mail}");

    let accepted = app
        .call_answer(
            AcceptInvitation {
                token: token_in(&mail, "/verify?token="),
                password: PASSWORD.into(),
                confirm: PASSWORD.into(),
                next: Some("/payment-methods?add=1".into()),
                switch_account: None,
            },
            None,
        )
        .await;
    assert_eq!(accepted.location.as_deref(), Some("/payment-methods?add=1"));
    let listed = requests_on_record(&app, &admin, customer).await;
    assert!(listed[0].contains("with a portal invitation"), "{listed:?}");
}

#[tokio::test]
async fn after_accepting_an_invitation_a_next_path_off_this_site_leads_home() {
    let app = spawn_app().await;
    for (n, next) in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("maria{n}@example.com");
        app.add_customer("Maria", &email).await;
        let token = app.invitation_token(&email).await;
        let accepted = app
            .call_answer(
                AcceptInvitation {
                    token,
                    password: PASSWORD.into(),
                    confirm: PASSWORD.into(),
                    next: Some(next.into()),
                    switch_account: None,
                },
                None,
            )
            .await;
        assert_eq!(accepted.location.as_deref(), Some("/"), "{next}");
    }
}

#[tokio::test]
async fn card_requests_are_limited_per_customer_per_hour() {
    let app = spawn_app().await;
    let (customer, _) = app.paying_customer("maria@example.com").await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    for _ in 0..3 {
        app.call(request(customer), Some(&admin)).await.unwrap();
    }
    let refused = app.call(request(customer), Some(&admin)).await;
    assert!(
        matches!(&refused, Err(AppError::Conflict(m)) if m.contains("already asked several times")),
        "{refused:?}"
    );
    assert_eq!(requests_on_record(&app, &admin, customer).await.len(), 3);
    // An hour later (the first staff session has timed out meanwhile) it goes again.
    app.clock.advance(3601);
    let later = app
        .staff_session(StaffRole::Admin, "sam@office.example")
        .await;
    app.call(request(customer), Some(&later)).await.unwrap();
}

#[tokio::test]
async fn only_staff_can_request_a_card_and_only_while_saved_cards_are_on() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    let accountant = app
        .staff_session(StaffRole::Accountant, "avery@office.example")
        .await;
    assert!(app.call(request(customer), Some(&session)).await.is_err());
    assert!(app.call(request(customer), None).await.is_err());
    let unknown = app
        .call(
            RequestCardOnFile {
                id: "999999".into(),
            },
            Some(&accountant),
        )
        .await;
    assert_eq!(unknown, Err(AppError::NotFound));
    app.enable_payments(true, false).await;
    let off = app.call(request(customer), Some(&accountant)).await;
    assert!(matches!(off, Err(AppError::SwitchedOff(_))), "{off:?}");
    app.enable_payments(true, true).await;
    assert!(app.call(request(customer), Some(&accountant)).await.is_ok());
}
