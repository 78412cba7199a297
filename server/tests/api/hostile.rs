//! Hostile input to every server function, signed in as nobody, a customer and an admin:
//! malformed, oversized, wrongly typed, unicode-heavy and injection-shaped bodies. Every answer
//! is a 4xx (or a success) with a plain message, never a 5xx and never an internal detail.

mod mixes;

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_behind_proxy};
use app::domain::{StaffRole, tokenization::confirm_setup_url};

/// Every argument name the server functions take (unknown ones are ignored by each function).
const FIELDS: [&str; 46] = [
    "amount",
    "business_name",
    "confirm",
    "current",
    "customer_id",
    "date",
    "due_on",
    "email",
    "enabled",
    "expiry",
    "id",
    "idempotency_key",
    "invoice_id",
    "job_id",
    "kind",
    "make_primary",
    "name",
    "next",
    "nickname",
    "online_payments",
    "page",
    "paid_page",
    "password",
    "payment_id",
    "payments_page",
    "phone",
    "query",
    "reply_to_email",
    "role",
    "saved_payments",
    "service_address",
    "status",
    "summary",
    "technician",
    "token",
    "visits_page",
    "zip",
    "payment_method_id",
    "save",
    "lines[0][description]",
    "lines[0][quantity]",
    "lines[0][price]",
    "agreed_terms",
    "spoken_consent",
    "setup_intent",
    "text",
];

/// Values that are wrong in some way for almost every field.
fn hostile_values() -> Vec<String> {
    vec![
        String::new(),
        "-1".into(),
        "99999999999999999999999999".into(),
        "1e308".into(),
        "NaN".into(),
        "true".into(),
        "' OR 1=1; DROP TABLE customers; --".into(),
        "<script>alert(1)</script>".into(),
        "\u{202e}𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 ﷽ \u{0} \u{ffff}".into(),
        "../../etc/passwd".into(),
        "x".repeat(8 * 1024),
    ]
}

