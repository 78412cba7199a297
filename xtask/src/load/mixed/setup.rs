//! Customer accounts made the way the office and the customers make them: the admin books each
//! customer, bills an open invoice and sends the invitation; each customer accepts it from the
//! email in the outbox, sets a password and signs in.

use super::super::crash::number_after;
use super::super::http::{form_encode, request};
use super::super::{Server, Who};
use std::{
    net::SocketAddr,
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

/// A signed-in customer of the load.
pub struct Customer {
    /// The address the client claims in `X-Forwarded-For`.
    pub ip: String,
    /// The session's `Cookie` header value.
    pub cookie: String,
    /// The open invoice's id.
    pub invoice: String,
    /// The invoice's balance (cents) before the load.
    pub balance: u64,
}

const WAIT: Duration = Duration::from_secs(30);
/// Threads that make accounts at once.
const WORKERS: usize = 8;

/// A form POST to a server function; the status and body.
pub fn post(
    addr: SocketAddr,
    path: &str,
    cookie: &str,
    ip: &str,
    body: &str,
) -> Result<(u16, String), String> {
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "application/json"),
        ("Cookie", cookie),
        ("X-Forwarded-For", ip),
    ];
    request(addr, "POST", path, &headers, body, WAIT)
        .map(|a| (a.status, a.text()))
        .map_err(|e| format!("{path}: {e:?}"))
}

/// Like [`post`], but anything except 200 is an error.
fn post_ok(
    addr: SocketAddr,
    path: &str,
    cookie: &str,
    ip: &str,
    body: &str,
) -> Result<String, String> {
    match post(addr, path, cookie, ip, body)? {
        (200, body) => Ok(body),
        (status, body) => Err(format!("{path} answered {status}: {body}")),
    }
}

/// The address client `n` claims.
pub fn client_ip(n: usize) -> String {
    format!("10.77.{}.{}", n / 250, n % 250 + 1)
}

fn email(n: usize) -> String {
    format!("load-customer-{n:05}@example.com")
}

fn password(n: usize) -> String {
    format!("mixed-load-password-{n:05}")
}

/// Makes `count` customers with portal accounts, each with an open invoice of $500.00.
pub fn customers(server: &Server, count: usize) -> Result<Vec<Customer>, String> {
    let addr = server.addr;
    let admin = server.sign_in(Who::Admin)?;
    let started = Instant::now();
    parallel(count, |n| book(addr, &admin, n))?;
    let tokens = invitation_tokens(&server.outbox(), count)?;
    let customers = parallel(count, |n| sign_up(addr, n, &tokens[n]))?;
    eprintln!(
        "made {count} customer accounts (booked, billed, invited, accepted, signed in) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(customers)
}

/// Runs `job` for 0..count on [`WORKERS`] threads; the results in order, or the first error.
fn parallel<T: Send>(
    count: usize,
    job: impl Fn(usize) -> Result<T, String> + Sync,
) -> Result<Vec<T>, String> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<T, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= count {
                            return done;
                        }
                        done.push((n, job(n)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(n, _)| *n);
    results.into_iter().map(|(_, r)| r).collect()
}

/// The admin books customer `n`, bills an invoice and sends the invitation.
fn book(addr: SocketAddr, admin: &str, n: usize) -> Result<(), String> {
    let ip = "127.0.0.1";
    let body = format!(
        "customer[name]=Load+Customer+{n}&customer[email]={}&customer[phone]=\
         &customer[service_address]=1+Load+Street&customer[kind]=residential",
        form_encode(&email(n))
    );
    let created = post_ok(addr, "/api/office/customers/create", admin, ip, &body)?;
    let id: String = created.chars().filter(char::is_ascii_digit).collect();
    let lines =
        "lines[0][description]=Mixed+load+service&lines[0][quantity]=1&lines[0][price]=500.00";
    let invoice = format!(
        "customer_id={id}&job_id=&due_on=2030-12-31&{}",
        lines.replace('[', "%5B").replace(']', "%5D")
    );
    post_ok(addr, "/api/office/invoices/create", admin, ip, &invoice)?;
    post_ok(
        addr,
        "/api/office/customers/invite",
        admin,
        ip,
        &format!("id={id}"),
    )?;
    Ok(())
}

/// Waits for the invitation of every customer; their tokens in customer order.
fn invitation_tokens(outbox: &std::path::Path, count: usize) -> Result<Vec<String>, String> {
    const MARKER: &str = "/verify?token=";
    let until = Instant::now() + Duration::from_secs(60);
    let mut tokens = vec![String::new(); count];
    loop {
        for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
            // Messages appear whole under `.eml`; anything else is one being written.
            if entry.path().extension().is_none_or(|x| x != "eml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let text = text
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=");
            let (Some(at), Some(link)) = (text.find("load-customer-"), text.find(MARKER)) else {
                continue;
            };
            let digits = &text[at + "load-customer-".len()..];
            if let Ok(n) = digits.get(..5).unwrap_or_default().parse::<usize>()
                && n < count
            {
                tokens[n] = text[link + MARKER.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
            }
        }
        let missing = tokens.iter().filter(|t| t.is_empty()).count();
        if missing == 0 {
            return Ok(tokens);
        }
        if Instant::now() > until {
            return Err(format!(
                "{missing} invitations never reached {}",
                outbox.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Customer `n` accepts the invitation, signs in and finds the invoice and its balance.
fn sign_up(addr: SocketAddr, n: usize, token: &str) -> Result<Customer, String> {
    let ip = client_ip(n);
    let pw = form_encode(&password(n));
    let body = format!("token={token}&password={pw}&confirm={pw}");
    let (status, answer) = post(addr, "/api/accept-invitation", "", &ip, &body)?;
    if !(200..400).contains(&status) {
        return Err(format!(
            "accepting invitation {n} answered {status}: {answer}"
        ));
    }
    let body = format!("email={}&password={pw}&next=%2F", form_encode(&email(n)));
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-Forwarded-For", ip.as_str()),
    ];
    let signed_in = request(addr, "POST", "/api/login", &headers, &body, WAIT)
        .map_err(|e| format!("signing in customer {n}: {e:?}"))?;
    let cookie = signed_in
        .header_values("set-cookie")
        .filter_map(|v| v.split(';').next())
        .find(|p| p.starts_with("porchlight_session=") && p.len() > "porchlight_session=".len())
        .ok_or_else(|| format!("customer {n} got no session ({})", signed_in.status))?
        .to_owned();
    let headers = [
        ("Accept", "text/html"),
        ("Cookie", cookie.as_str()),
        ("X-Forwarded-For", ip.as_str()),
    ];
    let dashboard = request(addr, "GET", "/", &headers, "", WAIT)
        .map_err(|e| format!("customer {n}'s dashboard: {e:?}"))?;
    let at = dashboard
        .body
        .find("href=\"/invoices/")
        .ok_or_else(|| format!("customer {n}'s dashboard shows no invoice"))?
        + "href=\"/invoices/".len();
    let invoice: String = dashboard.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let page = post_ok(
        addr,
        "/api/invoices/pay-page",
        &cookie,
        &ip,
        &format!("invoice_id={invoice}"),
    )?;
    let balance = number_after(&page, "\"balance\":")?;
    Ok(Customer {
        ip,
        cookie,
        invoice,
        balance,
    })
}
