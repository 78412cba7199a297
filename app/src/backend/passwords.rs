//! Argon2id password hashing off the async runtime, on a few threads of their own that run at a
//! lower CPU priority than request handling, so a flood of sign-ins slows sign-ins, not pages.

mod workers;

use crate::domain::Password;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier, Version};
use std::sync::Arc;
use tokio::sync::OnceCell;
use workers::Workers;

/// Memory cost in KiB (OWASP's minimum for argon2id with t = 2).
pub const MEMORY_KIB: u32 = 19_456;
/// Passes over the memory (t).
pub const ITERATIONS: u32 = 2;
/// Lanes (p): each hash runs on one thread.
pub const PARALLELISM: u32 = 1;

/// Why hashing or verifying could not run.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// argon2 refused its input or parameters.
    #[error("argon2: {0}")]
    Argon2(String),
    /// The hashing thread stopped before answering.
    #[error("the password hashing thread stopped")]
    Stopped,
}

/// Hashes and verifies passwords on its own low-priority threads, as many at once as it has.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    workers: Arc<Workers>,
    dummy: Arc<OnceCell<String>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores)
    }
}

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl PasswordHasher {
    /// A hasher that runs at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            workers: Arc::new(Workers::start(concurrency.max(1))),
            dummy: Arc::new(OnceCell::new()),
        }
    }

    /// A hash of a random password with the current parameters, to verify against when the
    /// account does not exist (so unknown emails take as long as wrong passwords).
    pub async fn dummy_hash(&self) -> Result<String, HashError> {
        self.dummy
            .get_or_try_init(|| async {
                let random = format!("dummy-{}", rand::random::<u128>());
                let password =
                    Password::parse(&random).map_err(|e| HashError::Argon2(e.to_string()))?;
                self.hash(&password).await
            })
            .await
            .cloned()
    }

    /// Whether a stored hash was made with weaker parameters than the current policy.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        !phc.starts_with(&format!(
            "$argon2id$v=19$m={MEMORY_KIB},t={ITERATIONS},p={PARALLELISM}$"
        ))
    }

    /// Hashes a policy-checked password into a PHC string.
    pub async fn hash(&self, password: &Password) -> Result<String, HashError> {
        let secret = password.expose().to_owned();
        self.workers
            .run(move || {
                argon2()
                    .hash_password(secret.as_bytes())
                    .map(|h| h.to_string())
                    .map_err(|e| HashError::Argon2(e.to_string()))
            })
            .await?
    }

    /// Checks a candidate password against a stored PHC string; a malformed hash never matches.
    pub async fn verify(&self, candidate: &str, phc: &str) -> Result<bool, HashError> {
        let candidate = candidate.to_owned();
        let phc = phc.to_owned();
        self.workers
            .run(move || {
                argon2()
                    .verify_password(candidate.as_bytes(), phc.as_str())
                    .is_ok()
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hasher = PasswordHasher::new(1);
        let password = Password::parse("a fine long passphrase").unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains("passphrase"));
        assert!(
            hasher
                .verify("a fine long passphrase", &hash)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("a fine long passphrasE", &hash)
                .await
                .unwrap()
        );
        assert!(!hasher.verify("anything", "not-a-hash").await.unwrap());
        assert!(!hasher.needs_rehash(&hash));
        assert!(hasher.needs_rehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"));
        let dummy = hasher.dummy_hash().await.unwrap();
        assert_eq!(dummy, hasher.dummy_hash().await.unwrap());
        assert!(
            !hasher
                .verify("a fine long passphrase", &dummy)
                .await
                .unwrap()
        );
    }
}
