use crate::helpers::spawn_app;

#[tokio::test]
async fn health_check_answers_ok_while_the_database_is_up() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn health_check_answers_503_once_the_database_is_gone() {
    let app = spawn_app().await;
    app.store.close().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = res
        .headers()
        .get("x-request-id")
        .expect("x-request-id header");
    assert_eq!(id.to_str().unwrap().len(), 36);
}

#[tokio::test]
async fn a_request_id_chosen_by_the_client_is_replaced_by_a_fresh_one() {
    let app = spawn_app().await;
    let chosen = "attacker-chosen <b>id</b>";
    let mut ids = Vec::new();
    for _ in 0..2 {
        let res = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", chosen)
            .send()
            .await
            .unwrap();
        ids.push(res.headers()["x-request-id"].to_str().unwrap().to_owned());
    }
    for id in &ids {
        assert_ne!(id, chosen);
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
    assert_ne!(ids[0], ids[1], "every request gets its own id");
}
