use app::backend::testing::fresh_store;

#[tokio::test]
async fn a_new_database_is_empty_and_migrating_again_is_harmless() {
    let (store, _) = fresh_store().await;
    assert!(store.is_empty().await.unwrap());
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    let settings = store.settings().await.unwrap();
    assert!(!settings.online_payments_enabled);
    assert!(!settings.saved_payments_enabled);
}
