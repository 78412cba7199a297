//! What `cargo xtask load` puts around its loads: busy loops on every core, and a flood of junk
//! sign-ins.

use super::http::request;
use std::{
    net::SocketAddr,
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

/// How many junk sign-ins `--flood` sends.
pub(super) const FLOOD_SIGN_INS: usize = 20_000;

/// Sends `count` sign-ins with unknown emails from 16 clients; returns how many were refused
/// as over the per-address limit (429).
pub(super) fn flood(addr: SocketAddr, count: usize, deadline: Duration) -> usize {
    let next = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..16 {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    let body = format!("email=junk{n}%40example.com&password=not-the-password");
                    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
                    if let Ok(a) = request(addr, "POST", "/api/login", &headers, &body, deadline)
                        && a.status == 429
                    {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    refused.into_inner()
}

/// Processes that spin on the CPU until dropped (or for at most 30 minutes).
pub(super) struct Busy(Vec<std::process::Child>);

impl Busy {
    pub(super) fn start(count: usize) -> Result<Self, String> {
        let me = std::env::current_exe().map_err(|e| format!("finding xtask itself: {e}"))?;
        let children = (0..count)
            .map(|_| {
                std::process::Command::new(&me)
                    .arg("busy")
                    .spawn()
                    .map_err(|e| format!("starting a busy loop: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self(children))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Spins one core for at most 30 minutes (the `busy` helper process).
pub fn spin() {
    let until = Instant::now() + Duration::from_secs(30 * 60);
    let mut x = 0u64;
    while Instant::now() < until {
        for _ in 0..1_000_000 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}
