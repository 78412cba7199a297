//! The payment processor's settings: the built-in sandbox, or Stripe with keys that agree.

use super::{ConfigArgs, ConfigError, values::bad};
use app::backend::gateway::{
    Mode,
    stripe::{PUBLISHABLE_KEY_VAR, SECRET_KEY_VAR, StripeKeys, WEBHOOK_SECRET_VAR},
};
use std::path::PathBuf;

/// The variable choosing the processor.
pub const GATEWAY_VAR: &str = "PORCHLIGHT_GATEWAY";

/// Which payment processor the portal uses (`Debug` shows no secret).
#[derive(Debug, Clone)]
pub enum GatewayConfig {
    /// The built-in sandbox: test mode, no real money.
    Sandbox,
    /// Stripe, in the mode its keys say.
    Stripe {
        /// The checked keys.
        keys: StripeKeys,
        /// Stripe's API (`PORCHLIGHT_STRIPE_API_URL`).
        api_url: String,
        /// Stripe.js (`PORCHLIGHT_STRIPE_JS_URL`).
        js_url: String,
    },
}

impl GatewayConfig {
    /// Checks the processor settings; `public_url` is the normalized public origin.
    pub(super) fn from_args(args: &ConfigArgs, public_url: &str) -> Result<Self, ConfigError> {
        let keys = [
            (
                &args.stripe_secret_key,
                &args.stripe_secret_key_file,
                SECRET_KEY_VAR,
                "PORCHLIGHT_STRIPE_SECRET_KEY_FILE",
            ),
            (
                &args.stripe_publishable_key,
                &args.stripe_publishable_key_file,
                PUBLISHABLE_KEY_VAR,
                "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY_FILE",
            ),
            (
                &args.stripe_webhook_secret,
                &args.stripe_webhook_secret_file,
                WEBHOOK_SECRET_VAR,
                "PORCHLIGHT_STRIPE_WEBHOOK_SECRET_FILE",
            ),
        ];
        let chosen = match args.gateway.as_deref().map(str::trim) {
            Some(name) => name,
            // Over https an install looks real: the sandbox, which approves any valid-looking
            // number, must be asked for by name, never be what an unset variable means.
            None if public_url.starts_with("https://") => {
                return Err(bad(
                    GATEWAY_VAR,
                    format!(
                        "not set, and the public URL is https://: set {GATEWAY_VAR}=stripe (with its keys) to take real payments, or {GATEWAY_VAR}=sandbox for a test install where no real money moves"
                    ),
                ));
            }
            None => "sandbox",
        };
        match chosen {
            "sandbox" => {
                if let Some((value, _, var, file_var)) = keys
                    .iter()
                    .find(|(value, file, ..)| value.is_some() || file.is_some())
                {
                    let set = if value.is_some() { var } else { file_var };
                    return Err(bad(
                        set,
                        format!(
                            "set, but {GATEWAY_VAR} is sandbox; set {GATEWAY_VAR}=stripe to use Stripe, or unset it"
                        ),
                    ));
                }
                Ok(Self::Sandbox)
            }
            "stripe" => {
                let [secret, publishable, webhook] =
                    keys.map(|(value, file, var, file_var)| setting(value, file, var, file_var));
                let keys = StripeKeys::parse(&secret?, &publishable?, &webhook?)
                    .map_err(|p| bad(p.variable, p.problem))?;
                if keys.mode() == Mode::Live && !public_url.starts_with("https://") {
                    return Err(bad(
                        "PORCHLIGHT_PUBLIC_URL",
                        "live Stripe keys need an https:// public URL (card payments are only taken over HTTPS)",
                    ));
                }
                let live = keys.mode() == Mode::Live;
                Ok(Self::Stripe {
                    keys,
                    api_url: web_url(&args.stripe_api_url, "PORCHLIGHT_STRIPE_API_URL", live)?,
                    js_url: web_url(&args.stripe_js_url, "PORCHLIGHT_STRIPE_JS_URL", live)?,
                })
            }
            _ => Err(bad(GATEWAY_VAR, "expected sandbox or stripe")),
        }
    }

    /// Test or live.
    pub fn mode(&self) -> Mode {
        match self {
            Self::Sandbox => Mode::Test,
            Self::Stripe { keys, .. } => keys.mode(),
        }
    }
}

/// A key given as its variable or in a file (its `…_FILE` variable), not both.
fn setting(
    value: &Option<String>,
    file: &Option<PathBuf>,
    var: &'static str,
    file_var: &'static str,
) -> Result<String, ConfigError> {
    match (value, file) {
        (Some(_), Some(_)) => Err(bad(
            var,
            format!("set either {var} or {file_var}, not both"),
        )),
        (Some(value), None) => Ok(value.clone()),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|s| s.trim().to_owned())
            .map_err(|e| bad(file_var, format!("cannot read {}: {e}", path.display()))),
        (None, None) => Err(bad(
            var,
            format!("missing: {GATEWAY_VAR} is stripe, so set {var} (or {file_var})"),
        )),
    }
}

/// An http(s) URL with a host; with live keys only https (a live key or card data never
/// crosses the network in the clear; plain http is for a test stand-in).
fn web_url(raw: &str, var: &'static str, live: bool) -> Result<String, ConfigError> {
    let url = url::Url::parse(raw.trim()).map_err(|_| bad(var, "expected an https:// URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(var, "expected an https:// URL"));
    }
    if live && url.scheme() != "https" {
        return Err(bad(
            var,
            "must be an https:// URL with live Stripe keys (plain http is only for a test stand-in with test keys)",
        ));
    }
    Ok(raw.trim().to_owned())
}
