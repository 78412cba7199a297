//! `cargo xtask bench`: the card page and Set as Primary against baselines in the same binary
//! (`server/src/bench.rs`, the `bench` feature), on SQLite and PostgreSQL, with the server kept
//! on one CPU and this load on the other. Prints requests/s, p50 and p99 of each, then PASS or
//! FAIL for issue 14's three goals. `--smoke` runs a few requests of each and judges nothing.

mod measure;

use crate::load::{
    Backend, Server,
    mixed::{
        report::{cards, string_after},
        setup::{Customer, customers, post},
    },
};
use crate::process::{cmd, run, workspace_root};
use measure::{Figures, drive, get};
use std::{net::SocketAddr, path::PathBuf};

const USAGE: &str = "\
usage: cargo xtask bench [--smoke] [--backend sqlite|postgres|both]

Builds target/release/porchlight-bench (the server with the `bench` feature) and measures, on a
fresh database per backend, with the server on CPU 0 and the load on CPU 1 (taskset):
  card page      a customer with 20 cards loads /payment-methods, 16 clients, 2,000 loads,
                 against (a) the same page's bytes served fixed and (b) a bare route running
                 the page's store queries and writing the HTML by hand
  set primary    32 clients, each its own customer with 3 cards, make another card primary 50
                 times, against (c) a bare route running the store's set-primary transaction
  under sign-ins the card page (4 clients, 400 loads) while 64 clients send wrong passwords
PASS/FAIL: card page >= 0.5x (b) in requests/s; set primary 0 errors, exactly one primary per
customer after, p99 <= 1.5x (c); card page p99 under sign-ins <= 2x its p99 alone.
--smoke: a few requests of each (for `cargo xtask test`), figures printed, nothing judged.";

/// How much of each load to send.
#[derive(Clone, Copy)]
struct Size {
    page_loads: usize,
    set_primary_each: usize,
    loaded_page_loads: usize,
}

const FULL: Size = Size {
    page_loads: 2_000,
    set_primary_each: 50,
    loaded_page_loads: 400,
};
const SMOKE: Size = Size {
    page_loads: 40,
    set_primary_each: 2,
    loaded_page_loads: 8,
};
const PAGE_CLIENTS: usize = 16;
const SET_PRIMARY_CLIENTS: usize = 32;
const SIGN_IN_CLIENTS: usize = 64;
const LOADED_PAGE_CLIENTS: usize = 4;
/// Cards of the card page's customer.
const PAGE_CARDS: usize = 20;
/// Set by the re-run of this command under `taskset`.
const PINNED: &str = "PORCHLIGHT_BENCH_PINNED";

/// Parses the options, builds the bench binary and benches each backend.
pub fn run_cli(args: &[String]) -> Result<(), String> {
    let mut smoke = false;
    let mut backends = vec![Backend::Sqlite, Backend::Postgres];
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--backend" => {
                backends = match rest.next().map(String::as_str) {
                    Some("sqlite") => vec![Backend::Sqlite],
                    Some("postgres") => vec![Backend::Postgres],
                    Some("both") => vec![Backend::Sqlite, Backend::Postgres],
                    _ => return Err(USAGE.into()),
                }
            }
            _ => return Err(USAGE.into()),
        }
    }
    if std::env::var_os(PINNED).is_none() {
        let binary = build()?;
        // The load runs on CPU 1: this command again, under taskset, with the binary built.
        let me = std::env::current_exe().map_err(|e| format!("finding xtask itself: {e}"))?;
        let mut again = cmd("taskset", &["-c", "1"]);
        again.arg(me).arg("bench").args(args).env(PINNED, binary);
        return run(&mut again);
    }
    let binary = PathBuf::from(std::env::var_os(PINNED).unwrap_or_default());
    let size = if smoke { SMOKE } else { FULL };
    let mut failed = Vec::new();
    for backend in backends {
        let verdicts = bench(&binary, backend, size)?;
        for (goal, pass, detail) in verdicts {
            let verdict = match (smoke, pass) {
                (true, _) => "(smoke)",
                (false, true) => "PASS",
                (false, false) => "FAIL",
            };
            eprintln!("{verdict} {} {goal}: {detail}", backend.name());
            if !smoke && !pass {
                failed.push(format!("{} {goal}", backend.name()));
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("missed: {}", failed.join("; ")))
    }
}

/// `cargo build --release` of the server with the `bench` feature, as its own binary.
fn build() -> Result<PathBuf, String> {
    let root = workspace_root();
    run(cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "server",
            "--bin",
            "porchlight-bench",
            "--no-default-features",
            "--features",
            "bench",
        ],
    )
    .current_dir(&root))?;
    Ok(root.join("target/release/porchlight-bench"))
}

