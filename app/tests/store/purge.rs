use app::{
    backend::{
        auth::sessions::IDLE_TIMEOUT_SECS,
        store::{NewStaff, Principal},
        testing::fresh_store,
    },
    domain::{EmailAddress, StaffRole, Timestamp},
};

const NOW: Timestamp = Timestamp::from_unix(1_790_000_000);

#[tokio::test]
async fn the_purge_deletes_expired_sessions_and_old_counters_and_keeps_live_ones() {
    let (store, _) = fresh_store().await;
    let staff = store
        .insert_staff(
            &NewStaff {
                email: EmailAddress::parse("admin@example.com").unwrap(),
                name: "Alex".into(),
                role: StaffRole::Admin,
                password_hash: "x".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let who = Principal::Staff(staff);
    store
        .insert_session("idle", who, NOW.plus_seconds(-IDLE_TIMEOUT_SECS - 1))
        .await
        .unwrap();
    store
        .insert_session("live", who, NOW.plus_seconds(-60))
        .await
        .unwrap();
    store
        .record_event("old", NOW.plus_seconds(-86_401))
        .await
        .unwrap();
    store
        .record_event("recent", NOW.plus_seconds(-60))
        .await
        .unwrap();

    assert_eq!(store.purge_expired(NOW).await.unwrap(), 2);
    assert!(store.session("idle").await.unwrap().is_none());
    assert!(store.session("live").await.unwrap().is_some());
    let since_ever = Timestamp::from_unix(0);
    assert_eq!(store.count_events("old", since_ever).await.unwrap(), 0);
    assert_eq!(store.count_events("recent", since_ever).await.unwrap(), 1);
    assert_eq!(
        store.purge_expired(NOW).await.unwrap(),
        0,
        "nothing left to purge"
    );
}
