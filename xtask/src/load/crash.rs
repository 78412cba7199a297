//! The crash test: the demo customer pays an invoice $1.00 at a time; the server is killed with
//! SIGKILL while payments are in flight and started again on the same database. Every payment
//! that was acknowledged is still there, nothing is charged twice or recorded without its charge,
//! the customer's session survives, and `porchlight check` finds every data rule intact.

use super::http::request;
use super::{Backend, Server, Who};
use std::{net::SocketAddr, path::Path, time::Duration};

/// Payments answered before the kill.
const BEFORE: u64 = 4;
/// Payments sent just as the server is killed (together under the per-customer limit of 10).
const DURING: u64 = 4;

/// Runs the crash test on `backend`; returns the one-line report.
pub fn run(binary: &Path, backend: Backend) -> Result<String, String> {
    let mut server = Server::start(binary, backend)?;
    let cookie = server.sign_in(Who::Customer)?;
    let invoice = server
        .demo_invoice_path()?
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let page = pay_page(server.addr, &cookie, &invoice)?;
    let card = number_after(&page, "\"cards\":[{\"id\":")?;
    let balance_before = number_after(&page, "\"balance\":")?;

    let mut acknowledged = 0;
    for n in 0..BEFORE {
        match pay(server.addr, &cookie, &invoice, card, n) {
            Some(200) => acknowledged += 1,
            other => return Err(format!("payment {n} before the kill answered {other:?}")),
        }
    }
    let in_flight: Vec<_> = (BEFORE..BEFORE + DURING)
        .map(|n| {
            let (addr, cookie, invoice) = (server.addr, cookie.clone(), invoice.clone());
            std::thread::spawn(move || pay(addr, &cookie, &invoice, card, n))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(3));
    server.kill_and_restart()?;
    for handle in in_flight {
        if handle.join().ok().flatten() == Some(200) {
            acknowledged += 1;
        }
    }

    // The old session still works; the invoice holds every acknowledged payment and at most
    // the ones that were in flight besides.
    let page = pay_page(server.addr, &cookie, &invoice)?;
    let paid = balance_before - number_after(&page, "\"balance\":")?;
    let (least, most) = (acknowledged * 100, (BEFORE + DURING) * 100);
    if !(least..=most).contains(&paid) {
        return Err(format!(
            "after the restart {paid} cents were paid; {acknowledged} payments of 100 were acknowledged and {} sent",
            BEFORE + DURING
        ));
    }
    let (ok, out) = server.check()?;
    if !ok {
        return Err(format!("a data rule broke in the crash: {out}"));
    }
    Ok(format!(
        "{} crash: {acknowledged} of {} payments acknowledged, {paid} cents on the invoice after SIGKILL and restart; session kept; all data rules hold",
        backend.name(),
        BEFORE + DURING
    ))
}

fn headers(cookie: &str) -> [(&str, &str); 3] {
    [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "application/json"),
        ("Cookie", cookie),
    ]
}

/// The pay page's data (JSON) for the invoice.
fn pay_page(addr: SocketAddr, cookie: &str, invoice: &str) -> Result<String, String> {
    let answer = request(
        addr,
        "POST",
        "/api/invoices/pay-page",
        &headers(cookie),
        &format!("invoice_id={invoice}"),
        Duration::from_secs(30),
    )
    .map_err(|e| format!("reading the pay page: {e:?}"))?;
    if answer.status != 200 {
        return Err(format!(
            "the pay page answered {}: {}",
            answer.status, answer.body
        ));
    }
    Ok(answer.body)
}

/// Pays $1.00 under key number `n`; the status, or `None` when the connection broke.
fn pay(addr: SocketAddr, cookie: &str, invoice: &str, card: u64, n: u64) -> Option<u16> {
    let body = format!(
        "invoice_id={invoice}&payment_method_id={card}&amount=1.00&idempotency_key=crash-test-key-{n:06}"
    );
    request(
        addr,
        "POST",
        "/api/invoices/pay",
        &headers(cookie),
        &body,
        Duration::from_secs(30),
    )
    .ok()
    .map(|a| a.status)
}

/// The unsigned number that follows `marker` in `json`.
pub(super) fn number_after(json: &str, marker: &str) -> Result<u64, String> {
    let start = json
        .find(marker)
        .map(|i| i + marker.len())
        .ok_or_else(|| format!("no {marker} in {json}"))?;
    let digits: String = json[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .map_err(|_| format!("no number after {marker} in {json}"))
}

#[cfg(test)]
mod tests {
    use super::number_after;

    #[test]
    fn numbers_are_read_after_their_marker() {
        let json = r#"{"total":25450,"balance":25050,"cards":[{"id":7,"brand":"Visa"}]}"#;
        assert_eq!(number_after(json, "\"balance\":"), Ok(25050));
        assert_eq!(number_after(json, "\"cards\":[{\"id\":"), Ok(7));
        assert!(number_after(json, "\"missing\":").is_err());
    }
}
