//! Expiry-reminder claims: a reminder is claimed once, a claim left unsent is taken again only
//! after the lease, a sent one never again, and deleting the card deletes its reminders.

use crate::agreed;

use app::{
    backend::{
        Store,
        store::{Actor, CardOnFile, ChangeContext, CustomerKind, NewCustomer, ReminderKey},
        testing::fresh_store,
    },
    domain::{
        CustomerId, EmailAddress, Timestamp,
        card::{Brand, Expiry, Last4, MaskedCard},
        reminder::ExpiryReminder,
        tokenization::PaymentToken,
    },
};

const LEASE: i64 = 15 * 60;

fn at(year: i64, month: u32, day: u32) -> Timestamp {
    Timestamp::from_date(year, month, day)
}

fn ctx() -> ChangeContext {
    ChangeContext {
        actor: Actor::Customer,
        at: at(2030, 1, 1),
        request_id: "test".into(),
    }
}

async fn customer_with_card(store: &Store, n: u32, expiry: Expiry) -> (CustomerId, ReminderKey) {
    let new = NewCustomer {
        name: "Maria Gonzalez".into(),
        email: EmailAddress::parse(&format!("maria{n}@example.com")).unwrap(),
        phone: String::new(),
        service_address: String::new(),
        kind: CustomerKind::Residential,
    };
    let customer = store.insert_customer(&new, at(2030, 1, 1)).await.unwrap();
    let card = CardOnFile {
        customer_id: customer,
        token: PaymentToken::parse(&format!("tok_reminder_{n}")).unwrap(),
        fingerprint: format!("fp_{n}"),
        card: MaskedCard {
            brand: Brand::Visa,
            last4: Last4::try_from("4242".to_owned()).unwrap(),
        },
        expiry,
        cardholder: "Maria Gonzalez".into(),
        zip: "94107".into(),
        nickname: String::new(),
    };
    let saved = store
        .add_card(&card, true, &agreed(), &ctx())
        .await
        .unwrap();
    let key = ReminderKey {
        card: saved.id,
        expiry,
        kind: ExpiryReminder::Soon,
    };
    (customer, key)
}

const DECEMBER_2030: Expiry = Expiry {
    year: 2030,
    month: 12,
};

#[tokio::test]
async fn only_cards_due_a_reminder_are_found_and_a_sent_one_is_never_found_again() {
    let (store, _) = fresh_store().await;
    let (_, due) = customer_with_card(&store, 1, DECEMBER_2030).await;
    customer_with_card(
        &store,
        2,
        Expiry {
            year: 2031,
            month: 6,
        },
    )
    .await;
    customer_with_card(
        &store,
        3,
        Expiry {
            year: 2029,
            month: 6,
        },
    )
    .await;
    let now = at(2030, 12, 10);
    let stale = now.plus_seconds(-LEASE);
    let found = store.due_reminders(now, stale).await.unwrap();
    assert_eq!(
        found.iter().map(|(c, k)| (c.id, *k)).collect::<Vec<_>>(),
        [(due.card, ExpiryReminder::Soon)]
    );
    assert!(store.claim_reminder(due, now, stale).await.unwrap());
    assert!(
        store.due_reminders(now, stale).await.unwrap().is_empty(),
        "claimed"
    );
    store.reminder_sent(due, now).await.unwrap();
    let much_later = now.plus_seconds(LEASE * 10);
    assert!(
        store
            .due_reminders(much_later, much_later.plus_seconds(-LEASE))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .claim_reminder(due, much_later, much_later.plus_seconds(-LEASE))
            .await
            .unwrap()
    );

    let after = at(2031, 1, 2);
    let expired = store
        .due_reminders(after, after.plus_seconds(-LEASE))
        .await
        .unwrap();
    assert_eq!(
        expired.iter().map(|(_, k)| *k).collect::<Vec<_>>(),
        [ExpiryReminder::Expired]
    );
}

#[tokio::test]
async fn a_claim_is_taken_once_and_again_only_after_its_lease_when_never_sent() {
    let (store, _) = fresh_store().await;
    let (_, key) = customer_with_card(&store, 1, DECEMBER_2030).await;
    let now = at(2030, 12, 10);
    assert!(
        store
            .claim_reminder(key, now, now.plus_seconds(-LEASE))
            .await
            .unwrap()
    );
    let soon_after = now.plus_seconds(60);
    assert!(
        !store
            .claim_reminder(key, soon_after, soon_after.plus_seconds(-LEASE))
            .await
            .unwrap()
    );
    let past_lease = now.plus_seconds(LEASE + 1);
    assert!(
        store
            .claim_reminder(key, past_lease, past_lease.plus_seconds(-LEASE))
            .await
            .unwrap()
    );
    store.release_reminder(key).await.unwrap();
    assert!(
        store
            .claim_reminder(key, past_lease, past_lease.plus_seconds(-LEASE))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn claims_made_at_the_same_moment_go_to_exactly_one_caller() {
    let (store, database_url) = fresh_store().await;
    let other = Store::connect(&database_url).await.unwrap();
    let mut keys = Vec::new();
    for n in 0..8 {
        keys.push(customer_with_card(&store, n, DECEMBER_2030).await.1);
    }
    let now = at(2030, 12, 10);
    let stale = now.plus_seconds(-LEASE);
    let mut won = 0;
    for key in keys {
        let (a, b) = tokio::join!(
            store.claim_reminder(key, now, stale),
            other.claim_reminder(key, now, stale)
        );
        won += usize::from(a.unwrap()) + usize::from(b.unwrap());
    }
    assert_eq!(won, 8);
}

#[tokio::test]
async fn deleting_a_card_deletes_its_reminders() {
    let (store, _) = fresh_store().await;
    let (customer, key) = customer_with_card(&store, 1, DECEMBER_2030).await;
    let now = at(2030, 12, 10);
    assert!(store.claim_reminder(key, now, now).await.unwrap());
    store.reminder_sent(key, now).await.unwrap();
    store.delete_card(customer, key.card, &ctx()).await.unwrap();
    assert!(
        store.claim_reminder(key, now, now).await.unwrap(),
        "no row left behind"
    );
}
