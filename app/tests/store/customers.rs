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

#[tokio::test]
async fn an_email_change_voids_the_links_and_ends_the_sessions_in_the_same_change() {
    use app::backend::store::{Principal, TokenPurpose, TokenUse};
    let (store, _) = fresh_store().await;
    let id = store
        .insert_customer(&customer("maria@example.com"), NOW)
        .await
        .unwrap();
    let later = Timestamp::from_unix(NOW.unix() + 3600);
    for (hash, purpose) in [
        ("invite-hash", TokenPurpose::Invitation),
        ("reset-hash", TokenPurpose::PasswordReset),
    ] {
        store
            .issue_token(id, purpose, hash, NOW, later)
            .await
            .unwrap();
    }
    store
        .insert_session("session-hash", Principal::Customer(id), NOW)
        .await
        .unwrap();

    // Another detail changes: links and sessions stay.
    let mut renamed = customer("maria@example.com");
    renamed.name = "Maria G.".into();
    let old = store.update_customer(id, &renamed, NOW).await.unwrap();
    assert_eq!(old.name, "Maria Gonzalez");
    assert_eq!(
        store.session_count(Principal::Customer(id)).await.unwrap(),
        1
    );

    // The email changes: every link is dead and every session ended, with the change itself.
    let old = store
        .update_customer(id, &customer("maria.new@example.com"), NOW)
        .await
        .unwrap();
    assert_eq!(old.email.as_str(), "maria@example.com");
    assert_eq!(
        store.session_count(Principal::Customer(id)).await.unwrap(),
        0
    );
    for (hash, purpose) in [
        ("invite-hash", TokenPurpose::Invitation),
        ("reset-hash", TokenPurpose::PasswordReset),
    ] {
        assert_eq!(
            store
                .token_customer(hash, purpose, NOW, TokenUse::Peek)
                .await
                .unwrap(),
            None
        );
    }
}
