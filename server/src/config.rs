//! Configuration from environment variables; a bad value stops start-up with one line naming it.

use app::backend::{PublicSettings, Secret, Store, request::TrustedProxies};
use std::path::{Path, PathBuf};

/// Every variable Porchlight reads, as shown by `porchlight --help` and in README.
pub const VARIABLES: &str = "\
Configuration (environment variables):
  PORCHLIGHT_DATABASE_URL  sqlite://PATH or postgres://USER@HOST:PORT/DB
                           [default: sqlite://data/porchlight.db]
  PORCHLIGHT_PUBLIC_URL    how users reach the portal; builds email links and is the only
                           origin allowed to POST [default: http://127.0.0.1:3000]
  PORCHLIGHT_SMTP_URL      smtp://[user:pass@]host[:port] (STARTTLS: smtp://…?tls=required,
                           TLS: smtps://…); unset = write emails to the outbox folder
  PORCHLIGHT_OUTBOX_DIR    where .eml files go without SMTP [default: data/outbox]
  PORCHLIGHT_SECRET        HMAC key, at least 32 characters; or
  PORCHLIGHT_SECRET_FILE   a file holding it [default: data/secret.key; a missing file
                           is created with a random key and mode 0600]
  PORCHLIGHT_TRUSTED_PROXIES
                           reverse proxies (addresses or CIDRs, comma-separated) whose
                           X-Forwarded-For names the client [default: none]
  LEPTOS_SITE_ADDR         address to listen on [default: 127.0.0.1:3000]
  LEPTOS_SITE_ROOT         folder with the built site (pkg/, assets); a binary from
                           `cargo xtask dist` carries the site and needs it only to
                           override that [default: target/site]
  RUST_LOG                 log filter, e.g. info or porchlight=debug [default: info]";

/// A variable with an unusable value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong, without echoing secrets.
    pub message: String,
}

fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

/// Where the HMAC key comes from (a key given inline prints redacted).
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `PORCHLIGHT_SECRET`.
    Value(String),
    /// `PORCHLIGHT_SECRET_FILE` (default `data/secret.key`), created with mode 0600 when missing.
    File(PathBuf),
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::Value(_) => f.write_str("Value(********)"),
            SecretSource::File(path) => f.debug_tuple("File").field(path).finish(),
        }
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
    /// HMAC key source.
    pub secret: SecretSource,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// Whether `LEPTOS_SITE_ROOT` names a site folder (it then wins over a compiled-in site).
    pub site_root_set: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use app::backend::secret::redact_url;
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("outbox_dir", &self.outbox_dir)
            .field("secret", &self.secret)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("site_root_set", &self.site_root_set)
            .finish()
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads configuration through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url =
            get("PORCHLIGHT_DATABASE_URL").unwrap_or_else(|| "sqlite://data/porchlight.db".into());
        check_database_url(&database_url)?;
        let public_url = parse_public_url(
            &get("PORCHLIGHT_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into()),
        )?;
        let smtp_url = get("PORCHLIGHT_SMTP_URL");
        if let Some(smtp) = &smtp_url {
            let parsed = url::Url::parse(smtp).map_err(|_| {
                bad(
                    "PORCHLIGHT_SMTP_URL",
                    "expected smtp://host[:port] or smtps://host[:port]",
                )
            })?;
            if !matches!(parsed.scheme(), "smtp" | "smtps") || parsed.host_str().is_none() {
                return Err(bad(
                    "PORCHLIGHT_SMTP_URL",
                    "expected smtp://host[:port] or smtps://host[:port]",
                ));
            }
        }
        let trusted_proxies =
            TrustedProxies::parse(&get("PORCHLIGHT_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|message| bad("PORCHLIGHT_TRUSTED_PROXIES", message))?;
        let outbox_dir =
            PathBuf::from(get("PORCHLIGHT_OUTBOX_DIR").unwrap_or_else(|| "data/outbox".into()));
        let secret = match (get("PORCHLIGHT_SECRET"), get("PORCHLIGHT_SECRET_FILE")) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "PORCHLIGHT_SECRET",
                    "set either PORCHLIGHT_SECRET or PORCHLIGHT_SECRET_FILE, not both",
                ));
            }
            (Some(value), None) => {
                if value.len() < Secret::MIN_LEN {
                    return Err(bad(
                        "PORCHLIGHT_SECRET",
                        "must be at least 32 characters long",
                    ));
                }
                SecretSource::Value(value)
            }
            (None, Some(file)) => SecretSource::File(file.into()),
            (None, None) => SecretSource::File(PathBuf::from("data/secret.key")),
        };
        Ok(Self {
            database_url,
            public_url,
            smtp_url,
            outbox_dir,
            secret,
            trusted_proxies,
            site_root_set: get("LEPTOS_SITE_ROOT").is_some(),
        })
    }

    /// Loads the HMAC key, creating the key file first when it does not exist.
    pub fn load_secret(&self) -> Result<Secret, ConfigError> {
        let (var, bytes) = match &self.secret {
            SecretSource::Value(value) => ("PORCHLIGHT_SECRET", value.clone().into_bytes()),
            SecretSource::File(path) => {
                if !path.exists() {
                    write_new_secret(path)?;
                }
                ("PORCHLIGHT_SECRET_FILE", read_secret_file(path)?)
            }
        };
        Secret::new(bytes).map_err(|_| bad(var, "the secret must be at least 32 bytes long"))
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

/// Reads the key file, refusing one that other users can read or that git tracks (a key in a
/// repository is a key anyone with the repository has).
fn read_secret_file(path: &Path) -> Result<Vec<u8>, ConfigError> {
    let var = "PORCHLIGHT_SECRET_FILE";
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| bad(var, format!("cannot read {}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(bad(
                var,
                format!(
                    "{0} can be read by other users; run `chmod 600 {0}`",
                    path.display()
                ),
            ));
        }
    }
    if tracked_by_git(path) {
        return Err(bad(
            var,
            format!(
                "{} is tracked by git; remove it from the repository (git rm --cached) and use a new key",
                path.display()
            ),
        ));
    }
    std::fs::read_to_string(path)
        .map(|s| s.trim().as_bytes().to_vec())
        .map_err(|e| {
            bad(
                "PORCHLIGHT_SECRET_FILE",
                format!("cannot read {}: {e}", path.display()),
            )
        })
}

