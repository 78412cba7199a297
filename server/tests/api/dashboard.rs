//! The customer dashboard: balance, invoices and a paginated service history.

use crate::helpers::spawn_app;
use app::{
    backend::store::{JobStatus, NewJob},
    portal::dashboard::DashboardSummary,
};

#[tokio::test]
async fn the_service_history_is_newest_first_ten_to_a_page() {
    let app = spawn_app().await;
    let (maria, session) = app.paying_customer("maria@example.com").await;
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
    let page = |n: u32| {
        let args = DashboardSummary {
            visits_page: Some(n),
            paid_page: None,
        };
        let (app, session) = (&app, &session);
        async move { app.call(args, Some(session)).await.unwrap() }
    };
    let first = page(1).await;
    assert_eq!(first.visits.len(), 10);
    assert_eq!(first.visits[0].summary, "Visit 0");
    assert_eq!(first.visits_paging, (1, 2));
    let second = page(2).await;
    let rest: Vec<&str> = second.visits.iter().map(|v| v.summary.as_str()).collect();
    assert_eq!(rest, ["Visit 10", "Visit 11"]);
}
