//! `cargo xtask load`: signed-in page loads against the release build, on SQLite and PostgreSQL,
//! while busy loops keep every core busy. Fails on any load that misses its deadline or answers
//! anything but 200.

pub mod crash;
pub mod http;
pub mod mixed;
mod pressure;
mod server;

pub use pressure::spin;
pub use server::{Backend, Server, Who};

use pressure::{Busy, FLOOD_SIGN_INS, flood};

use http::{Failure, request};
use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

const USAGE: &str = "\
usage: cargo xtask load [--backend sqlite|postgres|both] [--runs N] [--deadline-secs S] [--busy N]
                        [--flood]
       cargo xtask load --mixed [--clients N] [--secs S] [--max-requests N]
                        [--backend sqlite|postgres|both] [--instances N] [--crashes N]

Runs two loads against target/release/porchlight (build it with `cargo leptos build --release`)
on a fresh database with the demo data, each on every chosen backend, --runs times:
  one session  16 clients sharing one signed-in session load /payment-methods 400 times
  mixed        32 clients on 8 sessions load /, /payment-methods, /account, /invoices/ID and
               /login in turn, 3,000 loads
  office       16 clients on 4 sessions of the demo admin load the customer list, a customer
               record, Online Payments, Staff and Call Booking in turn, 800 loads
while --busy processes (default 2) spin on the CPU. Every load must answer 200 within
--deadline-secs (default 5). Defaults: --backend both --runs 1.
--flood then sends 20,000 junk sign-ins and prints the one-session load's p50 before and after.
--mixed runs the write load instead: --clients customers (default 200), each made through the
office and an accepted invitation, list, add, make primary and delete cards and pay $1.00 for
--secs (default 60) or until --max-requests (default 1,000,000); fails on any 5xx, unexpected
4xx or broken data rule, or a repeated idempotency key that answers differently.
--instances N (PostgreSQL only) starts N servers on the one database and spreads the clients
over them (each client keeps to one; sessions are made on the first).
--crashes N kills the (first) server with SIGKILL N times, evenly spread over the run, and starts
it again on the same database; requests that lose their answer to a kill are counted as cut, not
as errors, and every card write and payment acknowledged before a kill must be there afterwards.";

/// One load to run.
struct Scenario {
    name: &'static str,
    clients: usize,
    sessions: usize,
    who: Who,
    loads: usize,
    /// Paths in the order each client cycles through them; `{invoice}` is the demo invoice and
    /// `{record}` a customer record.
    paths: &'static [&'static str],
}

const SCENARIOS: [Scenario; 3] = [
    Scenario {
        name: "one session",
        clients: 16,
        sessions: 1,
        who: Who::Customer,
        loads: 400,
        paths: &["/payment-methods"],
    },
    Scenario {
        name: "mixed",
        clients: 32,
        sessions: 8,
        who: Who::Customer,
        loads: 3_000,
        paths: &["/", "/payment-methods", "/account", "{invoice}", "/login"],
    },
    Scenario {
        name: "office",
        clients: 16,
        sessions: 4,
        who: Who::Admin,
        loads: 800,
        paths: &[
            "/office/customers",
            "{record}",
            "/office/settings/online-payments",
            "/office/staff",
            "/office/call-booking",
        ],
    },
];

/// Command-line choices.
pub struct Options {
    backends: Vec<Backend>,
    runs: usize,
    deadline: Duration,
    busy: usize,
    flood: bool,
    mixed: Option<mixed::Size>,
}

impl Options {
    /// Parses `cargo xtask load` arguments.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            backends: vec![Backend::Sqlite, Backend::Postgres],
            runs: 1,
            deadline: Duration::from_secs(5),
            busy: 2,
            flood: false,
            mixed: None,
        };
        let mut size = mixed::Size {
            clients: 200,
            secs: 60,
            max_requests: 1_000_000,
            instances: 1,
            crashes: 0,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let mut value = || {
                args.next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
            };
            let number = |v: &String| {
                v.parse::<usize>()
                    .map_err(|_| format!("{flag}: not a number: {v}"))
            };
            match flag.as_str() {
                "--backend" => {
                    options.backends = match value()?.as_str() {
                        "sqlite" => vec![Backend::Sqlite],
                        "postgres" => vec![Backend::Postgres],
                        "both" => vec![Backend::Sqlite, Backend::Postgres],
                        other => return Err(format!("--backend: unknown backend {other}")),
                    }
                }
                "--runs" => options.runs = number(value()?)?.max(1),
                "--deadline-secs" => {
                    options.deadline = Duration::from_secs(number(value()?)?.max(1) as u64);
                }
                "--busy" => options.busy = number(value()?)?,
                "--flood" => options.flood = true,
                "--mixed" => options.mixed = Some(size),
                "--clients" => size.clients = number(value()?)?.max(1),
                "--secs" => size.secs = number(value()?)?.max(1) as u64,
                "--max-requests" => size.max_requests = number(value()?)?.max(1),
                "--instances" => size.instances = number(value()?)?.max(1),
                "--crashes" => size.crashes = number(value()?)?,
                _ => return Err(USAGE.to_owned()),
            }
        }
        if options.mixed.is_some() {
            options.mixed = Some(size);
        }
        Ok(options)
    }
}

