use app::{
    backend::{
        StoreError,
        store::{CustomerKind, NewCustomer, NewStaff},
        testing::fresh_store,
    },
    domain::{EmailAddress, StaffRole, Timestamp},
};

fn customer(email: &str) -> NewCustomer {
    NewCustomer {
        name: "Maria Gonzalez".into(),
        email: EmailAddress::parse(email).unwrap(),
        phone: "(555) 201-4455".into(),
        service_address: "14 Orchard Lane".into(),
        kind: CustomerKind::Residential,
    }
}

const NOW: Timestamp = Timestamp::from_unix(1_790_000_000);

#[tokio::test]
async fn a_customer_is_stored_and_read_back() {
    let (store, _) = fresh_store().await;
    let id = store
        .insert_customer(&customer("maria@example.com"), NOW)
        .await
        .unwrap();
    let read = store.customer(id).await.unwrap();
    assert_eq!(read.name, "Maria Gonzalez");
    assert_eq!(read.email.as_str(), "maria@example.com");
    assert_eq!(read.kind, CustomerKind::Residential);
    assert!(!store.is_empty().await.unwrap());
}

#[tokio::test]
async fn a_second_customer_with_the_same_email_in_another_case_is_refused() {
    let (store, _) = fresh_store().await;
    store
        .insert_customer(&customer("maria@example.com"), NOW)
        .await
        .unwrap();
    let again = store
        .insert_customer(&customer("MARIA@Example.com"), NOW)
        .await;
    assert!(
        matches!(again, Err(StoreError::Duplicate("customer email"))),
        "{again:?}"
    );
}

#[tokio::test]
async fn an_unknown_customer_is_not_found() {
    let (store, _) = fresh_store().await;
    let missing = store.customer(app::domain::CustomerId::new(4242)).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn staff_emails_are_unique() {
    let (store, _) = fresh_store().await;
    let staff = NewStaff {
        email: EmailAddress::parse("admin@example.com").unwrap(),
        name: "Alex".into(),
        role: StaffRole::Admin,
        password_hash: "$argon2id$placeholder".into(),
    };
    store.insert_staff(&staff, NOW).await.unwrap();
    let found = store.staff_by_email(&staff.email).await.unwrap();
    assert_eq!((found.role, found.disabled), (StaffRole::Admin, false));
    assert!(matches!(
        store.insert_staff(&staff, NOW).await,
        Err(StoreError::Duplicate(_))
    ));
}

#[tokio::test]
async fn many_concurrent_writers_all_succeed_without_lock_errors() {
    let (store, _) = fresh_store().await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .insert_customer(&customer(&format!("c{i}@example.com")), NOW)
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    store.wipe().await.unwrap();
    assert!(store.is_empty().await.unwrap());
}
