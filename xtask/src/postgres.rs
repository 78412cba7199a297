//! The PostgreSQL server the tests create their databases on: where it is, whether it answers,
//! starting a local one (`test`, `load`, `crash`) and installing it (`setup` only).

use crate::process::{cmd, first_line, run};
use std::{
    net::{TcpStream, ToSocketAddrs},
    path::Path,
    time::{Duration, Instant},
};

/// The server the tests use unless `PORCHLIGHT_TEST_POSTGRES_URL` names another.
const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Where Debian keeps its PostgreSQL clusters' settings (one folder per version).
const CLUSTERS: &str = "/etc/postgresql";

/// The PostgreSQL server tests create their databases on (`PORCHLIGHT_TEST_POSTGRES_URL`).
pub fn url() -> String {
    std::env::var("PORCHLIGHT_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// Host and port of a postgres:// URL (defaults: 127.0.0.1, 5432).
fn host_port(url: &str) -> (String, u16) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().unwrap_or(5432)),
        None => (host_port, 5432),
    };
    (
        if host.is_empty() {
            "127.0.0.1".to_owned()
        } else {
            host.to_owned()
        },
        port,
    )
}

fn is_local(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "::1")
}

fn answers(host: &str, port: u16) -> bool {
    (host, port)
        .to_socket_addrs()
        .map(|mut addrs| {
            addrs.any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
        })
        .unwrap_or(false)
}

/// Whether what the tests need is here: `psql`, and for a local URL an installed server
/// (started by the tests when it is down); a remote server is the operator's to run.
pub fn installed() -> bool {
    let (host, port) = host_port(&url());
    first_line("psql", &["--version"]).is_some()
        && (!is_local(&host) || Path::new(CLUSTERS).exists() || answers(&host, port))
}

/// Installs PostgreSQL from apt when the test URL is local and no server is installed, trusting
/// loopback connections as the default URL expects; otherwise just the `psql` client.
pub fn install() -> Result<(), String> {
    let (host, port) = host_port(&url());
    if is_local(&host) && !Path::new(CLUSTERS).exists() && !answers(&host, port) {
        crate::tools::apt_install(&["postgresql"])?;
        for version in versions()? {
            trust_loopback(&format!("{CLUSTERS}/{version}/main/pg_hba.conf"))?;
        }
    }
    if first_line("psql", &["--version"]).is_none() {
        crate::tools::apt_install(&["postgresql-client"])?;
    }
    Ok(())
}

fn versions() -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(CLUSTERS).map_err(|e| format!("reading {CLUSTERS}: {e}"))?;
    Ok(entries
        .flatten()
        .map(|v| v.file_name().to_string_lossy().into_owned())
        .collect())
}

/// Makes sure PostgreSQL answers at `url`, starting the local clusters when it does not (it
/// installs nothing: that is `cargo xtask setup`).
pub fn ensure_running(url: &str) -> Result<(), String> {
    let (host, port) = host_port(url);
    if answers(&host, port) {
        return Ok(());
    }
    let fail = |why: &str| {
        format!(
            "PostgreSQL does not answer at {host}:{port} ({why}); start it or set PORCHLIGHT_TEST_POSTGRES_URL"
        )
    };
    if !is_local(&host) {
        return Err(fail("not a local server, so not started here"));
    }
    if !Path::new(CLUSTERS).exists() {
        return Err(fail("not installed: run `cargo xtask setup`"));
    }
    for version in versions().map_err(|e| fail(&e))? {
        let _ = run(&mut cmd(
            "pg_ctlcluster",
            &["--skip-systemctl-redirect", &version, "main", "start"],
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if answers(&host, port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(fail("started it, but it still does not answer"))
}

/// Puts `host all all 127.0.0.1/32 trust` first in a pg_hba.conf.
fn trust_loopback(path: &str) -> Result<(), String> {
    let current = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let line = "host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n";
    if current.starts_with(line) {
        return Ok(());
    }
    std::fs::write(path, format!("{line}{current}")).map_err(|e| format!("writing {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_give_host_and_port() {
        assert_eq!(
            host_port("postgres://postgres@127.0.0.1:5432/postgres"),
            ("127.0.0.1".into(), 5432)
        );
        assert_eq!(
            host_port("postgres://u:p@db.internal/x?sslmode=disable"),
            ("db.internal".into(), 5432)
        );
        assert_eq!(
            host_port("postgresql://localhost:6543"),
            ("localhost".into(), 6543)
        );
    }
}