/// Runs every scenario on every backend; returns how many passed, or names the ones that failed.
pub fn run(options: &Options) -> Result<usize, String> {
    let binary = crate::process::workspace_root().join("target/release/porchlight");
    if !binary.exists() {
        return Err(format!(
            "{} is missing: build it first with `cargo leptos build --release`",
            binary.display()
        ));
    }
    if let Some(size) = options.mixed {
        return mixed::run_all(&binary, &options.backends, size);
    }
    let _busy = Busy::start(options.busy)?;
    let mut failures = Vec::new();
    let mut passed = 0;
    for backend in &options.backends {
        let server = Server::start(&binary, *backend)?;
        let places = Places {
            invoice: server.demo_invoice_path()?,
            record: server.demo_record_path()?,
        };
        let failed_before = failures.len();
        for run in 1..=options.runs {
            for scenario in &SCENARIOS {
                let sessions = (0..scenario.sessions)
                    .map(|_| server.sign_in(scenario.who))
                    .collect::<Result<Vec<_>, _>>()?;
                let report = drive(server.addr, scenario, &sessions, &places, options.deadline);
                eprintln!(
                    "{:<10} run {run}/{} {:<12} {}",
                    backend.name(),
                    options.runs,
                    scenario.name,
                    report.summary()
                );
                if report.passed() {
                    passed += 1;
                } else {
                    failures.push(format!("{} {} run {run}", backend.name(), scenario.name));
                }
            }
        }
        if options.flood {
            let sessions = vec![server.sign_in(Who::Customer)?];
            let before = drive(
                server.addr,
                &SCENARIOS[0],
                &sessions,
                &places,
                options.deadline,
            );
            let refused = flood(server.addr, FLOOD_SIGN_INS, options.deadline);
            let after = drive(
                server.addr,
                &SCENARIOS[0],
                &sessions,
                &places,
                options.deadline,
            );
            let (b, a) = (before.percentile(50), after.percentile(50));
            eprintln!(
                "{:<10} flood of {FLOOD_SIGN_INS} junk sign-ins ({refused} refused as over the limit): \
                 card page p50 {b} ms before, {a} ms after ({:.2}×)",
                backend.name(),
                a as f64 / b.max(1) as f64
            );
        }
        if failures.len() > failed_before {
            eprintln!("kept for a look: {}", server.log.display());
            server.keep();
        }
    }
    if failures.is_empty() {
        Ok(passed)
    } else {
        Err(format!("loads failed: {}", failures.join(", ")))
    }
}

/// Paths found in the demo data.
struct Places {
    invoice: String,
    record: String,
}

/// What one load measured.
#[derive(Default)]
struct Report {
    elapsed: Duration,
    latencies: Vec<Duration>,
    by_status: BTreeMap<u16, usize>,
    missed_deadline: BTreeMap<&'static str, usize>,
    io_errors: Vec<String>,
}

impl Report {
    fn passed(&self) -> bool {
        self.missed_deadline.is_empty()
            && self.io_errors.is_empty()
            && self.by_status.keys().all(|s| *s == 200)
    }

    /// The `p`th percentile latency in milliseconds (0 without answers).
    fn percentile(&self, p: usize) -> u128 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted
            .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
            .map_or(0, Duration::as_millis)
    }

    fn summary(&self) -> String {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let pct = |p: usize| self.percentile(p);
        let missed: usize = self.missed_deadline.values().sum();
        let total = self.latencies.len() + missed + self.io_errors.len();
        let statuses = self
            .by_status
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let mut line = format!(
            "{total} loads in {:.1} s ({:.0}/s): {statuses}; missed deadline {}; p50 {} ms, p99 {} ms, max {} ms",
            self.elapsed.as_secs_f64(),
            total as f64 / self.elapsed.as_secs_f64().max(0.001),
            if missed == 0 {
                "0".to_owned()
            } else {
                let phases = self.missed_deadline.iter().map(|(p, n)| format!("{n} {p}"));
                format!("{missed} ({})", phases.collect::<Vec<_>>().join(", "))
            },
            pct(50),
            pct(99),
            sorted.last().map_or(0, Duration::as_millis),
        );
        if let Some(first) = self.io_errors.first() {
            line.push_str(&format!(
                "; {} connection errors, first: {first}",
                self.io_errors.len()
            ));
        }
        line
    }
}

/// Runs one scenario: `clients` threads share `loads` page loads.
fn drive(
    addr: SocketAddr,
    scenario: &Scenario,
    sessions: &[String],
    places: &Places,
    deadline: Duration,
) -> Report {
    let next = Arc::new(AtomicUsize::new(0));
    let report = Arc::new(Mutex::new(Report::default()));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for client in 0..scenario.clients {
            let (next, report) = (Arc::clone(&next), Arc::clone(&report));
            let cookie = sessions[client % sessions.len()].clone();
            scope.spawn(move || {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= scenario.loads {
                        break;
                    }
                    let path = scenario.paths[n % scenario.paths.len()]
                        .replace("{invoice}", &places.invoice)
                        .replace("{record}", &places.record);
                    let headers = [("Accept", "text/html"), ("Cookie", cookie.as_str())];
                    let began = Instant::now();
                    let answer = request(addr, "GET", &path, &headers, "", deadline);
                    let took = began.elapsed();
                    let mut r = report.lock().unwrap_or_else(|p| p.into_inner());
                    match answer {
                        Ok(a) if a.status == 200 && !a.body.contains("</html>") => {
                            r.io_errors.push(format!("{path}: a page without its end"));
                        }
                        Ok(a) => {
                            r.latencies.push(took);
                            *r.by_status.entry(a.status).or_default() += 1;
                        }
                        Err(Failure::Deadline(phase)) => {
                            *r.missed_deadline.entry(phase).or_default() += 1;
                        }
                        Err(Failure::Io(e)) => r.io_errors.push(format!("{path}: {e}")),
                    }
                }
            });
        }
    });
    let mut report = std::mem::take(&mut *report.lock().unwrap_or_else(|p| p.into_inner()));
    report.elapsed = started.elapsed();
    report
}
