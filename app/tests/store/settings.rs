use app::{
    backend::{store::Settings, testing::fresh_store},
    domain::Timestamp,
};

#[tokio::test]
async fn each_changed_setting_is_audited_with_old_and_new_value() {
    let (store, _) = fresh_store().await;
    let before = store.settings().await.unwrap();
    let after = Settings {
        online_payments_enabled: true,
        business_name: "Brightside".into(),
        ..before.clone()
    };
    let changes = store
        .update_settings(&after, None, Timestamp::from_unix(1_000))
        .await
        .unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(store.settings().await.unwrap(), after);

    let audit = store.settings_audit().await.unwrap();
    let by_setting = |name: &str| audit.iter().find(|c| c.setting == name).unwrap();
    assert_eq!(by_setting("online_payments_enabled").old_value, "false");
    assert_eq!(by_setting("online_payments_enabled").new_value, "true");
    assert_eq!(by_setting("business_name").old_value, before.business_name);
    assert_eq!(by_setting("business_name").new_value, "Brightside");

    let unchanged = store
        .update_settings(&after, None, Timestamp::from_unix(2_000))
        .await
        .unwrap();
    assert!(unchanged.is_empty());
    assert_eq!(store.settings_audit().await.unwrap().len(), 2);
}
