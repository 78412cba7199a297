//! Every request ends within a deadline: one that cannot finish answers 503 with a plain sentence
//! and logs what it was waiting on, instead of hanging.

use app::backend::request::Progress;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures::StreamExt;
use std::time::Duration;

/// How long a request may take, from its arrival to the last byte of its response.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// The deadline the middleware enforces.
#[derive(Clone, Copy, Debug)]
pub struct Deadline(pub Duration);

/// What the log says about a request that missed its deadline.
#[derive(Clone)]
struct Missed {
    request_id: String,
    method: String,
    path: String,
    progress: Progress,
}

impl Missed {
    fn log(&self, phase: &str) {
        let open = self.progress.describe();
        tracing::error!(
            request_id = %self.request_id,
            method = %self.method,
            path = %self.path,
            waiting_on = if open.is_empty() { "rendering the page" } else { open.as_str() },
            "request missed its deadline {phase}"
        );
    }
}

/// Runs the request with a [`Progress`] in its extensions; answers 503 at the deadline, and cuts a
/// response body still streaming at the deadline.
pub async fn enforce_deadline(
    State(Deadline(limit)): State<Deadline>,
    mut req: Request,
    next: Next,
) -> Response {
    let until = tokio::time::Instant::now() + limit;
    let progress = Progress::default();
    req.extensions_mut().insert(progress.clone());
    let missed = Missed {
        request_id: req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned(),
        method: req.method().to_string(),
        path: req.uri().path().to_owned(),
        progress,
    };
    let answer = next.run(req);
    tokio::pin!(answer);
    let res = tokio::select! {
        res = &mut answer => res,
        () = tokio::time::sleep_until(until) => {
            // Logged while the request is still alive, so its open steps are still listed.
            missed.log("before answering");
            return timed_out();
        }
    };
    res.map(|body| {
        let sleep = Box::pin(tokio::time::sleep_until(until));
        let state = Some((body.into_data_stream(), sleep, missed));
        Body::from_stream(futures::stream::unfold(state, |state| async move {
            let (mut data, mut sleep, missed) = state?;
            tokio::select! {
                chunk = data.next() => chunk.map(|c| (c, Some((data, sleep, missed)))),
                () = &mut sleep => {
                    missed.log("while sending the page");
                    Some((Err(axum::Error::new("response deadline passed")), None))
                }
            }
        }))
    })
}

fn timed_out() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "This is taking longer than it should. Please try again in a moment.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{Extension, Router, middleware::from_fn_with_state, routing::get};
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/quick", get(|| async { "done" }))
            .route(
                "/cards",
                get(|Extension(progress): Extension<Progress>| async move {
                    let _step = progress.begin("reading cards");
                    std::future::pending::<()>().await;
                }),
            )
            .route(
                "/slow-body",
                get(|| async {
                    let chunks = futures::stream::iter([Ok::<_, std::io::Error>("start")])
                        .chain(futures::stream::pending());
                    Body::from_stream(chunks)
                }),
            )
            .layer(from_fn_with_state(
                Deadline(Duration::from_millis(50)),
                enforce_deadline,
            ))
    }

    async fn call(path: &str) -> Response {
        let req = Request::builder()
            .uri(path)
            .header("x-request-id", "req-42")
            .body(Body::empty())
            .unwrap();
        app().oneshot(req).await.unwrap()
    }

    /// Collects what the log writes.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    // One test for everything that reaches the deadline's log line, so no other test in this
    // binary registers that log call while no subscriber listens.
    #[tokio::test(flavor = "current_thread")]
    async fn requests_that_cannot_finish_end_at_the_deadline_and_say_what_they_waited_on() {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let res = call("/cards").await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        assert_eq!(
            body,
            "This is taking longer than it should. Please try again in a moment."
        );
        let text = log.text();
        for part in [
            "request missed its deadline before answering",
            "request_id=req-42",
            "path=/cards",
            "reading cards (",
        ] {
            assert!(text.contains(part), "{part} missing from: {text}");
        }

        let res = call("/slow-body").await;
        assert_eq!(res.status(), StatusCode::OK, "the answer had started");
        assert!(axum::body::to_bytes(res.into_body(), 1024).await.is_err());
        assert!(
            log.text()
                .contains("request missed its deadline while sending the page"),
            "{}",
            log.text()
        );
    }

    #[tokio::test]
    async fn a_quick_request_passes_untouched() {
        let res = call("/quick").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        assert_eq!(body, "done");
    }
}
