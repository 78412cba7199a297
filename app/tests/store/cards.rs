use crate::agreed;
use app::domain::status::Named as _;
use app::{
    backend::{
        Store, StoreError,
        store::{Actor, CardOnFile, ChangeContext, CustomerKind, NewCustomer},
        testing::fresh_store,
    },
    domain::{
        CustomerId, EmailAddress, PaymentMethodId, Timestamp,
        card::{Brand, Expiry, Last4, MaskedCard},
        tokenization::PaymentToken,
    },
};

const NOW: Timestamp = Timestamp::from_unix(1_790_000_000);

fn ctx() -> ChangeContext {
    ChangeContext {
        actor: Actor::Customer,
        at: NOW,
        request_id: "test".into(),
    }
}

async fn customer(store: &Store, email: &str) -> CustomerId {
    let new = NewCustomer {
        name: "Maria Gonzalez".into(),
        email: EmailAddress::parse(email).unwrap(),
        phone: String::new(),
        service_address: String::new(),
        kind: CustomerKind::Residential,
    };
    store.insert_customer(&new, NOW).await.unwrap()
}

fn card(customer_id: CustomerId, brand: Brand, last4: &str, fingerprint: &str) -> CardOnFile {
    CardOnFile {
        customer_id,
        token: PaymentToken::parse(&format!("tok_{fingerprint}_{}", customer_id.get())).unwrap(),
        fingerprint: fingerprint.into(),
        card: MaskedCard {
            brand,
            last4: Last4::try_from(last4.to_owned()).unwrap(),
        },
        expiry: Expiry {
            year: 2030,
            month: 12,
        },
        cardholder: "Maria Gonzalez".into(),
        zip: "94107".into(),
        nickname: String::new(),
    }
}

async fn primaries(store: &Store, customer: CustomerId) -> Vec<String> {
    store
        .cards_for_customer(customer)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.is_primary)
        .map(|c| c.card.last4.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn the_first_card_is_primary_whatever_the_box_says_and_a_later_one_can_take_over() {
    let (store, _) = fresh_store().await;
    let maria = customer(&store, "maria@example.com").await;
    let visa = store
        .add_card(
            &card(maria, Brand::Visa, "4242", "fp_visa"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    assert!(visa.is_primary);
    let mc = store
        .add_card(
            &card(maria, Brand::Mastercard, "4444", "fp_mc"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    assert!(!mc.is_primary);
    assert_eq!(primaries(&store, maria).await, ["4242"]);
    store
        .add_card(
            &card(maria, Brand::Amex, "0005", "fp_amex"),
            true,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(primaries(&store, maria).await, ["0005"]);
    let actions: Vec<_> = store
        .payment_method_events(maria)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action.as_str(), e.last4))
        .collect();
    assert_eq!(
        actions,
        ["set_primary 0005", "added 0005", "added 4444", "added 4242"]
    );
}

#[tokio::test]
async fn deleting_the_primary_promotes_the_newest_remaining_card_and_the_last_delete_leaves_none() {
    let (store, _) = fresh_store().await;
    let maria = customer(&store, "maria@example.com").await;
    let first = store
        .add_card(
            &card(maria, Brand::Visa, "4242", "fp_1"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let second = store
        .add_card(
            &card(maria, Brand::Mastercard, "4444", "fp_2"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let later = ChangeContext {
        at: NOW.plus_seconds(60),
        ..ctx()
    };
    let third = store
        .add_card(
            &card(maria, Brand::Discover, "1117", "fp_3"),
            false,
            &agreed(),
            &later,
        )
        .await
        .unwrap();
    let deleted = store.delete_card(maria, first.id, &ctx()).await.unwrap();
    assert_eq!(deleted.promoted.map(|c| c.id), Some(third.id));
    assert_eq!(primaries(&store, maria).await, ["1117"]);
    let deleted = store.delete_card(maria, second.id, &ctx()).await.unwrap();
    assert!(
        deleted.promoted.is_none(),
        "a non-primary delete promotes nothing"
    );
    store.delete_card(maria, third.id, &ctx()).await.unwrap();
    assert!(store.cards_for_customer(maria).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_same_card_cannot_be_saved_twice_by_one_customer_but_two_customers_may_share_it() {
    let (store, _) = fresh_store().await;
    let maria = customer(&store, "maria@example.com").await;
    let james = customer(&store, "james@example.com").await;
    store
        .add_card(
            &card(maria, Brand::Visa, "4242", "fp_same"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let mut again = card(maria, Brand::Visa, "4242", "fp_same");
    again.token = PaymentToken::parse("tok_another_token").unwrap();
    again.expiry = Expiry {
        year: 2031,
        month: 1,
    };
    assert!(matches!(
        store.add_card(&again, false, &agreed(), &ctx()).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(store.cards_for_customer(maria).await.unwrap().len(), 1);
    store
        .add_card(
            &card(james, Brand::Visa, "4242", "fp_same"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn another_customers_card_is_not_found_for_every_change_and_stays_as_it_was() {
    let (store, _) = fresh_store().await;
    let maria = customer(&store, "maria@example.com").await;
    let james = customer(&store, "james@example.com").await;
    store
        .add_card(
            &card(maria, Brand::Visa, "4242", "fp_a"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let other = store
        .add_card(
            &card(maria, Brand::Mastercard, "4444", "fp_b"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let before = store.cards_for_customer(maria).await.unwrap();
    let expiry = Expiry {
        year: 2032,
        month: 5,
    };
    assert!(matches!(
        store.set_primary_card(james, other.id, &ctx()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_card(james, other.id, &ctx()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .update_card(james, other.id, expiry, "10001", "", &ctx())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.card(james, PaymentMethodId::new(9_999)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.cards_for_customer(maria).await.unwrap(), before);
}

#[tokio::test]
async fn the_schema_itself_refuses_a_second_primary_card() {
    let (store, url) = fresh_store().await;
    let maria = customer(&store, "maria@example.com").await;
    store
        .add_card(
            &card(maria, Brand::Visa, "4242", "fp_a"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let second = store
        .add_card(
            &card(maria, Brand::Mastercard, "4444", "fp_b"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let forced = sqlx::query("UPDATE payment_methods SET is_primary = 1 WHERE id = $1")
        .bind(second.id.get())
        .execute(&pool)
        .await;
    assert!(
        forced.is_err(),
        "a second primary must violate the partial unique index"
    );
    assert_eq!(primaries(&store, maria).await, ["4242"]);
}

#[tokio::test]
async fn a_card_is_updated_in_place_and_the_change_is_recorded() {
    let (store, _) = fresh_store().await;
    let maria = customer(&store, "maria@example.com").await;
    let saved = store
        .add_card(
            &card(maria, Brand::Visa, "4242", "fp_a"),
            false,
            &agreed(),
            &ctx(),
        )
        .await
        .unwrap();
    let expiry = Expiry {
        year: 2033,
        month: 7,
    };
    let updated = store
        .update_card(maria, saved.id, expiry, "10001-1234", "Work card", &ctx())
        .await
        .unwrap();
    assert_eq!(updated.id, saved.id);
    assert_eq!(updated.expiry, expiry);
    assert_eq!(updated.zip, "10001-1234");
    assert_eq!(updated.nickname, "Work card");
    assert!(updated.is_primary);
    let latest = &store.payment_method_events(maria).await.unwrap()[0];
    assert_eq!(latest.action, app::domain::status::CardAction::Updated);
}
