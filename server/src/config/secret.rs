//! The HMAC key: given inline (printed redacted) or read from a private key file, which is
//! created with a random key when it does not exist.

use super::{Config, ConfigError, values::bad};
use app::backend::Secret;
use std::path::{Path, PathBuf};

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

impl Config {
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
        .map_err(|e| bad(var, format!("cannot read {}: {e}", path.display())))
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
