//! The validated configuration: each option's value checked, with one line naming its variable
//! when it is unusable.

use super::{ConfigArgs, GatewayConfig, SecretSource};
use app::{
    backend::{
        PublicSettings, Secret, Store,
        mail::{OUTBOX_FROM, default_from},
        request::{ForwardedHeader, TrustedProxies},
    },
    domain::EmailAddress,
};
use clap::{ArgMatches, parser::ValueSource};
use std::{net::SocketAddr, path::PathBuf};

/// A variable with an unusable value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong, without echoing secrets.
    pub message: String,
}

/// A [`ConfigError`] for `var`.
pub(super) fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

/// Validated configuration (passwords and secrets print redacted).
#[derive(Clone)]
pub struct Config {
    /// Database URL.
    pub database_url: String,
    /// Public origin, normalized (`scheme://host[:port]`, no trailing slash).
    pub public_url: String,
    /// SMTP URL, if emails go out by SMTP.
    pub smtp_url: Option<String>,
    /// Outbox folder.
    pub outbox_dir: PathBuf,
    /// The address emails come from (`PORCHLIGHT_MAIL_FROM`, or `no-reply@` the public host).
    pub mail_from: EmailAddress,
    /// HMAC key source.
    pub secret: SecretSource,
    /// Reverse proxies whose forwarded header (the one `PORCHLIGHT_FORWARDED_HEADER` names) is
    /// believed.
    pub trusted_proxies: TrustedProxies,
    /// The address to listen on (`LEPTOS_SITE_ADDR`).
    pub site_addr: SocketAddr,
    /// The site folder (`LEPTOS_SITE_ROOT`).
    pub site_root: String,
    /// Whether `LEPTOS_SITE_ROOT` names a site folder (it then wins over a compiled-in site).
    pub site_root_set: bool,
    /// The log filter (`RUST_LOG`).
    pub log_filter: String,
    /// The payment processor (`PORCHLIGHT_GATEWAY` and the Stripe settings).
    pub gateway: GatewayConfig,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use app::backend::secret::redact_url;
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("outbox_dir", &self.outbox_dir)
            .field("mail_from", &self.mail_from)
            .field("secret", &self.secret)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("site_addr", &self.site_addr)
            .field("site_root", &self.site_root)
            .field("site_root_set", &self.site_root_set)
            .field("log_filter", &self.log_filter)
            .field("gateway", &self.gateway)
            .finish()
    }
}

