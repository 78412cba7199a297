//! The current time, injectable so tests can move it without sleeping.

use crate::domain::Timestamp;
use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

/// Tells the time: the system clock in production, a hand-moved one in tests.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock stopped at `start` that only moves through [`Clock::advance`].
    pub fn manual(start: Timestamp) -> Self {
        Self {
            manual: Some(Arc::new(AtomicI64::new(start.unix()))),
        }
    }

    /// The current time (the set one, in tests).
    pub fn now(&self) -> Timestamp {
        match &self.manual {
            Some(at) => Timestamp::from_unix(at.load(Ordering::SeqCst)),
            None => Timestamp::from_unix(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or_default(),
            ),
        }
    }

    /// Moves a manual clock forward; does nothing to the system clock.
    pub fn advance(&self, secs: i64) {
        if let Some(at) = &self.manual {
            at.fetch_add(secs, Ordering::SeqCst);
        }
    }
}
