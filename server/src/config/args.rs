//! The settings as clap options: each has its environment variable and its default, so
//! `porchlight --help` lists them from these definitions.

use std::{
    ffi::{OsStr, OsString},
    path::PathBuf,
};

/// Every setting, given as an option or as the environment variable named beside it (an option
/// wins). Global: accepted before or after any subcommand and listed in every `--help`. Help
/// shows no variable's value (`[env: NAME]`): some hold passwords.
#[derive(Clone, clap::Args)]
#[command(next_help_heading = "Configuration (option or environment variable)")]
#[command(mut_args = |arg: clap::Arg| arg.global(true).hide_env_values(true))]
pub struct ConfigArgs {
    /// sqlite://PATH (the file and its folder are created) or postgres://USER[:PASS]@HOST[:PORT]/DB
    #[arg(long, env = "PORCHLIGHT_DATABASE_URL", value_name = "URL")]
    #[arg(default_value = "sqlite://data/porchlight.db")]
    pub database_url: String,

    /// How users reach the portal; email links are built from it and only it may send POSTs
    #[arg(long, env = "PORCHLIGHT_PUBLIC_URL", value_name = "URL")]
    #[arg(default_value = "http://127.0.0.1:3000")]
    pub public_url: String,

    /// smtp://[USER:PASS@]HOST[:PORT] (STARTTLS: add ?tls=required) or smtps://…; unset: emails
    /// are written to the outbox folder
    #[arg(long, env = "PORCHLIGHT_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,

    /// Where .eml files go without SMTP
    #[arg(long, env = "PORCHLIGHT_OUTBOX_DIR", value_name = "DIR", default_value = "data/outbox")]
    pub outbox_dir: PathBuf,

    /// HMAC key, at least 32 characters, instead of a key file (prefer the variable: other users
    /// can see a command line)
    #[arg(long, env = "PORCHLIGHT_SECRET", value_name = "KEY")]
    pub secret: Option<String>,

    /// File holding the HMAC key; a missing file is created with a random key and mode 0600, one
    /// other users can read or git tracks is refused
    #[arg(long, env = "PORCHLIGHT_SECRET_FILE", value_name = "FILE")]
    #[arg(default_value = "data/secret.key")]
    pub secret_file: PathBuf,

    /// The address emails come from, e.g. portal@business.example (default: no-reply@ the public
    /// URL's host); its domain's SPF record must allow the SMTP server, and its DKIM key sign
    #[arg(long, env = "PORCHLIGHT_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// Reverse proxies (addresses or CIDRs, comma-separated) whose forwarded header (see
    /// PORCHLIGHT_FORWARDED_HEADER) names the client; unset: none
    #[arg(long, env = "PORCHLIGHT_TRUSTED_PROXIES", value_name = "LIST")]
    pub trusted_proxies: Option<String>,

    /// The one header a trusted proxy sets with the client's address: x-forwarded-for or
    /// forwarded (RFC 7239); the other is never read
    #[arg(long, env = "PORCHLIGHT_FORWARDED_HEADER", value_name = "NAME")]
    #[arg(default_value = "x-forwarded-for")]
    pub forwarded_header: String,

    /// Address to listen on
    #[arg(long, env = "LEPTOS_SITE_ADDR", value_name = "ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: String,

    /// Folder with the built site (pkg/, icons); a binary from `cargo xtask dist` carries its
    /// site and reads a folder only when this is given
    #[arg(long, env = "LEPTOS_SITE_ROOT", value_name = "DIR", default_value = "target/site")]
    pub site_root: String,

    /// Payment processor: stripe, or sandbox (built in, no real money moves); required with an
    /// https:// public URL, else the sandbox
    #[arg(long, env = "PORCHLIGHT_GATEWAY", value_name = "NAME")]
    pub gateway: Option<String>,

    /// Stripe secret key, sk_test_… or sk_live_… (or a restricted rk_… key); prefer the variable
    /// or its _FILE form
    #[arg(long, env = "PORCHLIGHT_STRIPE_SECRET_KEY", value_name = "KEY")]
    pub stripe_secret_key: Option<String>,