/// One goal's verdict: name, met, figures.
type Verdict = (&'static str, bool, String);

/// Every load on one backend; the three verdicts.
fn bench(binary: &std::path::Path, backend: Backend, size: Size) -> Result<Vec<Verdict>, String> {
    let server = Server::start_on_cpu(binary, backend, 0)?;
    let addr = server.addr;
    let people = customers(&server, 1 + SET_PRIMARY_CLIENTS)?;
    let (page_customer, others) = people.split_first().ok_or("no customers were made")?;
    add_cards(addr, page_customer, PAGE_CARDS)?;
    for c in others {
        add_cards(addr, c, 3)?;
    }
    let cookie = page_customer.cookie.as_str();
    let ip = page_customer.ip.as_str();
    let page = get(addr, "/payment-methods", cookie, ip)?;
    if !page.contains("Saved Payment Methods") {
        return Err("the card page did not render for the bench customer".into());
    }
    store_fixed(addr, &page)?;

    let pages = |path: &'static str, clients: usize, loads: usize| {
        drive(clients, loads, |_, _| get(addr, path, cookie, ip).map(drop))
    };
    let fixed = pages("/bench/fixed", PAGE_CLIENTS, size.page_loads);
    let bare = pages("/bench/cards-page", PAGE_CLIENTS, size.page_loads);
    let real = pages("/payment-methods", PAGE_CLIENTS, size.page_loads);
    report(backend, "(a) fixed bytes", &fixed);
    report(backend, "(b) bare card page", &bare);
    report(backend, "card page", &real);

    let bare_primary = set_primary_load(addr, others, "/bench/set-primary", size);
    let real_primary = set_primary_load(addr, others, "/api/payment-methods/set-primary", size);
    report(backend, "(c) bare set primary", &bare_primary);
    report(backend, "set primary", &real_primary);
    let wrong_primaries = one_primary_each(addr, others)?;

    let alone = pages(
        "/payment-methods",
        LOADED_PAGE_CLIENTS,
        size.loaded_page_loads,
    );
    let under = measure::while_running(
        SIGN_IN_CLIENTS,
        |n| wrong_sign_in(addr, n),
        || {
            pages(
                "/payment-methods",
                LOADED_PAGE_CLIENTS,
                size.loaded_page_loads,
            )
        },
    );
    report(backend, "card page alone", &alone);
    report(backend, "card page under sign-ins", &under.0);
    eprintln!(
        "  {}: {} wrong-password sign-ins sent meanwhile",
        backend.name(),
        under.1
    );

    Ok(vec![
        (
            "card page >= 0.5x (b) requests/s",
            real.errors == 0 && real.per_sec() >= 0.5 * bare.per_sec(),
            format!(
                "{:.0}/s vs {:.0}/s ({:.2}x), errors {}",
                real.per_sec(),
                bare.per_sec(),
                real.per_sec() / bare.per_sec().max(f64::MIN_POSITIVE),
                real.errors
            ),
        ),
        (
            "set primary p99 <= 1.5x (c), 0 errors, one primary each",
            real_primary.errors == 0
                && wrong_primaries == 0
                && real_primary.p99_ms() <= 1.5 * bare_primary.p99_ms(),
            format!(
                "p99 {:.1} ms vs {:.1} ms, errors {}, customers without exactly one primary {}",
                real_primary.p99_ms(),
                bare_primary.p99_ms(),
                real_primary.errors,
                wrong_primaries
            ),
        ),
        (
            "card page p99 under 64 wrong sign-ins <= 2x alone",
            under.0.errors == 0 && under.0.p99_ms() <= 2.0 * alone.p99_ms(),
            format!(
                "p99 {:.1} ms vs {:.1} ms alone, errors {}",
                under.0.p99_ms(),
                alone.p99_ms(),
                under.0.errors
            ),
        ),
    ])
}

/// Hands the server `page` for `GET /bench/fixed`, in pieces under its request-body limit.
fn store_fixed(addr: SocketAddr, page: &str) -> Result<(), String> {
    const PIECE: usize = 32 * 1024;
    let mut rest = page;
    let mut method = "PUT";
    while !rest.is_empty() || method == "PUT" {
        let mut cut = rest.len().min(PIECE);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, after) = rest.split_at(cut);
        let answer = crate::load::http::request(
            addr,
            method,
            "/bench/fixed",
            &[("Content-Type", "text/html")],
            piece,
            std::time::Duration::from_secs(10),
        )
        .map_err(|e| format!("storing the fixed page: {e:?}"))?;
        if answer.status != 204 {
            return Err(format!("{method} /bench/fixed answered {}", answer.status));
        }
        (rest, method) = (after, "POST");
    }
    Ok(())
}

