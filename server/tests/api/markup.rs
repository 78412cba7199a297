//! Names and nicknames that look like HTML are shown as text: on the portal's card page, on the
//! office's customer record and in the emails, never as markup (and never inside a script).

mod validity;

use crate::helpers::{PASSWORD, card_form, spawn_app};
use app::{domain::StaffRole, portal::payment_methods::api::AddPaymentMethod};

const NAME: &str = "<script>alert('name')</script>";
const NICKNAME: &str = "<img src=x onerror=alert('nick')>";
/// In the office record's `<title>` this once closed the element and ran (leptos_meta writes the
/// server's title unescaped).
const CUSTOMER: &str = "Maria</title><b onmouseover=alert('customer')>G</b>";

fn assert_shown_as_text(html: &str, raw: &str, escaped: &str, page: &str) {
    if let Some(i) = html.find(raw) {
        let start = html.floor_char_boundary(i.saturating_sub(300));
        let end = html.ceil_char_boundary((i + 200).min(html.len()));
        panic!("{page} holds {raw} as markup: …{}…", &html[start..end]);
    }
    assert!(html.contains(escaped), "{page} does not show {escaped}");
}

#[tokio::test]
async fn names_and_nicknames_with_markup_are_shown_as_text_in_the_portal_the_office_and_emails() {
    let app = spawn_app().await;
    app.enable_payments(true, true).await;
    let (customer, session) = app
        .customer_with_account(CUSTOMER, "maria@example.com", PASSWORD)
        .await;
    let mut form = card_form("4242424242424242");
    form.name = NAME.into();
    let (status, body) = app.confirm_card(&session, &form).await;
    assert_eq!(status, 200, "{body}");
    let before = app.outbox_texts().len();
    app.call(
        AddPaymentMethod {
            setup_intent: body["id"].as_str().unwrap().into(),
            make_primary: true,
            nickname: NICKNAME.into(),
            agreed_terms: Some(app.terms_version().await),
        },
        Some(&session),
    )
    .await
    .expect("saving the card");
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;

    let portal = app.page_html_as("/payment-methods", &session).await;
    let office = app
        .page_html_as(&format!("/office/customers/{customer}"), &admin)
        .await;
    for (page, html) in [("the card page", &portal), ("the customer record", &office)] {
        assert_shown_as_text(html, "<script>alert('name')", "&lt;script&gt;alert(", page);
        assert_shown_as_text(html, "<img src=x", "&lt;img src=x onerror=alert(", page);
        assert_shown_as_text(html, "<b onmouseover", "&lt;b onmouseover=alert(", page);
        assert_eq!(html.matches("</title>").count(), 1, "{page}");
    }

    // The "card added" email greets the customer by name: escaped in its HTML part.
    let mut emails = app.outbox_texts();
    for _ in 0..250 {
        if emails.len() > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        emails = app.outbox_texts();
    }
    let added = emails
        .iter()
        .find(|t| t.contains("was added to your saved payment methods"))
        .expect("the card-added email");
    // (The plain-text part shows the name as typed, which is right for plain text.)
    let html_part = added
        .split("Content-Type: text/html")
        .nth(1)
        .expect("an HTML part");
    assert_shown_as_text(
        html_part,
        "<b onmouseover",
        "&lt;b onmouseover=alert(",
        "the email's HTML part",
    );
}
