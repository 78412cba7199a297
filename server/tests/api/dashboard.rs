//! The customer dashboard: balance, invoices and a paginated service history.

use crate::{cards::customer, helpers::spawn_app};
use app::backend::store::{JobStatus, NewJob};
use serde_json::Value;

#[tokio::test]
async fn the_service_history_is_newest_first_ten_to_a_page() {
    let app = spawn_app().await;
    let (maria, session) = customer(&app, "maria@example.com").await;
    let now = app.clock.now();
    for day in 0..12 {
        let job = NewJob {
            customer_id: maria,
            scheduled_on: now.plus_seconds(-day * 86_400),
            summary: format!("Visit {day}"),
            technician: "Dave Miller".into(),
            status: JobStatus::Completed,
        };
        app.store.insert_job(&job, now).await.unwrap();
    }
    let page = |n: &'static str| {
        let (app, session) = (&app, &session);
        async move {
            let answer = app
                .call("dashboard", &[("visits_page", n)], Some(session))
                .await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            serde_json::from_str::<Value>(&answer.body).unwrap()
        }
    };
    let first = page("1").await;
    assert_eq!(first["visits"].as_array().unwrap().len(), 10);
    assert_eq!(first["visits"][0]["summary"], "Visit 0");
    assert_eq!(first["visits_paging"], serde_json::json!([1, 2]));
    let second = page("2").await;
    let rest: Vec<_> = second["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["summary"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(rest, ["Visit 10", "Visit 11"]);
}
