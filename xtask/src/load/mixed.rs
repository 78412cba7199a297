//! The mixed write load (issue 16): many customers, each with its own session and address, list,
//! add, make primary and delete cards and pay $1.00 of an open invoice, sometimes sending a
//! payment again under the same idempotency key. No 5xx is allowed, every data rule must hold
//! afterwards, a repeated key must answer the same payment, and each invoice must hold exactly
//! the payments that were approved.

pub mod report;
pub mod setup;

use super::crash::number_after;
use super::http::request;
use super::{Backend, Server};
use report::{Sample, cards, is_error, payment_id, string_after, table};
use setup::{Customer, post};
use std::{
    net::SocketAddr,
    path::Path,
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

/// Sandbox test cards that save and charge (README "Saved cards and the sandbox gateway").
const CARDS: [&str; 4] = [
    "4242424242424242",
    "5555555555554444",
    "378282246310005",
    "6011111111111117",
];
/// Rounds of card changes and payments per client, spread over the run so each customer stays
/// under its limits (10 payment attempts and 60 card changes per 15 minutes); between them the
/// client keeps reading its cards.
const ROUNDS: u32 = 7;

/// How big the mixed load is.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    /// Concurrent clients, one customer each.
    pub clients: usize,
    /// How long they run.
    pub secs: u64,
    /// Requests at most, over all clients.
    pub max_requests: usize,
    /// Servers on the one database (PostgreSQL only when more than one); client `n` uses
    /// server `n % instances`.
    pub instances: usize,
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    samples: Vec<Sample>,
    /// Approved payments (distinct keys).
    approved: u64,
    /// Keys whose answer was lost (no answer at all): they may or may not have charged.
    unknown: u64,
    /// Problems with a repeated key.
    mismatches: Vec<String>,
}

/// The mixed write load on each backend; how many passed, or the failures.
pub fn run_all(binary: &Path, backends: &[Backend], size: Size) -> Result<usize, String> {
    let mut failures = Vec::new();
    for backend in backends {
        match run(binary, *backend, size) {
            Ok(report) => eprintln!("{report}"),
            Err(report) => {
                eprintln!("{report}");
                failures.push(backend.name());
            }
        }
    }
    if failures.is_empty() {
        Ok(backends.len())
    } else {
        Err(format!("the mixed load failed on {}", failures.join(", ")))
    }
}

