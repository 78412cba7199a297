//! Runs one load (clients × requests) and sums it up: requests/s, p50, p99, errors.

use crate::load::http::request;
use std::{
    net::SocketAddr,
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    time::{Duration, Instant},
};

/// What one load measured.
pub struct Figures {
    /// Every answered request's time, sorted.
    took: Vec<Duration>,
    /// Requests that failed or answered anything but success.
    pub errors: usize,
    /// From the first request to the last answer.
    wall: Duration,
    /// The first failure's description, for the report.
    first_error: Option<String>,
}

impl Figures {
    /// Requests per second (all requests, failed ones included).
    pub fn per_sec(&self) -> f64 {
        let n = self.took.len() + self.errors;
        n as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn percentile_ms(&self, p: usize) -> f64 {
        if self.took.is_empty() {
            return f64::INFINITY;
        }
        let i = (self.took.len() * p / 100).min(self.took.len() - 1);
        self.took[i].as_secs_f64() * 1000.0
    }

    /// The median answer time in milliseconds.
    pub fn p50_ms(&self) -> f64 {
        self.percentile_ms(50)
    }

    /// The 99th percentile answer time in milliseconds.
    pub fn p99_ms(&self) -> f64 {
        self.percentile_ms(99)
    }

    /// One printed line.
    pub fn line(&self) -> String {
        let first = self
            .first_error
            .as_deref()
            .map(|e| format!("  first error: {e}"))
            .unwrap_or_default();
        format!(
            "{:>6} requests {:>8.1}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  errors {}{first}",
            self.took.len() + self.errors,
            self.per_sec(),
            self.p50_ms(),
            self.p99_ms(),
            self.errors
        )
    }
}

/// `clients` threads share `total` requests, each calling `one(client, its nth request)`.
pub fn drive(
    clients: usize,
    total: usize,
    one: impl Fn(usize, usize) -> Result<(), String> + Sync,
) -> Figures {
    let each = total.div_ceil(clients.max(1));
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|n| {
                let one = &one;
                scope.spawn(move || {
                    let (mut took, mut errors) = (Vec::new(), Vec::new());
                    for i in 0..each {
                        let began = Instant::now();
                        match one(n, i) {
                            Ok(()) => took.push(began.elapsed()),
                            Err(e) => errors.push(e),
                        }
                    }
                    (took, errors)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| (Vec::new(), vec!["a client thread panicked".into()]))
            })
            .collect()
    });
    let wall = started.elapsed();
    let mut took: Vec<Duration> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
    took.sort_unstable();
    let mut errors = results.into_iter().flat_map(|r| r.1);
    let first_error = errors.next();
    Figures {
        took,
        errors: usize::from(first_error.is_some()) + errors.count(),
        wall,
        first_error,
    }
}

/// Runs `load` while `clients` threads call `background(client)` over and over; its figures and
/// how many background calls were made.
pub fn while_running<T: Send>(
    clients: usize,
    background: impl Fn(usize) -> bool + Sync,
    load: impl FnOnce() -> T + Send,
) -> (T, usize) {
    let stop = AtomicBool::new(false);
    let sent = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for n in 0..clients {
            let (stop, sent, background) = (&stop, &sent, &background);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    background(n);
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // The background load is under way before the measured one starts.
        while sent.load(Ordering::Relaxed) < clients.min(8) {
            std::thread::yield_now();
        }
        let out = load();
        stop.store(true, Ordering::Relaxed);
        (out, sent.load(Ordering::Relaxed))
    })
}

/// A signed-in page load (HTML); its text, or why it failed (anything but 200 fails).
pub fn get(addr: SocketAddr, path: &str, cookie: &str, ip: &str) -> Result<String, String> {
    let headers = [
        ("Accept", "text/html"),
        ("Cookie", cookie),
        ("X-Forwarded-For", ip),
    ];
    match request(addr, "GET", path, &headers, "", Duration::from_secs(30)) {
        Ok(answer) if answer.status == 200 => Ok(answer.text()),
        Ok(answer) => Err(format!("{path} answered {}", answer.status)),
        Err(e) => Err(format!("{path}: {e:?}")),
    }
}
