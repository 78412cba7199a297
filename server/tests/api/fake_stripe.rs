//! A stateful fake of the parts of Stripe's API Porchlight uses, in Stripe's documented JSON
//! shapes and error bodies, on a real port. It checks every request's headers (bearer key,
//! pinned `Stripe-Version`, `Idempotency-Key` on POSTs), refuses any parameter Stripe's API does
//! not have on that endpoint (the lists in `stripe_params.rs`), refuses a restricted key (`rk_…`)
//! without the permission an endpoint needs ([`refusals`]), replays idempotent requests and refuses a key
//! reused with other parameters, and can answer 503, answer late, lose an answer, forget its
//! idempotency keys (as Stripe does after 24 hours) or leave payments `processing`, on purpose.
//! `/test/…` routes stand in for what Stripe.js does in the browser (confirming a card, 3-D
//! Secure) and for what happens at Stripe later (a processing payment settles).

mod objects;
pub mod refusals;
mod routes;
mod stripe_params;

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

/// The secret key the fake accepts.
pub const SECRET_KEY: &str = "sk_test_51FakeStripeKey0000";

/// What the next request meets instead of a normal answer.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// 503 before anything is done (a proxy in front of Stripe), not recorded for its key.
    Unavailable,
    /// The request is carried out and recorded, but the answer comes this late.
    Late(Duration),
    /// The request is carried out and recorded, but its answer is lost on the way back (a 503
    /// from a proxy after Stripe did the work).
    Lost,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET` or `POST`.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
    /// Whether it was answered from the idempotency record.
    pub replayed: bool,
}

/// A request carried out under an idempotency key: method and path, parameters, status, body.
type Recorded = (String, Vec<(String, String)>, u16, Value);

/// The fake's objects and records.
#[derive(Default)]
pub struct Books {
    next_id: u64,
    /// Stripe's clock for `created` (seconds; one tick per object).
    pub clock: i64,
    pub customers: BTreeMap<String, Value>,
    pub setup_intents: BTreeMap<String, Value>,
    pub payment_methods: BTreeMap<String, Value>,
    pub payment_intents: BTreeMap<String, Value>,
    /// Charges of succeeded payment intents (refunds and disputes land here).
    pub charges: BTreeMap<String, Value>,
    /// Card numbers behind payment methods (only the fake knows them).
    pub numbers: BTreeMap<String, String>,
    /// Idempotency key → (method and path, parameters, status, body).
    idempotent: BTreeMap<String, Recorded>,
    /// Header rules broken by a request.
    pub violations: Vec<String>,
    /// Every request, in order.
    pub seen: Vec<Seen>,
    faults: VecDeque<Fault>,
    /// While set, a payment that would succeed stays `processing` until
    /// `POST /test/payment_intents/{id}/settle`.
    pub processing: bool,
    /// Restricted keys (`rk_…`) and the permissions each was given.
    restricted: BTreeMap<String, Vec<refusals::Grant>>,
}

impl Books {
    /// Records the charge a succeeded payment intent made; its id.
    pub fn charge_for(&mut self, intent: &str, amount: &Value) -> String {
        let id = self.id("ch");
        let charge = serde_json::json!({
            "id": id, "object": "charge", "amount": amount, "amount_refunded": 0,
            "disputed": false, "payment_intent": intent, "refunded": false,
        });
        self.charges.insert(id.clone(), charge);
        id
    }

    /// A fresh id with Stripe's prefix.
    pub fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{:014}Fk", self.next_id)
    }
}

/// A running fake Stripe.
#[derive(Clone)]
pub struct FakeStripe {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    books: Arc<Mutex<Books>>,
}

impl FakeStripe {
    /// Starts the fake on a free loopback port.
    pub async fn start() -> Self {
        let books = Arc::new(Mutex::new(Books::default()));
        let app = Router::new().fallback(handle).with_state(books.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, books }
    }

    /// The fake's records, to look at or change.
    pub fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap()
    }

    /// Makes the next requests meet these faults, in order.
    pub fn fail_next(&self, faults: &[Fault]) {
        self.books().faults.extend(faults.iter().copied());
    }

    /// Header rules broken so far.
    pub fn violations(&self) -> Vec<String> {
        self.books().violations.clone()
    }

    /// Forgets every idempotency key, as Stripe does 24 hours after a key's first use: a request
    /// under an old key is carried out again as new.
    pub fn prune_idempotency_keys(&self) {
        self.books().idempotent.clear();
    }

    /// Accepts `key` as a restricted key with exactly these permissions.
    pub fn restricted_key(&self, key: &str, grants: &[refusals::Grant]) {
        self.books()
            .restricted
            .insert(key.to_owned(), grants.to_vec());
    }

    /// The payment intents made for Porchlight's attempt `attempt` (by their metadata).
    pub fn intents_for_attempt(&self, attempt: i64) -> Vec<Value> {
        let attempt = attempt.to_string();
        self.books()
            .payment_intents
            .values()
            .filter(|i| i["metadata"]["porchlight_attempt"].as_str() == Some(&attempt))
            .cloned()
            .collect()
    }
}

/// Stripe's error answer.
pub fn error(status: u16, kind: &str, code: Option<&str>, message: &str) -> (u16, Value) {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    (status, json!({ "error": error }))
}

async fn handle(
    State(books): State<Arc<Mutex<Books>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let path = uri.path().to_owned();
    let params: Vec<(String, String)> = if method == Method::POST {
        serde_urlencoded::from_bytes(&body).unwrap_or_default()
    } else {
        serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default()
    };
    let key = header("Idempotency-Key");
    let (late, answer) = {
        let mut b = books.lock().unwrap();
        let fault = if path.starts_with("/test/") {
            None
        } else {
            b.faults.pop_front()
        };
        if matches!(fault, Some(Fault::Unavailable)) {
            let (s, v) = error(
                503,
                "api_error",
                None,
                "Stripe is unavailable (fake fault).",
            );
            return reply(s, v, false);
        }
        if !path.starts_with("/test/") {
            let bearer = header("Authorization")
                .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
                .unwrap_or_default();
            let grants = b.restricted.get(&bearer).cloned();
            if bearer != SECRET_KEY && grants.is_none() {
                let (s, v) = error(
                    401,
                    "invalid_request_error",
                    None,
                    "Invalid API Key provided.",
                );
                return reply(s, v, false);
            }
            if let Some(grants) = grants
                && let Err((s, v)) = refusals::allowed(&grants, &bearer, method.as_str(), &path)
            {
                return reply(s, v, false);
            }
            if let Err((s, v)) = refusals::check_params(method.as_str(), &path, &params) {
                b.violations.push(format!(
                    "{method} {path}: a parameter not in stripe-node {}'s types",
                    stripe_params::STRIPE_NODE_VERSION
                ));
                return reply(s, v, false);
            }
            if header("Stripe-Version").as_deref()
                != Some(app::backend::gateway::stripe::API_VERSION)
            {
                b.violations
                    .push(format!("{method} {path} without the pinned Stripe-Version"));
            }
            if method == Method::POST && key.is_none() {
                b.violations
                    .push(format!("{method} {path} without an Idempotency-Key"));
            }
        }
        let target = format!("{method} {path}");
        let replay = key.as_ref().and_then(|k| b.idempotent.get(k).cloned());
        let answer = match replay {
            Some((t, p, s, v)) if t == target && p == params => Some((s, v, true)),
            Some(_) => Some({
                let (s, v) = error(
                    400,
                    "idempotency_error",
                    None,
                    "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                );
                (s, v, false)
            }),
            None => None,
        };
        let (status, value, replayed) = answer.unwrap_or_else(|| {
            let (s, v) = routes::route(&mut b, &method, &path, &params);
            if let Some(k) = &key
                && method == Method::POST
                && s != 400
            {
                b.idempotent
                    .insert(k.clone(), (target.clone(), params.clone(), s, v.clone()));
            }
            (s, v, false)
        });
        b.seen.push(Seen {
            method: method.to_string(),
            path: path.clone(),
            idempotency_key: key.clone(),
            replayed,
        });
        if matches!(fault, Some(Fault::Lost)) {
            let (s, v) = error(503, "api_error", None, "The answer was lost (fake fault).");
            return reply(s, v, false);
        }
        let late = match fault {
            Some(Fault::Late(d)) => Some(d),
            _ => None,
        };
        (late, reply(status, value, replayed))
    };
    if let Some(d) = late {
        tokio::time::sleep(d).await;
    }
    answer
}

fn reply(status: u16, body: Value, replayed: bool) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(body),
    )
        .into_response();
    if replayed {
        response
            .headers_mut()
            .insert("Idempotent-Replayed", "true".parse().unwrap());
    }
    response
}