    /// File holding the Stripe secret key
    #[arg(long, env = "PORCHLIGHT_STRIPE_SECRET_KEY_FILE", value_name = "FILE")]
    pub stripe_secret_key_file: Option<PathBuf>,

    /// Stripe publishable key, pk_test_… or pk_live_… (the same mode as the secret key)
    #[arg(long, env = "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY", value_name = "KEY")]
    pub stripe_publishable_key: Option<String>,

    /// File holding the Stripe publishable key
    #[arg(long, env = "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY_FILE", value_name = "FILE")]
    pub stripe_publishable_key_file: Option<PathBuf>,

    /// Signing secret(s) of the Stripe webhook endpoint, whsec_… (comma-separated while one is
    /// rolled)
    #[arg(long, env = "PORCHLIGHT_STRIPE_WEBHOOK_SECRET", value_name = "LIST")]
    pub stripe_webhook_secret: Option<String>,

    /// File holding the webhook signing secret(s)
    #[arg(long, env = "PORCHLIGHT_STRIPE_WEBHOOK_SECRET_FILE", value_name = "FILE")]
    pub stripe_webhook_secret_file: Option<PathBuf>,

    /// Stripe's API (a stand-in for tests)
    #[arg(long, env = "PORCHLIGHT_STRIPE_API_URL", value_name = "URL")]
    #[arg(default_value = app::backend::gateway::stripe::DEFAULT_API_URL)]
    pub stripe_api_url: String,

    /// Where Stripe.js loads from (a stand-in for tests)
    #[arg(long, env = "PORCHLIGHT_STRIPE_JS_URL", value_name = "URL")]
    #[arg(default_value = app::backend::gateway::stripe::DEFAULT_JS_URL)]
    pub stripe_js_url: String,

    /// Log filter, e.g. info or porchlight=debug
    #[arg(long, env = "RUST_LOG", value_name = "FILTER")]
    #[arg(default_value = "info,sqlx=warn,tower_http=info")]
    pub log: String,
}

impl std::fmt::Debug for ConfigArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use app::backend::secret::redact_url;
        f.debug_struct("ConfigArgs")
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("outbox_dir", &self.outbox_dir)
            .field("secret", &self.secret.as_ref().map(|_| "********"))
            .field("secret_file", &self.secret_file)
            .field("mail_from", &self.mail_from)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("forwarded_header", &self.forwarded_header)
            .field("site_addr", &self.site_addr)
            .field("site_root", &self.site_root)
            .field("log", &self.log)
            .field("gateway", &self.gateway)
            .field(
                "stripe_secret_key",
                &self.stripe_secret_key.as_ref().map(|_| "********"),
            )
            .field("stripe_secret_key_file", &self.stripe_secret_key_file)
            .field("stripe_publishable_key", &self.stripe_publishable_key)
            .field(
                "stripe_publishable_key_file",
                &self.stripe_publishable_key_file,
            )
            .field(
                "stripe_webhook_secret",
                &self.stripe_webhook_secret.as_ref().map(|_| "********"),
            )
            .field(
                "stripe_webhook_secret_file",
                &self.stripe_webhook_secret_file,
            )
            .field("stripe_api_url", &self.stripe_api_url)
            .field("stripe_js_url", &self.stripe_js_url)
            .finish()
    }
}

/// `command` with each variable that `var` finds set but empty treated as unset (e.g.
/// `PORCHLIGHT_SMTP_URL=` in an environment file); `var` is `std::env::var_os` outside tests.
pub fn ignore_empty_variables(
    command: clap::Command,
    var: impl Fn(&OsStr) -> Option<OsString>,
) -> clap::Command {
    command.mut_args(|arg| {
        let empty = arg
            .get_env()
            .and_then(&var)
            .is_some_and(|value| value.is_empty());
        if empty { arg.env(None) } else { arg }
    })
}