fn report(backend: Backend, name: &str, f: &Figures) {
    eprintln!("  {:<10} {name:<26} {}", backend.name(), f.line());
}

/// Saves `count` different Visa numbers for `c` (the sandbox saves any number that passes the
/// Luhn check; the same number twice is refused as already saved). The first becomes primary.
fn add_cards(addr: SocketAddr, c: &Customer, count: usize) -> Result<(), String> {
    for i in 0..count {
        let setup = match post(addr, "/api/payment-methods/setup", &c.cookie, &c.ip, "")? {
            (200, answer) => answer,
            (status, answer) => {
                return Err(format!(
                    "beginning a card setup answered {status}: {answer}"
                ));
            }
        };
        let setup_id = string_after(&setup, "\"id\":\"");
        let card = format!(
            r#"{{"client_secret":"{}","number":"{}","expiry":"12/{}","cvc":"123","zip":"94107","name":"Bench Customer"}}"#,
            string_after(&setup, "\"client_secret\":\""),
            visa_number(i),
            30 + i % 9
        );
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Forwarded-For", c.ip.as_str()),
        ];
        let confirmed = crate::load::http::request(
            addr,
            "POST",
            &format!("/gateway/v1/setup_intents/{setup_id}/confirm"),
            &headers,
            &card,
            std::time::Duration::from_secs(30),
        )
        .map_err(|e| format!("confirming a card setup: {e:?}"))?;
        if confirmed.status != 200 {
            return Err(format!(
                "confirming a card setup answered {}",
                confirmed.status
            ));
        }
        // The customer agrees to the card-on-file terms the setup's answer showed.
        let terms = string_after(&setup, "\"version\":");
        let body = format!(
            "setup_intent={setup_id}&make_primary=false&nickname=Card+{i}&agreed_terms={terms}"
        );
        match post(addr, "/api/payment-methods/add", &c.cookie, &c.ip, &body)? {
            (200, _) => {}
            (status, answer) => return Err(format!("adding a card answered {status}: {answer}")),
        }
    }
    Ok(())
}

/// The `n`th of a run of 16-digit Visa numbers that pass the Luhn check.
fn visa_number(n: usize) -> String {
    let body = format!("424242424242{:03}", n % 1000);
    // Luhn: from the right of the full number, every second digit (starting with the one left of
    // the check digit) is doubled.
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| match (i % 2 == 0, d * 2) {
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
            (false, _) => d,
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Every customer in `others` makes each of their cards primary in turn, at once.
fn set_primary_load(addr: SocketAddr, others: &[Customer], path: &str, size: Size) -> Figures {
    let lists: Vec<Vec<u64>> = others
        .iter()
        .map(|c| {
            post(addr, "/api/payment-methods", &c.cookie, &c.ip, "")
                .map(|(_, json)| cards(&json).into_iter().map(|c| c.id).collect())
                .unwrap_or_default()
        })
        .collect();
    drive(
        others.len(),
        others.len() * size.set_primary_each,
        |n, i| {
            let c = &others[n];
            let ids = &lists[n];
            let id = ids
                .get((i + 1) % ids.len().max(1))
                .ok_or("a customer without cards")?;
            match post(addr, path, &c.cookie, &c.ip, &format!("id={id}"))? {
                (200, _) => Ok(()),
                (status, body) => Err(format!("{path} answered {status}: {body}")),
            }
        },
    )
}

/// How many of `others` do not have exactly one primary card.
fn one_primary_each(addr: SocketAddr, others: &[Customer]) -> Result<usize, String> {
    let mut wrong = 0;
    for c in others {
        let (_, json) = post(addr, "/api/payment-methods", &c.cookie, &c.ip, "")?;
        if cards(&json).iter().filter(|c| c.primary).count() != 1 {
            wrong += 1;
        }
    }
    Ok(wrong)
}

/// One wrong-password sign-in by client `n`, from an address of its own.
fn wrong_sign_in(addr: SocketAddr, n: usize) -> bool {
    let body = format!("email=bench-{n}%40example.com&password=not-the-password-{n}&next=%2F");
    let ip = format!("10.99.{}.{}", n / 250, n % 250 + 1);
    post(addr, "/api/login", "", &ip, &body).is_ok()
}

#[cfg(test)]
mod tests {
    use super::visa_number;

    #[test]
    fn bench_card_numbers_pass_the_luhn_check_and_differ() {
        // 4242 4242 4242 4242 is the first of the run.
        assert_eq!(visa_number(424), "4242424242424242");
        assert_ne!(visa_number(0), visa_number(1));
        assert_eq!(visa_number(0).len(), 16);
    }
}
