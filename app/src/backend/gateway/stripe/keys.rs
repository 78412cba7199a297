//! Stripe's keys as the operator configures them, checked before anything starts: the right
//! shape for each variable, one mode (test or live) for both API keys, at least one webhook secret.

use super::super::Mode;
use std::fmt;

/// The configuration variables, named in start-up errors.
pub const SECRET_KEY_VAR: &str = "PORCHLIGHT_STRIPE_SECRET_KEY";
/// See [`SECRET_KEY_VAR`].
pub const PUBLISHABLE_KEY_VAR: &str = "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY";
/// See [`SECRET_KEY_VAR`].
pub const WEBHOOK_SECRET_VAR: &str = "PORCHLIGHT_STRIPE_WEBHOOK_SECRET";

/// A configured key that cannot be used: which variable, and what is wrong, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct KeyProblem {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it (never the key itself).
    pub problem: String,
}

/// Checked Stripe keys; `Debug` never shows a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeKeys {
    secret: String,
    publishable: String,
    webhook_secrets: Vec<String>,
    mode: Mode,
}

impl StripeKeys {
    /// Checks the three settings (the webhook secrets comma-separated, so one can be rolled).
    pub fn parse(
        secret: &str,
        publishable: &str,
        webhook_secrets: &str,
    ) -> Result<Self, KeyProblem> {
        let secret = secret.trim();
        let secret_mode = key_mode(secret, &["sk", "rk"]).ok_or_else(|| KeyProblem {
            variable: SECRET_KEY_VAR,
            problem: "expected a secret key (sk_test_…, sk_live_…) or a restricted key (rk_test_…, rk_live_…)".into(),
        })?;
        let publishable = publishable.trim();
        let publishable_mode = key_mode(publishable, &["pk"]).ok_or_else(|| KeyProblem {
            variable: PUBLISHABLE_KEY_VAR,
            problem: "expected a publishable key (pk_test_… or pk_live_…)".into(),
        })?;
        if secret_mode != publishable_mode {
            return Err(KeyProblem {
                variable: PUBLISHABLE_KEY_VAR,
                problem: format!(
                    "a {} key, but {SECRET_KEY_VAR} is a {} key; both must come from the same mode",
                    mode_name(publishable_mode),
                    mode_name(secret_mode)
                ),
            });
        }
        let webhook_secrets: Vec<String> = webhook_secrets
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if webhook_secrets.is_empty() {
            return Err(KeyProblem {
                variable: WEBHOOK_SECRET_VAR,
                problem: "missing: set the signing secret of the webhook endpoint (whsec_…)".into(),
            });
        }
        if let Some(n) = webhook_secrets
            .iter()
            .position(|s| !is_token(s.strip_prefix("whsec_").unwrap_or_default()))
        {
            return Err(KeyProblem {
                variable: WEBHOOK_SECRET_VAR,
                problem: format!(
                    "secret {} of {} is not a signing secret (whsec_…)",
                    n + 1,
                    webhook_secrets.len()
                ),
            });
        }
        Ok(Self {
            secret: secret.to_owned(),
            publishable: publishable.to_owned(),
            webhook_secrets,
            mode: secret_mode,
        })
    }

    /// Test or live, as both API keys say.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The secret (or restricted) API key, for the `Authorization` header only.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The publishable key, which the browser's Stripe.js uses.
    pub fn publishable(&self) -> &str {
        &self.publishable
    }

    /// The webhook signing secrets, any of which may sign an event.
    pub fn webhook_secrets(&self) -> &[String] {
        &self.webhook_secrets
    }
}

impl fmt::Debug for StripeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeKeys")
            .field("mode", &self.mode)
            .field("publishable", &self.publishable)
            .field("secret", &"********")
            .field("webhook_secrets", &self.webhook_secrets.len())
            .finish()
    }
}

/// The mode of a key `{prefix}_{test|live}_{letters and digits}`, when it has that shape.
fn key_mode(key: &str, prefixes: &[&str]) -> Option<Mode> {
    let (prefix, rest) = key.split_once('_')?;
    if !prefixes.contains(&prefix) {
        return None;
    }
    let (mode, body) = rest.split_once('_')?;
    let mode = match mode {
        "test" => Mode::Test,
        "live" => Mode::Live,
        _ => return None,
    };
    is_token(body).then_some(mode)
}

/// At least 8 characters, ASCII letters and digits only.
fn is_token(s: &str) -> bool {
    s.len() >= 8 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Test => "test",
        Mode::Live => "live",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SK_TEST: &str = "sk_test_51Abcdefghijklmnop";
    const PK_TEST: &str = "pk_test_51Abcdefghijklmnop";
    const WHSEC: &str = "whsec_abcdefghijklmnop";

    #[test]
    fn matching_test_keys_give_test_mode() {
        let keys = StripeKeys::parse(SK_TEST, PK_TEST, WHSEC).expect("valid keys");
        assert_eq!(keys.mode(), Mode::Test);
        assert_eq!(keys.webhook_secrets(), [WHSEC.to_owned()]);
        let live = StripeKeys::parse("rk_live_51Abcdefghij", "pk_live_51Abcdefghij", WHSEC);
        assert_eq!(live.expect("valid live keys").mode(), Mode::Live);
    }

    #[test]
    fn a_live_secret_key_with_a_test_publishable_key_names_the_variable() {
        let err = StripeKeys::parse("sk_live_51Abcdefghij", PK_TEST, WHSEC).unwrap_err();
        assert_eq!(err.variable, PUBLISHABLE_KEY_VAR);
        assert!(
            err.to_string()
                .contains("a test key, but PORCHLIGHT_STRIPE_SECRET_KEY is a live key"),
            "{err}"
        );
    }

    #[test]
    fn keys_of_the_wrong_shape_are_refused_without_being_repeated() {
        for (secret, publishable, var) in [
            (PK_TEST, PK_TEST, SECRET_KEY_VAR),
            ("sk_prod_51Abcdefghij", PK_TEST, SECRET_KEY_VAR),
            ("sk_test_short", PK_TEST, SECRET_KEY_VAR),
            ("", PK_TEST, SECRET_KEY_VAR),
            (SK_TEST, SK_TEST, PUBLISHABLE_KEY_VAR),
            (SK_TEST, "pk_test_has space in it", PUBLISHABLE_KEY_VAR),
        ] {
            let err = StripeKeys::parse(secret, publishable, WHSEC).unwrap_err();
            assert_eq!(err.variable, var, "{secret} / {publishable}");
            assert!(
                secret.is_empty() || !err.to_string().contains(secret),
                "{err}"
            );
        }
    }

    #[test]
    fn webhook_secrets_can_be_rolled_and_must_not_be_missing() {
        let two = format!("{WHSEC}, whsec_0123456789abcdef");
        let keys = StripeKeys::parse(SK_TEST, PK_TEST, &two).expect("two secrets");
        assert_eq!(keys.webhook_secrets().len(), 2);
        for bad in [
            "",
            " , ",
            "whsec_",
            "sk_test_abcdefghijkl",
            "whsec_abcdefghij,nope",
        ] {
            let err = StripeKeys::parse(SK_TEST, PK_TEST, bad).unwrap_err();
            assert_eq!(err.variable, WEBHOOK_SECRET_VAR, "{bad:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let keys = StripeKeys::parse(SK_TEST, PK_TEST, WHSEC).expect("valid keys");
        let shown = format!("{keys:?}");
        assert!(
            !shown.contains(SK_TEST) && !shown.contains(WHSEC),
            "{shown}"
        );
    }
}