/// Whether `path` is in a git repository's index (false when git is not installed).
fn tracked_by_git(path: &Path) -> bool {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return false;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn write_new_secret(path: &Path) -> Result<(), ConfigError> {
    use std::io::Write;
    let fail = |e: std::io::Error| {
        bad(
            "PORCHLIGHT_SECRET_FILE",
            format!("cannot create {}: {e}", path.display()),
        )
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(Secret::generate_hex().as_bytes())
        .map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
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
        let c = config(&[
            (
                "PORCHLIGHT_DATABASE_URL",
                "postgres://app:db-pass-123@db/porchlight",
            ),
            (
                "PORCHLIGHT_SMTP_URL",
                "smtp://mailer:smtp-pass-456@mail.example:587",
            ),
            (
                "PORCHLIGHT_SECRET",
                "inline-secret-0123456789abcdef0123456789",
            ),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        for secret in ["db-pass-123", "smtp-pass-456", "inline-secret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("mail.example:587") && shown.contains("app:********@db"),
            "{shown}"
        );
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/porchlight.db");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.outbox_dir, PathBuf::from("data/outbox"));
        assert_eq!(c.smtp_url, None);
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
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn the_public_url_is_reduced_to_its_origin() {
        let c = config(&[("PORCHLIGHT_PUBLIC_URL", "HTTPS://Pay.Example.com:443/")]).unwrap();
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
}
