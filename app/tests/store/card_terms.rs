//! Card-on-file terms keep every version, and a saved card keeps how its holder agreed.

use crate::agreed;
use app::{
    backend::{
        store::{Actor, CardOnFile, ChangeContext, CustomerKind, NewCustomer, NewStaff},
        testing::fresh_store,
    },
    domain::{
        EmailAddress, StaffRole, Timestamp,
        card::{Brand, Expiry, Last4, MaskedCard},
        consent::CardConsent,
        tokenization::PaymentToken,
    },
};

const NOW: Timestamp = Timestamp::from_unix(1_790_000_000);

#[tokio::test]
async fn each_save_of_the_terms_is_a_new_version_and_the_first_keeps_the_default_as_version_1() {
    let (store, _) = fresh_store().await;
    assert!(store.card_terms_versions().await.unwrap().is_empty());
    let admin = store
        .insert_staff(
            &NewStaff {
                email: EmailAddress::parse("admin@example.com").unwrap(),
                name: "Alex Admin".into(),
                role: StaffRole::Admin,
                password_hash: "x".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let first = store
        .save_card_terms("Second text", "The default text", admin, NOW)
        .await
        .unwrap();
    let second = store
        .save_card_terms("Third text", "ignored now", admin, NOW.plus_seconds(60))
        .await
        .unwrap();
    assert_eq!((first, second), (2, 3));
    let versions = store.card_terms_versions().await.unwrap();
    let listed: Vec<_> = versions
        .iter()
        .map(|v| {
            (
                v.terms.version,
                v.terms.text.as_str(),
                v.saved_by.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (3, "Third text", Some("Alex Admin")),
            (2, "Second text", Some("Alex Admin")),
            (1, "The default text", None),
        ]
    );
}

#[tokio::test]
async fn a_saved_card_keeps_its_holders_consent_and_its_history_says_so() {
    let (store, _) = fresh_store().await;
    let new = NewCustomer {
        name: "Maria Gonzalez".into(),
        email: EmailAddress::parse("maria@example.com").unwrap(),
        phone: String::new(),
        service_address: String::new(),
        kind: CustomerKind::Residential,
    };
    let maria = store.insert_customer(&new, NOW).await.unwrap();
    let card = CardOnFile {
        customer_id: maria,
        token: PaymentToken::parse("pm_consenttest").unwrap(),
        fingerprint: "fp_consent".into(),
        card: MaskedCard {
            brand: Brand::Visa,
            last4: Last4::try_from("4242".to_owned()).unwrap(),
        },
        expiry: Expiry {
            year: 2030,
            month: 12,
        },
        cardholder: "Maria Gonzalez".into(),
        zip: "94107".into(),
        nickname: String::new(),
    };
    let ctx = ChangeContext {
        actor: Actor::Customer,
        at: NOW,
        request_id: "test".into(),
    };
    let saved = store.add_card(&card, false, &agreed(), &ctx).await.unwrap();
    let (consent, at) = store
        .card_consent(maria, saved.id)
        .await
        .unwrap()
        .expect("the consent");
    assert_eq!(consent, agreed());
    assert_eq!(at, NOW);
    let history = store.payment_method_events(maria).await.unwrap();
    assert_eq!(
        history.len(),
        1,
        "one added row (the first card is primary)"
    );
    assert_eq!(history[0].consent, Some(CardConsent::Terms(1)));
}
