//! The threads password hashes run on: started with the hasher, each lowering its own CPU
//! priority first (on Linux), and stopped when the last handle to the hasher is dropped.

use super::HashError;
use std::sync::{Arc, Mutex, mpsc};

/// How much less CPU a hashing thread gets than request handling when both want it (`nice` +10:
/// about a tenth of a busy core), so pages keep their speed while sign-ins queue.
pub const HASHING_NICENESS: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of hashing threads fed through one queue.
#[derive(Debug)]
pub struct Workers {
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    /// Starts `count` threads (a thread that cannot be started is logged; the others serve).
    pub fn start(count: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..count {
            let queue = Arc::clone(&queue);
            let started = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(&queue));
            if let Err(e) = started {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Self { jobs }
    }

    /// Runs `f` on a hashing thread and waits for its result without blocking the runtime.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(f());
        });
        self.jobs.send(job).map_err(|_| HashError::Stopped)?;
        answer.await.map_err(|_| HashError::Stopped)
    }
}

/// One thread's life: lower its priority, then take jobs until the queue closes.
fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    loop {
        // The lock is held only while waiting for the next job, not while running it.
        let next = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        // A panicking job answers nothing (its caller sees `Stopped`); the thread carries on.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

/// Gives this thread alone (a thread id names one thread on Linux) a lower CPU priority.
#[cfg(target_os = "linux")]
fn lower_priority() {
    let this_thread = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(this_thread), HASHING_NICENESS) {
        tracing::warn!(error = %e, "password hashing keeps the normal CPU priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// This thread's `nice` value, field 19 of `/proc/thread-self/stat`.
    fn own_niceness() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("a Linux /proc");
        // The command name (field 2) is in parentheses and may hold spaces; count after it.
        let after_name = &stat[stat.rfind(')').expect("a command name") + 2..];
        let nice = after_name.split(' ').nth(16).expect("field 19");
        nice.parse().expect("a number")
    }

    #[tokio::test]
    async fn hashes_run_at_a_lower_priority_than_the_threads_that_asked_for_them() {
        let workers = Workers::start(2);
        let caller = own_niceness();
        let worker = workers.run(own_niceness).await.unwrap();
        assert_eq!(worker, (caller + HASHING_NICENESS).min(19));
        assert_eq!(own_niceness(), caller, "the caller's priority is unchanged");
    }

    #[tokio::test]
    async fn a_job_that_panics_leaves_the_thread_serving_the_next() {
        let workers = Workers::start(1);
        let failed = workers.run(|| -> u8 { panic!("boom") }).await;
        assert!(matches!(failed, Err(HashError::Stopped)));
        assert_eq!(workers.run(|| 7).await.unwrap(), 7);
    }
}