impl Config {
    /// Validates what clap parsed; `matches` (of the command [`ConfigArgs`] is flattened into)
    /// tells a value that was given, as an option or a variable, from a default.
    pub fn from_args(args: ConfigArgs, matches: &ArgMatches) -> Result<Self, ConfigError> {
        let given = |id: &str| {
            matches!(
                matches.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        check_database_url(&args.database_url)?;
        let public_url = parse_public_url(&args.public_url)?;
        if let Some(smtp) = &args.smtp_url {
            check_smtp_url(smtp)?;
        }
        let mail_from = mail_from(&args, &public_url)?;
        let gateway = GatewayConfig::from_args(&args, &public_url)?;
        let header: ForwardedHeader = args
            .forwarded_header
            .parse()
            .map_err(|message| bad("PORCHLIGHT_FORWARDED_HEADER", message))?;
        let trusted_proxies = TrustedProxies::parse(args.trusted_proxies.as_deref().unwrap_or(""))
            .map_err(|message| bad("PORCHLIGHT_TRUSTED_PROXIES", message))?
            .reading(header);
        let secret = match args.secret {
            Some(_) if given("secret_file") => {
                return Err(bad(
                    "PORCHLIGHT_SECRET",
                    "set either PORCHLIGHT_SECRET or PORCHLIGHT_SECRET_FILE, not both",
                ));
            }
            Some(value) => {
                if value.len() < Secret::MIN_LEN {
                    return Err(bad(
                        "PORCHLIGHT_SECRET",
                        "must be at least 32 characters long",
                    ));
                }
                SecretSource::Value(value)
            }
            None => SecretSource::File(args.secret_file),
        };
        let site_addr = args.site_addr.parse().map_err(|_| {
            bad(
                "LEPTOS_SITE_ADDR",
                "expected an address and a port, like 127.0.0.1:3000",
            )
        })?;
        tracing_subscriber::EnvFilter::try_new(&args.log)
            .map_err(|e| bad("RUST_LOG", e.to_string()))?;
        Ok(Self {
            database_url: args.database_url,
            public_url,
            smtp_url: args.smtp_url,
            outbox_dir: args.outbox_dir,
            mail_from,
            secret,
            trusted_proxies,
            site_addr,
            site_root_set: given("site_root"),
            site_root: args.site_root,
            log_filter: args.log,
            gateway,
        })
    }

    /// What pages and emails may know about the deployment.
    pub fn public_settings(&self) -> PublicSettings {
        PublicSettings {
            public_url: self.public_url.clone(),
            outbox_dir: self.outbox_dir.clone(),
            smtp_url: self.smtp_url.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    const EXPECTED: &str = "expected sqlite://PATH or postgres://USER@HOST:PORT/DATABASE";
    let var = "PORCHLIGHT_DATABASE_URL";
    Store::backend_of(url).map_err(|_| bad(var, EXPECTED))?;
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        if path.split('?').next().unwrap_or_default().is_empty() {
            return Err(bad(var, EXPECTED));
        }
    } else {
        let parsed = url::Url::parse(url).map_err(|_| bad(var, EXPECTED))?;
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(bad(var, EXPECTED));
        }
    }
    <sqlx::any::AnyConnectOptions as std::str::FromStr>::from_str(url)
        .map_err(|_| bad(var, EXPECTED))?;
    Ok(())
}

fn check_smtp_url(smtp: &str) -> Result<(), ConfigError> {
    const EXPECTED: &str = "expected smtp://host[:port] or smtps://host[:port]";
    let var = "PORCHLIGHT_SMTP_URL";
    let parsed = url::Url::parse(smtp).map_err(|_| bad(var, EXPECTED))?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") || parsed.host_str().is_none() {
        return Err(bad(var, EXPECTED));
    }
    // A password over smtp:// goes in the clear unless STARTTLS is required (lettre's default,
    // and `tls=opportunistic`, let a man in the middle strip it).
    let tls_required = parsed
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "required");
    if parsed.scheme() == "smtp" && parsed.password().is_some() && !tls_required {
        return Err(bad(
            var,
            "an smtp:// URL with a password must end in ?tls=required (STARTTLS, so the password is never sent in the clear), or use smtps://",
        ));
    }
    Ok(())
}

/// The From address: as given, else `no-reply@` the public URL's host. A host mail cannot come
/// from (an IP address, localhost) is refused with SMTP and gets [`OUTBOX_FROM`] without it.
fn mail_from(args: &ConfigArgs, public_url: &str) -> Result<EmailAddress, ConfigError> {
    let var = "PORCHLIGHT_MAIL_FROM";
    if let Some(raw) = &args.mail_from {
        return EmailAddress::parse(raw).map_err(|e| {
            bad(
                var,
                format!("{e} (expected an address like portal@business.example)"),
            )
        });
    }
    match (default_from(public_url), &args.smtp_url) {
        (Some(address), _) => Ok(address),
        (None, None) => Ok(EmailAddress::parse(OUTBOX_FROM).expect("a valid outbox address")),
        (None, Some(_)) => Err(bad(
            var,
            format!(
                "must be set to send by SMTP: the public URL {public_url} names no domain to send from; set an address at your domain (its SPF record must allow the SMTP server and its DKIM key sign the mail, or receivers will reject it)"
            ),
        )),
    }
}

fn parse_public_url(raw: &str) -> Result<String, ConfigError> {
    let var = "PORCHLIGHT_PUBLIC_URL";
    let url = url::Url::parse(raw).map_err(|_| bad(var, "expected an http:// or https:// URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(var, "expected an http:// or https:// URL"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            var,
            "must be an origin only, like https://pay.example.com (no path or query)",
        ));
    }
    Ok(url.origin().ascii_serialization())
}