/// Runs the mixed load on `backend`; the report, or why it failed (with the report).
pub fn run(binary: &Path, backend: Backend, size: Size) -> Result<String, String> {
    if size.instances > 1 && backend != Backend::Postgres {
        return Err(format!(
            "{} instances on one database need PostgreSQL",
            size.instances
        ));
    }
    let server = Server::start_trusting_localhost_proxy(binary, backend)?;
    // The other instances serve the same database; the first one's drop removes it.
    let others = (1..size.instances)
        .map(|_| server.another_instance())
        .collect::<Result<Vec<Server>, String>>()?;
    let addrs: Vec<SocketAddr> = std::iter::once(server.addr)
        .chain(others.iter().map(|o| o.addr))
        .collect();
    let customers = setup::customers(&server, size.clients)?;
    let sent = AtomicUsize::new(0);
    let until = Instant::now() + Duration::from_secs(size.secs);
    let started = Instant::now();
    let seen: Vec<Seen> = std::thread::scope(|scope| {
        let handles: Vec<_> = customers
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let sent = &sent;
                let addr = addrs[n % addrs.len()];
                scope.spawn(move || client(addr, n, c, until, sent, size.max_requests))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed();
    let mut problems = Vec::new();
    for (n, (c, s)) in customers.iter().zip(&seen).enumerate() {
        problems.extend(s.mismatches.iter().cloned());
        let page = post(
            server.addr,
            "/api/invoices/pay-page",
            &c.cookie,
            &c.ip,
            &format!("invoice_id={}", c.invoice),
        )?;
        let paid = c.balance - number_after(&page.1, "\"balance\":")?;
        let least = s.approved * 100;
        if !(least..=least + s.unknown * 100).contains(&paid) {
            problems.push(format!(
                "customer {n}: {paid} cents paid, {} payments approved",
                s.approved
            ));
        }
    }
    let (rules_hold, check) = server.check()?;
    if !rules_hold {
        problems.push(format!("data rules broken: {check}"));
    }
    let samples: Vec<&Sample> = seen.iter().flat_map(|s| &s.samples).collect();
    let errors = samples.iter().filter(|s| is_error(s.status)).count();
    let approved: u64 = seen.iter().map(|s| s.approved).sum();
    let mut report = format!(
        "{} mixed: {} clients on {} server(s), {} requests in {:.1} s ({:.0}/s), {approved} \
         payments approved; errors {errors}; data rules {}; invoices match approved payments \
         and repeated keys their first answer: {}\n{}",
        backend.name(),
        size.clients,
        addrs.len(),
        samples.len(),
        elapsed.as_secs_f64(),
        samples.len() as f64 / elapsed.as_secs_f64().max(0.001),
        if rules_hold { "hold" } else { "BROKEN" },
        if problems.is_empty() { "yes" } else { "NO" },
        table(&samples)
    );
    if errors > 0 || !problems.is_empty() {
        for p in problems.iter().take(20) {
            report.push_str(&format!("\n  problem: {p}"));
        }
        eprintln!("kept for a look: {}", server.log.display());
        server.keep();
        return Err(report);
    }
    Ok(report)
}

/// One client's loop until `until` or until `cap` requests were sent by all clients together.
fn client(
    addr: SocketAddr,
    n: usize,
    c: &Customer,
    until: Instant,
    sent: &AtomicUsize,
    cap: usize,
) -> Seen {
    let mut seen = Seen::default();
    let call =
        |seen: &mut Seen, kind: &'static str, path: &str, body: &str| -> Option<(u16, String)> {
            if Instant::now() >= until || sent.fetch_add(1, Ordering::Relaxed) >= cap {
                return None;
            }
            let began = Instant::now();
            let answer = if kind == "tokenize" {
                let headers = [
                    ("Content-Type", "application/json"),
                    ("X-Forwarded-For", c.ip.as_str()),
                ];
                request(addr, "POST", path, &headers, body, Duration::from_secs(30))
                    .map(|a| (a.status, a.text()))
                    .ok()
            } else {
                post(addr, path, &c.cookie, &c.ip, body).ok()
            };
            let status = answer.as_ref().map_or(0, |a| a.0);
            seen.samples.push(Sample {
                kind,
                status,
                took: began.elapsed(),
            });
            Some(answer.unwrap_or((0, String::new())))
        };
    let mut round = n;
    let (started, mut rounds) = (Instant::now(), 0);
    let pace = until.saturating_duration_since(started) / ROUNDS;
    while let Some((_, list)) = call(&mut seen, "list", "/api/payment-methods", "") {
        if rounds == ROUNDS || Instant::now() < started + pace * rounds {
            continue;
        }
        rounds += 1;
        round += 1;
        let number = CARDS[round % CARDS.len()];
        let card = format!(
            r#"{{"number":"{number}","expiry":"12/30","cvc":"{}","zip":"94107","name":"Load Customer"}}"#,
            if number.starts_with("37") {
                "1234"
            } else {
                "123"
            }
        );
        let Some((status, token)) = call(&mut seen, "tokenize", "/gateway/v1/tokens", &card) else {
            break;
        };
        if status == 200 {
            let token = string_after(&token, "\"token\":\"");
            let body = format!(
                "token={token}&make_primary={}&nickname=",
                round.is_multiple_of(3)
            );
            let Some(_) = call(&mut seen, "add", "/api/payment-methods/add", &body) else {
                break;
            };
        }
        let mut cards = cards(&list);
        if let Some((id, _)) = cards.iter().find(|(_, primary)| !primary).copied() {
            let body = format!("id={id}");
            let Some((status, _)) = call(
                &mut seen,
                "set primary",
                "/api/payment-methods/set-primary",
                &body,
            ) else {
                break;
            };
            if status == 200 {
                for card in &mut cards {
                    card.1 = card.0 == id;
                }
            }
        }
        if let Some((id, _)) = cards.iter().find(|(_, primary)| *primary).copied() {
            let key = format!("mixed-{n:05}-{round:06}");
            let body = format!(
                "invoice_id={}&payment_method_id={id}&amount=1.00&idempotency_key={key}",
                c.invoice
            );
            // In one round of six the same payment goes twice at once, in another again after.
            let (first, twin) = std::thread::scope(|scope| {
                let twin = (round % 6 == 3).then(|| {
                    scope.spawn(|| {
                        let began = Instant::now();
                        let answer = post(addr, "/api/invoices/pay", &c.cookie, &c.ip, &body);
                        (answer.unwrap_or((0, String::new())), began.elapsed())
                    })
                });
                let first = call(&mut seen, "pay", "/api/invoices/pay", &body);
                (first, twin.and_then(|t| t.join().ok()))
            });
            let Some(first) = first else { break };
            let again = match (twin, round % 6) {
                (Some((answer, took)), _) => {
                    let (kind, status) = ("pay at once", answer.0);
                    seen.samples.push(Sample { kind, status, took });
                    Some(answer)
                }
                (None, 0) => call(&mut seen, "pay again", "/api/invoices/pay", &body),
                _ => None,
            };
            let statuses: Vec<u16> = [Some(&first), again.as_ref()]
                .iter()
                .flatten()
                .map(|a| a.0)
                .collect();
            if statuses.contains(&200) {
                seen.approved += 1;
            } else if statuses.contains(&0) {
                seen.unknown += 1;
            }
            // "In progress" (409) or over the limit (429) are fair; otherwise the same answer.
            let at_once = round % 6 == 3;
            let fair = |s: u16| s == 0 || s == 429 || (at_once && s == 409);
            if let Some(again) = &again
                && !fair(again.0)
                && !fair(first.0)
                && (again.0 != first.0 || payment_id(again) != payment_id(&first))
            {
                seen.mismatches.push(format!(
                    "key {key}: first {} {}, again {} {}",
                    first.0, first.1, again.0, again.1
                ));
            }
        }
        if cards.len() >= 3 {
            let id = cards[round % cards.len()].0;
            let Some(_) = call(
                &mut seen,
                "delete",
                "/api/payment-methods/delete",
                &format!("id={id}"),
            ) else {
                break;
            };
        }
    }
    seen
}
