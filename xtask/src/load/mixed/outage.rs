//! Crashes in the middle of the mixed load: the server is killed with SIGKILL at set points of
//! the run (each time at the first moment after its point when a payment is in flight, when the
//! other clients are mostly adding cards and making them primary) and started
//! again on the same database and port. Requests that lose their answer to a kill are "cut", not
//! errors; clients that meet a dead server wait until it is back.

use super::super::Server;
use std::{
    sync::{Condvar, Mutex, PoisonError},
    time::{Duration, Instant},
};

/// Whether the server is down, and how many times it came back.
#[derive(Default)]
struct State {
    down: bool,
    restarts: u32,
    /// Payments sent and not answered yet.
    paying: usize,
}

/// What clients and the killer share.
#[derive(Default)]
pub struct Outage {
    state: Mutex<State>,
    back: Condvar,
    /// Signalled when a payment starts.
    payment_started: Condvar,
}

/// A payment in flight, from sending until its answer (or failure).
pub struct Paying<'a>(&'a Outage);

impl Drop for Paying<'_> {
    fn drop(&mut self) {
        self.0.lock().paying -= 1;
    }
}

impl Outage {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many restarts have finished; taken when a request is sent.
    pub fn epoch(&self) -> u32 {
        self.lock().restarts
    }

    /// Marks a payment as in flight until the guard is dropped.
    pub fn paying(&self) -> Paying<'_> {
        self.lock().paying += 1;
        self.payment_started.notify_all();
        Paying(self)
    }

    /// Whether a request sent at `epoch` that got no answer was cut off by a kill; when the
    /// server is down right now, first waits until it is back.
    pub fn excuses(&self, epoch: u32) -> bool {
        let mut state = self.lock();
        if !state.down {
            return state.restarts != epoch;
        }
        while state.down {
            state = self
                .back
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        true
    }

    /// Kills `server` `times` times, evenly spread from `started` to `until`, restarting it each
    /// time; how long each outage lasted, or why a restart failed.
    pub fn kill_repeatedly(
        &self,
        server: &mut Server,
        times: usize,
        started: Instant,
        until: Instant,
    ) -> Result<Vec<Duration>, String> {
        let run = until.saturating_duration_since(started);
        let mut outages = Vec::new();
        for k in 1..=times {
            let at = started + run * k as u32 / (times as u32 + 1);
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            // Then at the first moment a payment is in flight (or at the end of the run).
            let state = self.lock();
            let wait = until.saturating_duration_since(Instant::now());
            let (state, _) = self
                .payment_started
                .wait_timeout_while(state, wait, |s| s.paying == 0)
                .unwrap_or_else(PoisonError::into_inner);
            drop(state);
            self.set_down(true);
            let began = Instant::now();
            let restarted = server.kill_and_restart();
            self.set_down(false);
            restarted?;
            outages.push(began.elapsed());
        }
        Ok(outages)
    }

    fn set_down(&self, down: bool) {
        let mut state = self.lock();
        if state.down && !down {
            state.restarts += 1;
        }
        state.down = down;
        drop(state);
        self.back.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_answer_is_excused_only_when_a_kill_came_in_between() {
        let outage = Outage::default();
        let before = outage.epoch();
        assert!(!outage.excuses(before));
        outage.set_down(true);
        outage.set_down(false);
        assert!(outage.excuses(before));
        assert!(!outage.excuses(outage.epoch()));
    }

    #[test]
    fn a_client_that_meets_a_dead_server_waits_until_it_is_back() {
        let outage = Outage::default();
        outage.set_down(true);
        let epoch = outage.epoch();
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| outage.excuses(epoch));
            outage.set_down(false);
            assert!(waiter.join().expect("the waiting client"));
        });
        assert_eq!(outage.epoch(), epoch + 1);
    }

    #[test]
    fn payments_in_flight_are_counted_until_answered() {
        let outage = Outage::default();
        let first = outage.paying();
        let second = outage.paying();
        assert_eq!(outage.lock().paying, 2);
        drop((first, second));
        assert_eq!(outage.lock().paying, 0);
    }
}