/// Sends `body` with `content_type` to `path`, from our own origin, with an optional session.
async fn post(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    session: Option<&str>,
) -> (u16, String) {
    let mut req = app
        .client
        .post(app.url(path))
        .header("Origin", &app.public_url)
        .header("Accept", "application/json")
        .header("Content-Type", content_type)
        .body(body);
    if let Some(id) = session {
        req = req.header("Cookie", format!("porchlight_session={id}"));
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Whether an answer shows an internal detail (a database error, a panic).
fn leaks_internals(text: &str) -> bool {
    ["sqlx", "panicked", "SQLITE", "syntax error", "thread '"]
        .iter()
        .any(|word| text.contains(word))
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

/// The bodies tried on every function.
fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    const FORM: &str = "application/x-www-form-urlencoded";
    let mut all = vec![
        (FORM, Vec::new()),
        (FORM, b"unknown=field&%%%=%zz".to_vec()),
        (
            "application/json",
            br#"{"id": [1, {"x": null}], "amount": -5}"#.to_vec(),
        ),
        ("text/plain", b"\x00\xff\xfe not a form".to_vec()),
        (FORM, form(&[("lines[99999999999][description]", "deep")])),
    ];
    for value in hostile_values() {
        let pairs: Vec<(&str, &str)> = FIELDS.iter().map(|f| (*f, value.as_str())).collect();
        all.push((FORM, form(&pairs)));
    }
    all
}

/// The server functions, sign-out last so the sessions last the whole run.
fn server_function_paths() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    paths.sort_by_key(|p| (p.ends_with("logout") || p.contains("sign-out"), p.clone()));
    paths.dedup();
    paths
}

#[tokio::test]
async fn no_server_function_answers_hostile_input_with_a_server_error_or_an_internal_detail() {
    let app = spawn_app().await;
    let (_, customer) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let paths = server_function_paths();
    assert!(paths.len() > 30, "{paths:?}");
    let bodies = bodies();
    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for path in &paths {
        for session in [None, Some(customer.as_str()), Some(admin.as_str())] {
            for (content_type, body) in &bodies {
                let (status, text) = post(&app, path, content_type, body.clone(), session).await;
                *statuses.entry(status).or_default() += 1;
                let leaked = leaks_internals(&text);
                if status >= 500 || leaked {
                    failures.push(format!(
                        "{path} ({}) {content_type} {} bytes: {status} {}",
                        if session.is_some() {
                            "signed in"
                        } else {
                            "anonymous"
                        },
                        body.len(),
                        text.chars().take(200).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The sessions held: input reached the functions' own checks, not only the sign-in guard.
    let count =
        |range: std::ops::Range<u16>| -> usize { statuses.range(range).map(|(_, n)| n).sum() };
    assert!(count(200..300) > 0 && count(400..401) > 100, "{statuses:?}");
    assert!(
        count(0..1000) >= paths.len() * 3 * bodies.len(),
        "{statuses:?}"
    );
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_any_function_reads_it() {
    let app = spawn_app().await;
    let huge = form(&[("email", &"a".repeat(1024 * 1024))]);
    for path in ["/api/login", "/api/office/login", "/api/invoices/pay"] {
        let (status, _) = post(
            &app,
            path,
            "application/x-www-form-urlencoded",
            huge.clone(),
            None,
        )
        .await;
        assert_eq!(status, 413, "{path}");
    }
}

/// What the sandbox's token endpoint (called by the browser with card fields) is sent: the
/// bodies every function gets, then JSON with each card field set to each hostile value, of the
/// wrong type, missing, doubled or next to unknown fields.
/// Where [`token_bodies`] want a fresh setup's client secret.
const SECRET_SLOT: &str = "@client-secret@";

fn token_bodies() -> Vec<(&'static str, Vec<u8>)> {
    const JSON: &str = "application/json";
    let good = serde_json::json!({
        "client_secret": SECRET_SLOT,
        "number": "4242424242424242", "expiry": "12/30", "cvc": "123", "zip": "94107", "name": "Maria"
    });
    let mut all = bodies();
    for field in ["number", "expiry", "cvc", "zip", "name"] {
        let mut values: Vec<serde_json::Value> = hostile_values()
            .into_iter()
            .map(serde_json::Value::from)
            .collect();
        values.extend([
            serde_json::json!(4242424242424242_u64),
            serde_json::json!(-1),
            serde_json::json!(null),
            serde_json::json!(["4242"]),
            serde_json::json!({"nested": true}),
        ]);
        for value in values {
            let mut body = good.clone();
            body[field] = value;
            all.push((JSON, body.to_string().into_bytes()));
        }
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove(field);
        all.push((JSON, missing.to_string().into_bytes()));
    }
    let mut extra = good.clone();
    extra["admin"] = serde_json::json!(true);
    all.push((JSON, extra.to_string().into_bytes()));
    all.push((
        JSON,
        br#"{"number":"4242424242424242","number":"1"}"#.to_vec(),
    ));
    all.push((JSON, b"[]".to_vec()));
    all.push((JSON, b"null".to_vec()));
    all.push((JSON, br#"{"number": "42"#.to_vec()));
    all
}

#[tokio::test]
async fn the_sandbox_setup_confirmation_answers_hostile_card_fields_with_a_plain_4xx_and_never_echoes_the_number()
 {
    use app::backend::gateway::Gateway;
    // Each request from an address of its own, so the per-address limit never hides a body.
    let app = spawn_app_behind_proxy().await;
    let (maria, _) = app.paying_customer("maria@example.com").await;
    let at_processor = app::backend::processor::processor_customer(&app.state, maria)
        .await
        .unwrap();
    let mut failures = Vec::new();
    let mut refused_plainly = 0;
    for (n, (content_type, body)) in token_bodies().into_iter().enumerate() {
        // A fresh setup for each body, its secret put where the body wants one.
        let setup = app.gateway.begin_setup(&at_processor).await.unwrap();
        let body = String::from_utf8_lossy(&body)
            .replace(SECRET_SLOT, &setup.client_secret)
            .into_bytes();
        let res = app
            .client
            .post(app.url(&confirm_setup_url(&setup.id)))
            .header("Content-Type", content_type)
            .header(
                "X-Forwarded-For",
                format!("198.51.{}.{}", n / 250, n % 250 + 1),
            )
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let plain = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_owned))
            .is_some_and(|m| !m.is_empty() && !m.contains("sqlx") && !m.contains("panicked"));
        let echoed = text.contains("4242424242424242");
        // Over the body limit: refused before anything reads it (see the test below).
        let too_big = status == 413;
        let refused = (400..500).contains(&status) && plain;
        refused_plainly += usize::from(refused);
        let expected = status == 200 || too_big || refused;
        if !expected || echoed {
            failures.push(format!(
                "{content_type} {}: {status} {}",
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(120)
                    .collect::<String>(),
                text.chars().take(200).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(refused_plainly > 50, "{refused_plainly} plain refusals");
    let huge = format!(r#"{{"number":"{}"}}"#, "4".repeat(1024 * 1024));
    let res = app
        .client
        .post(app.url(&confirm_setup_url("seti_abcdefghijklmnop")))
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
