//! Expiry reminders with a controlled clock: each card gets one "expires soon" and one "has
//! expired" email, whichever server runs the job and however often, with a link that opens Edit
//! for the card; none while saved cards are switched off.

use crate::helpers::{TestApp, spawn_app};
use app::backend::reminders::{Pass, send_due_reminders};
use app::domain::Timestamp;

/// The cards of the tests expire 12/30 ([`crate::helpers::card_form`]).
fn soon() -> Timestamp {
    Timestamp::from_date(2030, 12, 10)
}

fn expired() -> Timestamp {
    Timestamp::from_date(2031, 1, 3)
}
const SOON_TEXT: &str = "expires at the end of 12/30";
const EXPIRED_TEXT: &str = "expired at the end of 12/30";

fn move_clock(app: &TestApp, to: Timestamp) {
    app.clock.advance(to.unix() - app.clock.now().unix());
}

/// The reminder emails in the outbox holding `text`, as decoded text.
fn reminders(app: &TestApp, text: &str) -> Vec<String> {
    app.outbox_texts()
        .into_iter()
        .filter(|t| t.contains(text))
        .collect()
}

#[tokio::test]
async fn a_card_gets_one_reminder_before_it_expires_and_one_after_however_often_the_job_runs() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    app.save_card(&session, "5555555555554444", false).await;

    assert_eq!(
        send_due_reminders(&app.state).await.unwrap(),
        Pass::default()
    );
    move_clock(&app, soon());
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 2);
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 0);
    let soon = reminders(&app, SOON_TEXT);
    assert_eq!(soon.len(), 2);
    let primary = soon
        .iter()
        .find(|t| t.contains("4242"))
        .expect("the primary card's reminder");
    assert!(primary.contains("It is your primary card"), "{primary}");
    let link = format!(
        "http://portal.test/payment-methods?edit={}",
        app.card_id(customer, "4242").await
    );
    assert!(primary.contains(&link), "{primary}");
    assert!(primary.contains("Update card") && primary.contains("<maria@example.com>"));
    let other = soon
        .iter()
        .find(|t| t.contains("4444"))
        .expect("the other card's reminder");
    assert!(!other.contains("primary card"), "{other}");

    move_clock(&app, expired());
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 2);
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 0);
    assert_eq!(reminders(&app, EXPIRED_TEXT).len(), 2);
    assert_eq!(reminders(&app, SOON_TEXT).len(), 2);
}

#[tokio::test]
async fn two_servers_running_the_job_at_once_send_each_reminder_once() {
    let one = spawn_app().await;
    let two = one.twin().await;
    one.enable_payments(true, true).await;
    for n in 0..6 {
        let (_, session) = one
            .customer_with_account(
                "Maria",
                &format!("maria{n}@example.com"),
                crate::helpers::PASSWORD,
            )
            .await;
        one.save_card(&session, "4242424242424242", true).await;
    }
    move_clock(&one, soon());
    move_clock(&two, soon());
    let (a, b) = tokio::join!(
        send_due_reminders(&one.state),
        send_due_reminders(&two.state)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 6, "{a:?} {b:?}");
    assert_eq!(
        reminders(&one, SOON_TEXT).len() + reminders(&two, SOON_TEXT).len(),
        6
    );
}

#[tokio::test]
async fn a_new_expiry_date_gets_reminders_of_its_own() {
    let app = spawn_app().await;
    let (customer, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    move_clock(&app, soon());
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 1);

    let id = app.card_id(customer, "4242").await;
    // Years went by on the clock: the first session has long timed out.
    let session = app
        .login("maria@example.com", crate::helpers::PASSWORD)
        .await;
    app.call(
        app::portal::payment_methods::api::UpdatePaymentMethod {
            id,
            expiry: "03/31".into(),
            zip: "94107".into(),
            nickname: String::new(),
        },
        Some(&session),
    )
    .await
    .expect("updating the expiry");
    move_clock(&app, expired());
    assert_eq!(
        send_due_reminders(&app.state).await.unwrap().sent,
        0,
        "03/31 is not due yet"
    );
    move_clock(&app, Timestamp::from_date(2031, 3, 15));
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 1);
    assert_eq!(reminders(&app, "expires at the end of 03/31").len(), 1);
}

#[tokio::test]
async fn no_reminder_goes_out_while_saved_cards_are_switched_off() {
    let app = spawn_app().await;
    let (_, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242424242424242", true).await;
    app.enable_payments(true, false).await;
    move_clock(&app, soon());
    assert_eq!(
        send_due_reminders(&app.state).await.unwrap(),
        Pass::default()
    );
    app.enable_payments(true, true).await;
    assert_eq!(send_due_reminders(&app.state).await.unwrap().sent, 1);
}
