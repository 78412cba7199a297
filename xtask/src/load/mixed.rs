//! The mixed write load (issue 16): many customers, each with its own session and address, list,
//! add, make primary and delete cards and pay $1.00 of an open invoice, sometimes sending a
//! payment again under the same idempotency key. No 5xx is allowed, every data rule must hold
//! afterwards, a repeated key must answer the same payment, and each invoice must hold exactly
//! the payments that were approved. Every card write a client saw acknowledged must show in its
//! card list at the end. With `crashes`, the server is killed with SIGKILL and restarted that many
//! times during the run, and all of this must still hold.

pub mod ledger;
pub mod outage;
pub mod report;
pub mod setup;

use super::crash::number_after;
use super::http::request;
use super::{Backend, Server};
use ledger::Ledger;
use outage::Outage;
use report::{Card, Sample, cards, payment_id, string_after, table};
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
    /// Times the (first) server is killed with SIGKILL and restarted during the run.
    pub crashes: usize,
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
    /// The card writes it saw acknowledged.
    ledger: Ledger,
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
    let mut server = Server::start_trusting_localhost_proxy(binary, backend)?;
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
    let outage = Outage::default();
    let (seen, outages): (Vec<Seen>, _) = std::thread::scope(|scope| {
        let killer =
            scope.spawn(|| outage.kill_repeatedly(&mut server, size.crashes, started, until));
        let handles: Vec<_> = customers
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let (sent, outage) = (&sent, &outage);
                let addr = addrs[n % addrs.len()];
                let limits = Limits {
                    until,
                    sent,
                    cap: size.max_requests,
                    outage,
                };
                scope.spawn(move || client(addr, n, c, &limits))
            })
            .collect();
        let seen = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect();
        let outages = killer
            .join()
            .unwrap_or_else(|_| Err("the killing thread panicked".to_owned()));
        (seen, outages)
    });
    let elapsed = started.elapsed();
    let outages = outages?;
    let mut problems = Vec::new();
    for (n, (c, s)) in customers.iter().zip(&seen).enumerate() {
        problems.extend(s.mismatches.iter().cloned());
        let (status, list) = post(server.addr, "/api/payment-methods", &c.cookie, &c.ip, "")?;
        if status != 200 {
            problems.push(format!("customer {n}: the card list answered {status}"));
        }
        problems.extend(
            s.ledger
                .contradictions(&cards(&list))
                .into_iter()
                .map(|p| format!("customer {n}: {p}")),
        );
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
    let errors = samples.iter().filter(|s| s.failed()).count();
    let cut = samples.iter().filter(|s| s.cut).count();
    let approved: u64 = seen.iter().map(|s| s.approved).sum();
    let acknowledged: u64 = seen.iter().map(|s| s.ledger.acknowledged).sum();
    let crashes = if outages.is_empty() {
        String::new()
    } else {
        let ms: Vec<String> = outages
            .iter()
            .map(|d| format!("{} ms", d.as_millis()))
            .collect();
        format!(
            "; {} SIGKILL(s) and restarts (down {}), {cut} requests cut",
            outages.len(),
            ms.join(", ")
        )
    };
    let mut report = format!(
        "{} mixed: {} clients on {} server(s), {} requests in {:.1} s ({:.0}/s), {approved} \
         payments approved, {acknowledged} card writes acknowledged{crashes}; errors {errors}; \
         data rules {}; acknowledged writes present, invoices match approved payments and \
         repeated keys their first answer: {}\n{}",
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

/// When every client stops, and the crashes they share.
#[derive(Clone, Copy)]
struct Limits<'a> {
    /// The end of the run.
    until: Instant,
    /// Requests sent by all clients together.
    sent: &'a AtomicUsize,
    /// Requests at most, over all clients.
    cap: usize,
    outage: &'a Outage,
}

/// One client's loop until the run's end or until all clients together sent `cap` requests.
fn client(addr: SocketAddr, n: usize, c: &Customer, limits: &Limits) -> Seen {
    let Limits {
        until,
        sent,
        cap,
        outage,
    } = *limits;
    let mut seen = Seen::default();
    let call =
        |seen: &mut Seen, kind: &'static str, path: &str, body: &str| -> Option<(u16, String)> {
            if Instant::now() >= until || sent.fetch_add(1, Ordering::Relaxed) >= cap {
                return None;
            }
            let paying = kind.starts_with("pay").then(|| outage.paying());
            let epoch = outage.epoch();
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
            let took = began.elapsed();
            drop(paying);
            let cut = status == 0 && outage.excuses(epoch);
            seen.samples.push(Sample {
                kind,
                status,
                took,
                cut,
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
        let Some((status, setup)) = call(&mut seen, "setup", "/api/payment-methods/setup", "")
        else {
            break;
        };
        let (setup_id, secret) = (
            string_after(&setup, "\"id\":\""),
            string_after(&setup, "\"client_secret\":\""),
        );
        let card = format!(
            r#"{{"client_secret":"{secret}","number":"{number}","expiry":"12/30","cvc":"{}","zip":"94107","name":"Load Customer"}}"#,
            if number.starts_with("37") {
                "1234"
            } else {
                "123"
            }
        );
        let confirm = format!("/gateway/v1/setup_intents/{setup_id}/confirm");
        let confirmed = if status == 200 {
            call(&mut seen, "tokenize", &confirm, &card)
        } else {
            Some((status, String::new()))
        };
        let Some((status, _)) = confirmed else {
            break;
        };
        if status == 200 {
            let make_primary = round.is_multiple_of(3);
            // Agreeing to the card-on-file terms the setup's answer showed.
            let terms = string_after(&setup, "\"version\":");
            let body = format!(
                "setup_intent={setup_id}&make_primary={make_primary}&nickname=&agreed_terms={terms}"
            );
            let Some((status, _)) = call(&mut seen, "add", "/api/payment-methods/add", &body)
            else {
                break;
            };
            seen.ledger
                .added(&number[number.len() - 4..], status, make_primary);
        }
        let mut cards = cards(&list);
        if let Some(Card { id, last4, .. }) = cards.iter().find(|c| !c.primary).cloned() {
            let body = format!("id={id}");
            let Some((status, _)) = call(
                &mut seen,
                "set primary",
                "/api/payment-methods/set-primary",
                &body,
            ) else {
                break;
            };
            seen.ledger.made_primary(&last4, status);
            if status == 200 {
                for card in &mut cards {
                    card.primary = card.id == id;
                }
            }
        }
        if let Some(id) = cards.iter().find(|c| c.primary).map(|c| c.id) {
            let key = format!("mixed-{n:05}-{round:06}");
            let body = format!(
                "invoice_id={}&payment_method_id={id}&amount=1.00&idempotency_key={key}",
                c.invoice
            );
            // In one round of six the same payment goes twice at once, in another again after.
            let (first, twin) = std::thread::scope(|scope| {
                let twin = (round % 6 == 3).then(|| {
                    scope.spawn(|| {
                        let paying = outage.paying();
                        let (epoch, began) = (outage.epoch(), Instant::now());
                        let answer = post(addr, "/api/invoices/pay", &c.cookie, &c.ip, &body);
                        let answer = answer.unwrap_or((0, String::new()));
                        let took = began.elapsed();
                        drop(paying);
                        (answer.clone(), took, answer.0 == 0 && outage.excuses(epoch))
                    })
                });
                let first = call(&mut seen, "pay", "/api/invoices/pay", &body);
                (first, twin.and_then(|t| t.join().ok()))
            });
            let Some(first) = first else { break };
            let again = match (twin, round % 6) {
                (Some((answer, took, cut)), _) => {
                    let (kind, status) = ("pay at once", answer.0);
                    seen.samples.push(Sample {
                        kind,
                        status,
                        took,
                        cut,
                    });
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
            let Card { id, last4, .. } = cards[round % cards.len()].clone();
            let Some((status, _)) = call(
                &mut seen,
                "delete",
                "/api/payment-methods/delete",
                &format!("id={id}"),
            ) else {
                break;
            };
            seen.ledger.deleted(&last4, status);
        }
    }
    seen
}
