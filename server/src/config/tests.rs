//! Configuration tests. Each parses an explicit list of variables, given to clap as their
//! options with every variable lookup switched off, so the runner's environment plays no part.

use super::*;
use clap::{Args, FromArgMatches};
use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
};

/// The configuration options alone, reading no environment variable.
fn options() -> clap::Command {
    ConfigArgs::augment_args(clap::Command::new("porchlight")).mut_args(|arg| arg.env(None))
}

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let declared = ConfigArgs::augment_args(clap::Command::new("porchlight"));
    let argv = vars.iter().map(|(var, value)| {
        let arg = declared
            .get_arguments()
            .find(|arg| arg.get_env() == Some(OsStr::new(var)))
            .unwrap_or_else(|| panic!("{var} is not a configuration variable"));
        format!("--{}={value}", arg.get_long().unwrap_or_default())
    });
    let matches = options()
        .try_get_matches_from(std::iter::once("porchlight".to_owned()).chain(argv))
        .unwrap();
    Config::from_args(ConfigArgs::from_arg_matches(&matches).unwrap(), &matches)
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("porchlight-config-{}", std::process::id()))
        .join(format!(
            "{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn file_config(path: &Path) -> Config {
    config(&[("PORCHLIGHT_SECRET_FILE", path.to_str().unwrap())]).unwrap()
}

#[test]
fn every_option_has_its_variable_a_help_line_and_is_global() {
    let declared = ConfigArgs::augment_args(clap::Command::new("porchlight"));
    let mut vars: Vec<_> = declared
        .get_arguments()
        .map(|arg| {
            assert!(
                arg.get_long().is_some() && arg.get_help().is_some(),
                "{arg}"
            );
            assert!(arg.is_global_set(), "{arg}");
            arg.get_env().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    vars.sort();
    assert_eq!(
        vars,
        [
            "LEPTOS_SITE_ADDR",
            "LEPTOS_SITE_ROOT",
            "PORCHLIGHT_DATABASE_URL",
            "PORCHLIGHT_FORWARDED_HEADER",
            "PORCHLIGHT_GATEWAY",
            "PORCHLIGHT_MAIL_FROM",
            "PORCHLIGHT_OUTBOX_DIR",
            "PORCHLIGHT_PUBLIC_URL",
            "PORCHLIGHT_SECRET",
            "PORCHLIGHT_SECRET_FILE",
            "PORCHLIGHT_SMTP_URL",
            "PORCHLIGHT_STRIPE_API_URL",
            "PORCHLIGHT_STRIPE_JS_URL",
            "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
            "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY_FILE",
            "PORCHLIGHT_STRIPE_SECRET_KEY",
            "PORCHLIGHT_STRIPE_SECRET_KEY_FILE",
            "PORCHLIGHT_STRIPE_WEBHOOK_SECRET",
            "PORCHLIGHT_STRIPE_WEBHOOK_SECRET_FILE",
            "PORCHLIGHT_TRUSTED_PROXIES",
            "RUST_LOG",
        ]
    );
}

#[test]
fn a_variable_set_to_an_empty_value_counts_as_unset() {
    let declared = ConfigArgs::augment_args(clap::Command::new("porchlight"));
    let command = ignore_empty_variables(declared, |name| {
        (name == "PORCHLIGHT_SMTP_URL").then(std::ffi::OsString::new)
    });
    let env_of = |long: &str| {
        command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(long))
            .and_then(|arg| arg.get_env().map(ToOwned::to_owned))
    };
    assert_eq!(env_of("smtp-url"), None);
    assert_eq!(
        env_of("database-url").as_deref(),
        Some(OsStr::new("PORCHLIGHT_DATABASE_URL"))
    );
}

#[cfg(unix)]
#[test]
fn a_key_file_other_users_can_read_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let path = temp_dir().join("secret.key");
    std::fs::write(&path, "k".repeat(40)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = file_config(&path).load_secret().unwrap_err();
    assert_eq!(err.var, "PORCHLIGHT_SECRET_FILE");
    assert!(err.message.contains("chmod 600"), "{}", err.message);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(file_config(&path).load_secret().is_ok());
}

#[test]
fn a_new_key_file_is_created_private_and_accepted() {
    let path = temp_dir().join("data/secret.key");
    let first = file_config(&path).load_secret().unwrap();
    let again = file_config(&path).load_secret().unwrap();
    assert_eq!(first.hmac_hex("t", b"x"), again.hmac_hex("t", b"x"));
}

#[test]
fn a_key_file_tracked_by_git_is_refused() {
    let dir = temp_dir();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(git(&["init", "-q"]), "this test needs git");
    let path = dir.join("secret.key");
    file_config(&path).load_secret().unwrap();
    assert!(git(&["add", "secret.key"]));
    let err = file_config(&path).load_secret().unwrap_err();
    assert!(err.message.contains("tracked by git"), "{}", err.message);
}

#[test]
fn an_inline_secret_or_a_key_file_but_not_both() {
    let inline = (
        "PORCHLIGHT_SECRET",
        "inline-secret-0123456789abcdef0123456789",
    );
    let c = config(&[inline]).unwrap();
    assert!(matches!(c.secret, SecretSource::Value(_)));
    let err = config(&[inline, ("PORCHLIGHT_SECRET_FILE", "data/secret.key")]).unwrap_err();
    assert_eq!(err.var, "PORCHLIGHT_SECRET");
    assert!(err.message.contains("not both"), "{}", err.message);
}

#[test]
fn trusted_proxies_are_read_and_a_bad_entry_is_named() {
    let c = config(&[("PORCHLIGHT_TRUSTED_PROXIES", "10.0.0.0/8, ::1")]).unwrap();
    assert!(c.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
    assert!(config(&[]).unwrap().trusted_proxies.is_empty());
    let err = config(&[("PORCHLIGHT_TRUSTED_PROXIES", "10.0.0.0/8, caddy")]).unwrap_err();
    assert_eq!(err.var, "PORCHLIGHT_TRUSTED_PROXIES");
    assert!(err.message.contains("caddy"), "{}", err.message);
}

#[test]
fn debug_output_shows_no_password_or_secret() {
    let vars = [
        (
            "PORCHLIGHT_DATABASE_URL",
            "postgres://app:db-pass-123@db/porchlight",
        ),
        (
            "PORCHLIGHT_SMTP_URL",
            "smtp://mailer:smtp-pass-456@mail.example:587?tls=required",
        ),
        (
            "PORCHLIGHT_SECRET",
            "inline-secret-0123456789abcdef0123456789",
        ),
        ("PORCHLIGHT_MAIL_FROM", "portal@brightside.example"),
    ];
    let c = config(&vars).unwrap();
    let matches = options()
        .try_get_matches_from([
            "porchlight",
            "--database-url=postgres://app:db-pass-123@db/porchlight",
            "--secret=inline-secret-0123456789abcdef0123456789",
        ])
        .unwrap();
    let args = ConfigArgs::from_arg_matches(&matches).unwrap();
    for shown in [format!("{c:?}"), format!("{args:?}")] {
        for secret in ["db-pass-123", "smtp-pass-456", "inline-secret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("app:********@db"), "{shown}");
    }
    assert!(format!("{c:?}").contains("mail.example:587"));
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let c = config(&[]).unwrap();
    assert_eq!(c.database_url, "sqlite://data/porchlight.db");
    assert_eq!(c.public_url, "http://127.0.0.1:3000");
    assert_eq!(c.outbox_dir, PathBuf::from("data/outbox"));
    assert_eq!(c.smtp_url, None);
    assert_eq!(c.secret, SecretSource::File("data/secret.key".into()));
    assert_eq!(c.site_addr, "127.0.0.1:3000".parse().unwrap());
    assert_eq!(c.site_root, "target/site");
    assert!(!c.site_root_set);
    assert_eq!(c.log_filter, "info,sqlx=warn,tower_http=info");
}

#[test]
fn a_given_site_root_wins_over_a_compiled_in_site() {
    let c = config(&[("LEPTOS_SITE_ROOT", "target/site")]).unwrap();
    assert!(c.site_root_set);
    assert_eq!(c.site_root, "target/site");
}

#[test]
fn each_malformed_value_names_its_variable() {
    for (var, value) in [
        ("PORCHLIGHT_DATABASE_URL", "mysql://localhost/db"),
        ("PORCHLIGHT_DATABASE_URL", "postgres://"),
        ("PORCHLIGHT_DATABASE_URL", "sqlite://"),
        ("PORCHLIGHT_PUBLIC_URL", "ftp://example.com"),
        ("PORCHLIGHT_PUBLIC_URL", "https://example.com/portal"),
        ("PORCHLIGHT_SMTP_URL", "localhost:25"),
        ("PORCHLIGHT_SECRET", "too-short"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("RUST_LOG", "porchlight=loud"),
    ] {
        let err = config(&[(var, value)]).unwrap_err();
        assert_eq!(err.var, var, "{value}");
        assert!(!err.to_string().contains('\n'));
    }
}

#[test]
fn the_public_url_is_reduced_to_its_origin() {
    let c = config(&[
        ("PORCHLIGHT_PUBLIC_URL", "HTTPS://Pay.Example.com:443/"),
        ("PORCHLIGHT_GATEWAY", "sandbox"),
    ])
    .unwrap();
    assert_eq!(c.public_url, "https://pay.example.com");
}

#[test]
fn a_generated_secret_file_is_private_and_reused() {
    let dir = std::env::temp_dir().join(format!("porchlight-secret-{}", std::process::id()));
    let path = dir.join("secret.key");
    let c = Config {
        secret: SecretSource::File(path.clone()),
        ..config(&[]).unwrap()
    };
    let first = c.load_secret().unwrap();
    let second = c.load_secret().unwrap();
    assert_eq!(first.hmac_hex("t", b"x"), second.hmac_hex("t", b"x"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

const TEST_SECRET: (&str, &str) = ("PORCHLIGHT_STRIPE_SECRET_KEY", "sk_test_51AbCdEfGhIjKlMn");
const TEST_PUBLISHABLE: (&str, &str) = (
    "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
    "pk_test_51AbCdEfGhIjKlMn",
);
const WEBHOOK: (&str, &str) = ("PORCHLIGHT_STRIPE_WEBHOOK_SECRET", "whsec_AbCdEf123456");
const STRIPE: (&str, &str) = ("PORCHLIGHT_GATEWAY", "stripe");

/// The variable a refused configuration names.
fn refused_var(vars: &[(&str, &str)]) -> &'static str {
    config(vars).map(|_| ()).unwrap_err().var
}

#[test]
fn the_sandbox_is_the_default_gateway_and_stripe_is_chosen_by_name() {
    assert!(matches!(
        config(&[]).unwrap().gateway,
        GatewayConfig::Sandbox
    ));
    let stripe = config(&[STRIPE, TEST_SECRET, TEST_PUBLISHABLE, WEBHOOK]).unwrap();
    let GatewayConfig::Stripe {
        keys,
        api_url,
        js_url,
    } = stripe.gateway
    else {
        panic!("expected Stripe");
    };
    assert_eq!(keys.mode(), app::backend::gateway::Mode::Test);
    assert_eq!(api_url, "https://api.stripe.com");
    assert_eq!(js_url, "https://js.stripe.com/v3/");
    assert_eq!(
        refused_var(&[("PORCHLIGHT_GATEWAY", "paypal")]),
        "PORCHLIGHT_GATEWAY"
    );
}

#[test]
fn stripe_without_one_of_its_keys_stops_start_up_naming_that_key() {
    assert_eq!(
        refused_var(&[STRIPE, TEST_PUBLISHABLE, WEBHOOK]),
        "PORCHLIGHT_STRIPE_SECRET_KEY"
    );
    assert_eq!(
        refused_var(&[STRIPE, TEST_SECRET, WEBHOOK]),
        "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY"
    );
    assert_eq!(
        refused_var(&[STRIPE, TEST_SECRET, TEST_PUBLISHABLE]),
        "PORCHLIGHT_STRIPE_WEBHOOK_SECRET"
    );
}

#[test]
fn mismatched_or_misshapen_stripe_keys_stop_start_up_naming_the_variable() {
    let live_secret = ("PORCHLIGHT_STRIPE_SECRET_KEY", "sk_live_51AbCdEfGhIjKlMn");
    let err = config(&[STRIPE, live_secret, TEST_PUBLISHABLE, WEBHOOK]).unwrap_err();
    assert_eq!(err.var, "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY");
    assert!(!err.to_string().contains("51AbCdEf"), "no key in: {err}");
    let publishable_as_secret = ("PORCHLIGHT_STRIPE_SECRET_KEY", "pk_test_51AbCdEfGhIjKlMn");
    assert_eq!(
        refused_var(&[STRIPE, publishable_as_secret, TEST_PUBLISHABLE, WEBHOOK]),
        "PORCHLIGHT_STRIPE_SECRET_KEY"
    );
    let not_whsec = (
        "PORCHLIGHT_STRIPE_WEBHOOK_SECRET",
        "whsec_AbCdEf123456,sk_test_oops",
    );
    assert_eq!(
        refused_var(&[STRIPE, TEST_SECRET, TEST_PUBLISHABLE, not_whsec]),
        "PORCHLIGHT_STRIPE_WEBHOOK_SECRET"
    );
    let bad_api = ("PORCHLIGHT_STRIPE_API_URL", "api.stripe.com");
    assert_eq!(
        refused_var(&[STRIPE, TEST_SECRET, TEST_PUBLISHABLE, WEBHOOK, bad_api]),
        "PORCHLIGHT_STRIPE_API_URL"
    );
}

#[test]
fn live_stripe_keys_need_an_https_public_url() {
    let live = [
        STRIPE,
        ("PORCHLIGHT_STRIPE_SECRET_KEY", "sk_live_51AbCdEfGhIjKlMn"),
        (
            "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
            "pk_live_51AbCdEfGhIjKlMn",
        ),
        WEBHOOK,
    ];
    assert_eq!(refused_var(&live), "PORCHLIGHT_PUBLIC_URL");
    let mut https = live.to_vec();
    https.push(("PORCHLIGHT_PUBLIC_URL", "https://pay.example.com"));
    assert_eq!(
        config(&https).unwrap().gateway.mode(),
        app::backend::gateway::Mode::Live
    );
}

#[test]
fn stripe_keys_are_read_from_their_files_but_not_given_twice() {
    let dir = temp_dir();
    let file = dir.join("stripe-secret");
    std::fs::write(&file, "sk_test_51AbCdEfGhIjKlMn\n").unwrap();
    let from_file = ("PORCHLIGHT_STRIPE_SECRET_KEY_FILE", file.to_str().unwrap());
    let stripe = config(&[STRIPE, from_file, TEST_PUBLISHABLE, WEBHOOK]).unwrap();
    let GatewayConfig::Stripe { keys, .. } = stripe.gateway else {
        panic!("expected Stripe");
    };
    assert_eq!(keys.secret(), "sk_test_51AbCdEfGhIjKlMn");
    assert_eq!(
        refused_var(&[STRIPE, from_file, TEST_SECRET, TEST_PUBLISHABLE, WEBHOOK]),
        "PORCHLIGHT_STRIPE_SECRET_KEY"
    );
    let missing = dir.join("nowhere");
    let missing = (
        "PORCHLIGHT_STRIPE_SECRET_KEY_FILE",
        missing.to_str().unwrap(),
    );
    assert_eq!(
        refused_var(&[STRIPE, missing, TEST_PUBLISHABLE, WEBHOOK]),
        "PORCHLIGHT_STRIPE_SECRET_KEY_FILE"
    );
}

#[test]
fn stripe_keys_set_while_the_sandbox_is_chosen_stop_start_up() {
    assert_eq!(refused_var(&[TEST_SECRET]), "PORCHLIGHT_STRIPE_SECRET_KEY");
    assert_eq!(
        refused_var(&[("PORCHLIGHT_GATEWAY", "sandbox"), WEBHOOK]),
        "PORCHLIGHT_STRIPE_WEBHOOK_SECRET"
    );
}

#[test]
fn debug_output_never_shows_a_stripe_secret() {
    let stripe = config(&[STRIPE, TEST_SECRET, TEST_PUBLISHABLE, WEBHOOK]).unwrap();
    let shown = format!("{stripe:?}");
    assert!(!shown.contains("sk_test_51"), "{shown}");
    assert!(!shown.contains("whsec_AbCdEf"), "{shown}");
}

const LIVE: [(&str, &str); 5] = [
    STRIPE,
    ("PORCHLIGHT_STRIPE_SECRET_KEY", "sk_live_51AbCdEfGhIjKlMn"),
    (
        "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
        "pk_live_51AbCdEfGhIjKlMn",
    ),
    WEBHOOK,
    ("PORCHLIGHT_PUBLIC_URL", "https://pay.example.com"),
];

#[test]
fn an_https_install_without_a_chosen_gateway_refuses_to_start_and_the_sandbox_is_chosen_by_name() {
    let https = ("PORCHLIGHT_PUBLIC_URL", "https://pay.example.com");
    let err = config(&[https]).unwrap_err();
    assert_eq!(err.var, "PORCHLIGHT_GATEWAY");
    assert!(
        err.message.contains("PORCHLIGHT_GATEWAY=sandbox")
            && err.message.contains("PORCHLIGHT_GATEWAY=stripe"),
        "{}",
        err.message
    );
    let sandbox = config(&[https, ("PORCHLIGHT_GATEWAY", "sandbox")]).unwrap();
    assert!(matches!(sandbox.gateway, GatewayConfig::Sandbox));
    assert_eq!(sandbox.gateway.mode(), app::backend::gateway::Mode::Test);
    assert!(matches!(
        config(&[("PORCHLIGHT_PUBLIC_URL", "http://127.0.0.1:3000")])
            .unwrap()
            .gateway,
        GatewayConfig::Sandbox
    ));
}

#[test]
fn live_stripe_keys_refuse_plain_http_api_and_js_urls() {
    for (var, url) in [
        ("PORCHLIGHT_STRIPE_API_URL", "http://127.0.0.1:9999"),
        ("PORCHLIGHT_STRIPE_JS_URL", "http://127.0.0.1:9999/v3/"),
    ] {
        let mut vars = LIVE.to_vec();
        vars.push((var, url));
        let err = config(&vars).unwrap_err();
        assert_eq!(err.var, var, "{err}");
        assert!(err.message.contains("https://"), "{}", err.message);
    }
    let mut restricted = LIVE.to_vec();
    restricted[1] = ("PORCHLIGHT_STRIPE_SECRET_KEY", "rk_live_51AbCdEfGhIjKlMn");
    restricted.push(("PORCHLIGHT_STRIPE_API_URL", "http://127.0.0.1:9999"));
    assert_eq!(refused_var(&restricted), "PORCHLIGHT_STRIPE_API_URL");
    let test_keys = [
        STRIPE,
        TEST_SECRET,
        TEST_PUBLISHABLE,
        WEBHOOK,
        ("PORCHLIGHT_STRIPE_API_URL", "http://127.0.0.1:9999"),
        ("PORCHLIGHT_STRIPE_JS_URL", "http://127.0.0.1:9999/v3/"),
    ];
    assert!(
        config(&test_keys).is_ok(),
        "a test stand-in may be plain http"
    );
}

#[test]
fn an_smtp_password_is_only_sent_over_required_tls() {
    let smtp = |url: &'static str| ("PORCHLIGHT_SMTP_URL", url);
    for refused in [
        "smtp://mailer:s3cr3t-pw@mail.example:587",
        "smtp://mailer:s3cr3t-pw@mail.example:587?tls=opportunistic",
        "smtp://:s3cr3t-pw@mail.example:25",
    ] {
        let err = config(&[smtp(refused)]).unwrap_err();
        assert_eq!(err.var, "PORCHLIGHT_SMTP_URL", "{refused}");
        assert!(err.message.contains("tls=required"), "{}", err.message);
        assert!(!err.message.contains("s3cr3t"), "no password in: {err}");
    }
    for accepted in [
        "smtp://mailer:s3cr3t-pw@mail.example:587?tls=required",
        "smtps://mailer:s3cr3t-pw@mail.example:465",
        "smtp://mail.example:25",
    ] {
        let from = ("PORCHLIGHT_MAIL_FROM", "portal@brightside.example");
        assert!(config(&[smtp(accepted), from]).is_ok(), "{accepted}");
    }
}

#[test]
fn the_from_address_defaults_to_no_reply_at_the_public_host_and_can_be_set() {
    let https = ("PORCHLIGHT_PUBLIC_URL", "https://pay.example.com");
    let sandbox = ("PORCHLIGHT_GATEWAY", "sandbox");
    let c = config(&[https, sandbox]).unwrap();
    assert_eq!(c.mail_from.as_str(), "no-reply@pay.example.com");
    let given = ("PORCHLIGHT_MAIL_FROM", "Billing@Example.com");
    let c = config(&[https, sandbox, given]).unwrap();
    assert_eq!(c.mail_from.as_str(), "billing@example.com");
    let err = config(&[("PORCHLIGHT_MAIL_FROM", "not an address")]).unwrap_err();
    assert_eq!(err.var, "PORCHLIGHT_MAIL_FROM");
}

#[test]
fn smtp_with_a_localhost_public_url_needs_a_from_address() {
    let smtp = ("PORCHLIGHT_SMTP_URL", "smtp://127.0.0.1:2525");
    for local in ["http://127.0.0.1:3000", "http://localhost:3000"] {
        let err = config(&[("PORCHLIGHT_PUBLIC_URL", local), smtp]).unwrap_err();
        assert_eq!(err.var, "PORCHLIGHT_MAIL_FROM", "{local}");
        assert!(err.message.contains("SPF"), "{}", err.message);
    }
    let given = ("PORCHLIGHT_MAIL_FROM", "portal@brightside.example");
    let c = config(&[smtp, given]).unwrap();
    assert_eq!(c.mail_from.as_str(), "portal@brightside.example");
    let outbox_only = config(&[]).unwrap();
    assert!(
        outbox_only.mail_from.as_str().ends_with(".invalid"),
        "without SMTP nothing leaves: {}",
        outbox_only.mail_from
    );
}

#[test]
fn the_forwarded_header_is_chosen_and_defaults_to_x_forwarded_for() {
    use app::backend::request::ForwardedHeader;
    let c = config(&[]).unwrap();
    assert_eq!(c.trusted_proxies.header(), ForwardedHeader::XForwardedFor);
    let c = config(&[("PORCHLIGHT_FORWARDED_HEADER", "Forwarded")]).unwrap();
    assert_eq!(c.trusted_proxies.header(), ForwardedHeader::Forwarded);
    assert_eq!(
        refused_var(&[("PORCHLIGHT_FORWARDED_HEADER", "x-real-ip")]),
        "PORCHLIGHT_FORWARDED_HEADER"
    );
}
