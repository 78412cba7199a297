//! Random mixes of hostile input: several fields at once, random bytes and encodings, random
//! functions and sessions, from a seed a failure prints (the long form of the hostile test).

use super::{FIELDS, hostile_values, leaks_internals, post, server_function_paths};
use crate::helpers::{PASSWORD, spawn_app};
use app::domain::StaffRole;

/// A small deterministic random source (xorshift64*), so a failing mix can be replayed by seed.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A hostile value, random bytes (often not UTF-8) or an extreme number.
    fn value(&mut self, pool: &[String]) -> Vec<u8> {
        match self.below(4) {
            0 | 1 => pool[self.below(pool.len())].clone().into_bytes(),
            2 => (0..self.below(64)).map(|_| self.next() as u8).collect(),
            _ => [
                i64::MIN.to_string(),
                u64::MAX.to_string(),
                "-0.000001".into(),
                "1e-400".into(),
            ][self.below(4)]
            .clone()
            .into_bytes(),
        }
    }
}

/// One random body: a form, a JSON object or raw bytes, with 1–8 fields set to random values.
fn random_body(mix: &mut Mix, pool: &[String]) -> (&'static str, Vec<u8>) {
    let fields: Vec<(&str, Vec<u8>)> = (0..1 + mix.below(8))
        .map(|_| (FIELDS[mix.below(FIELDS.len())], mix.value(pool)))
        .collect();
    match mix.below(3) {
        0 => {
            let pairs: Vec<(&str, String)> = fields
                .iter()
                .map(|(k, v)| (*k, String::from_utf8_lossy(v).into_owned()))
                .collect();
            let mut serializer = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                serializer.append_pair(k, v);
            }
            (
                "application/x-www-form-urlencoded",
                serializer.finish().into_bytes(),
            )
        }
        1 => {
            let object: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(k, v)| {
                    let text = String::from_utf8_lossy(v).into_owned();
                    let value = match text.parse::<f64>() {
                        Ok(n) if n.is_finite() => serde_json::json!(n),
                        _ => serde_json::json!(text),
                    };
                    ((*k).to_owned(), value)
                })
                .collect();
            (
                "application/json",
                serde_json::Value::Object(object).to_string().into_bytes(),
            )
        }
        _ => (
            "application/octet-stream",
            fields.into_iter().flat_map(|(_, v)| v).collect(),
        ),
    }
}

/// Random mixes of hostile fields, values and encodings sent to random server functions under a
/// random session. Short here (300 requests); the long form sets `PORCHLIGHT_HOSTILE_ROUNDS`
/// (and `PORCHLIGHT_HOSTILE_SEED` to replay a failure), see README "Reliability".
#[tokio::test]
async fn random_mixes_of_hostile_fields_never_get_a_server_error_or_an_internal_detail() {
    let rounds: usize = std::env::var("PORCHLIGHT_HOSTILE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("PORCHLIGHT_HOSTILE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    let app = spawn_app().await;
    app.enable_payments(true, true).await;
    let (_, customer) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    // Signing out would end the sessions the rest of the run needs.
    let paths: Vec<String> = server_function_paths()
        .into_iter()
        .filter(|p| !(p.ends_with("logout") || p.contains("sign-out")))
        .collect();
    let pool = hostile_values();
    let mut mix = Mix(seed);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut failures = Vec::new();
    for round in 0..rounds {
        let path = &paths[mix.below(paths.len())];
        let session = [None, Some(customer.as_str()), Some(admin.as_str())][mix.below(3)];
        let (content_type, body) = random_body(&mut mix, &pool);
        let (status, text) = post(&app, path, content_type, body, session).await;
        *statuses.entry(status).or_default() += 1;
        let leaked = leaks_internals(&text);
        if status >= 500 || leaked {
            failures.push(format!(
                "round {round} {path} {content_type}: {status} {}",
                text.chars().take(200).collect::<String>()
            ));
        }
    }
    eprintln!("hostile mixes: {rounds} requests, seed {seed}, statuses {statuses:?}");
    assert!(
        failures.is_empty(),
        "seed {seed} (replay with PORCHLIGHT_HOSTILE_SEED={seed}):\n{}",
        failures.join("\n")
    );
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
