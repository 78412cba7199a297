use app::{
    backend::{
        Store,
        store::{Backend, BackupError, CustomerKind, NewCustomer},
        testing::fresh_store,
    },
    domain::{EmailAddress, Timestamp},
};

const NOW: Timestamp = Timestamp::from_unix(1_790_000_000);

fn customer(n: usize) -> NewCustomer {
    NewCustomer {
        name: format!("Customer {n}"),
        email: EmailAddress::parse(&format!("customer{n}@example.com")).unwrap(),
        phone: String::new(),
        service_address: String::new(),
        kind: CustomerKind::Residential,
    }
}

#[tokio::test]
async fn a_backup_taken_while_customers_are_being_added_opens_as_a_complete_database() {
    let (store, _) = fresh_store().await;
    let file = std::env::temp_dir().join(format!("porchlight-backup-{}.db", rand_suffix()));
    if store.backend() == Backend::Postgres {
        assert!(matches!(
            store.backup_to(&file).await,
            Err(BackupError::Postgres)
        ));
        assert!(!file.exists());
        return;
    }
    for n in 0..20 {
        store.insert_customer(&customer(n), NOW).await.unwrap();
    }
    // Writers carry on while the copy is taken; the copy holds at least what came before it.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for n in 20..60 {
                store.insert_customer(&customer(n), NOW).await.unwrap();
            }
        })
    };
    store.backup_to(&file).await.unwrap();
    writer.await.unwrap();

    let copy = Store::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    copy.migrate().await.unwrap();
    let listed = copy.search_customers("", 100, 0).await.unwrap();
    assert!(listed.total >= 20, "{}", listed.total);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A second backup to the same file is refused and leaves the first one alone.
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(matches!(
        store.backup_to(&file).await,
        Err(BackupError::Exists(_))
    ));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size);
    copy.close().await;
    let _ = std::fs::remove_file(&file);
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
