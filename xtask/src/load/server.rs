//! A release `porchlight` on a fresh database with the demo data, on a free loopback port.

use super::http::{form_encode, request};
use crate::process::{cmd, run_captured};
use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

/// The demo customer the loads sign in as (see `server/src/demo.rs`).
const CUSTOMER_EMAIL: &str = "maria.gonzalez@example.com";
const CUSTOMER_PASSWORD: &str = "brightside-maria-demo";
/// The demo office admin.
const ADMIN_EMAIL: &str = "admin@brightside.example";
const ADMIN_PASSWORD: &str = "brightside-admin-demo";

/// Whose session a load uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The demo customer, in the portal.
    Customer,
    /// The demo admin, in the office.
    Admin,
}

/// Which database the server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the run's folder.
    Sqlite,
    /// A fresh database on the test PostgreSQL server.
    Postgres,
}

impl Backend {
    /// How reports name it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A running server; stopped (and its database dropped) when dropped.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its log file.
    pub log: PathBuf,
    child: Child,
    dir: PathBuf,
    postgres: Option<(String, String)>,
    keep: bool,
    binary: String,
    database_url: String,
    trust_proxy: bool,
    /// The CPU the server is kept on (`taskset -c`), if any.
    cpu: Option<usize>,
}

impl Server {
    /// Creates the database, loads the demo and starts `binary serve`.
    pub fn start(binary: &Path, backend: Backend) -> Result<Self, String> {
        Self::start_with(binary, backend, false, None)
    }

    /// Like [`Server::start`], but trusting `X-Forwarded-For` from 127.0.0.1, so each client
    /// of a load can have its own address (and its own per-address limits).
    pub fn start_trusting_localhost_proxy(binary: &Path, backend: Backend) -> Result<Self, String> {
        Self::start_with(binary, backend, true, None)
    }

    /// Like [`Server::start_trusting_localhost_proxy`], with the server kept on one CPU.
    pub fn start_on_cpu(binary: &Path, backend: Backend, cpu: usize) -> Result<Self, String> {
        Self::start_with(binary, backend, true, Some(cpu))
    }

    fn start_with(
        binary: &Path,
        backend: Backend,
        trust_proxy: bool,
        cpu: Option<usize>,
    ) -> Result<Self, String> {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let name = format!("porchlight_load_{stamp}_{}", std::process::id());
        let dir = crate::process::workspace_root()
            .join("target/load")
            .join(&name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let (url, postgres) = match backend {
            Backend::Sqlite => (format!("sqlite://{}/load.db", dir.display()), None),
            Backend::Postgres => {
                let admin = crate::postgres::url();
                crate::postgres::ensure_running(&admin)?;
                psql(&admin, &format!("CREATE DATABASE {name}"))?;
                let url = match admin.rsplit_once('/') {
                    Some((server, _)) if server.contains("://") && !server.ends_with('/') => {
                        format!("{server}/{name}")
                    }
                    _ => return Err(format!("cannot put a database name into {admin}")),
                };
                (url, Some((admin, name.clone())))
            }
        };
        let addr = free_port()?;
        let log = dir.join("server.log");
        let bin = binary.to_string_lossy().into_owned();
        let mut demo = command(&bin, &["demo", "--force"], &url, addr, &dir);
        let (ok, out) = run_captured(&mut demo)?;
        if !ok {
            return Err(format!("loading the demo data failed: {out}"));
        }
        let child = spawn_serve(&bin, &url, addr, &dir, &log, trust_proxy, cpu)?;
        let server = Self {
            addr,
            log,
            child,
            dir,
            postgres,
            keep: false,
            binary: bin,
            database_url: url,
            trust_proxy,
            cpu,
        };
        server.wait_until_healthy()?;
        Ok(server)
    }

    /// One more server on this one's database (a port and folder of its own); dropping it
    /// stops it and leaves the database to this one.
    pub fn another_instance(&self) -> Result<Server, String> {
        let addr = free_port()?;
        let dir = self.dir.join(format!("instance-{}", addr.port()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let log = dir.join("server.log");
        let child = spawn_serve(
            &self.binary,
            &self.database_url,
            addr,
            &dir,
            &log,
            self.trust_proxy,
            self.cpu,
        )?;
        let server = Server {
            addr,
            log,
            child,
            dir,
            postgres: None,
            keep: false,
            binary: self.binary.clone(),
            database_url: self.database_url.clone(),
            trust_proxy: self.trust_proxy,
            cpu: self.cpu,
        };
        server.wait_until_healthy()?;
        Ok(server)
    }

    /// Kills the server with SIGKILL (no shutdown of any kind), starts it again on the same
    /// database and port, and waits until it answers.
    pub fn kill_and_restart(&mut self) -> Result<(), String> {
        self.child
            .kill()
            .map_err(|e| format!("killing the server: {e}"))?;
        let _ = self.child.wait();
        self.child = spawn_serve(
            &self.binary,
            &self.database_url,
            self.addr,
            &self.dir,
            &self.log,
            self.trust_proxy,
            self.cpu,
        )?;
        self.wait_until_healthy()
    }

    /// `porchlight check` on the server's database: whether every data rule holds, and its output.
    pub fn check(&self) -> Result<(bool, String), String> {
        run_captured(&mut command(
            &self.binary,
            &["check"],
            &self.database_url,
            self.addr,
            &self.dir,
        ))
    }

    fn wait_until_healthy(&self) -> Result<(), String> {
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            let answer = request(
                self.addr,
                "GET",
                "/healthz",
                &[],
                "",
                Duration::from_secs(2),
            );
            if answer.is_ok_and(|a| a.status == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "the server did not become healthy within 60 s (log: {})",
            self.log.display()
        ))
    }

    /// Signs the demo customer or admin in and returns the `Cookie` header value of the session.
    pub fn sign_in(&self, who: Who) -> Result<String, String> {
        let (endpoint, email, password) = match who {
            Who::Customer => ("/api/login", CUSTOMER_EMAIL, CUSTOMER_PASSWORD),
            Who::Admin => ("/api/office/login", ADMIN_EMAIL, ADMIN_PASSWORD),
        };
        let body = format!(
            "email={}&password={}&next=%2F",
            form_encode(email),
            form_encode(password)
        );
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        let answer = request(
            self.addr,
            "POST",
            endpoint,
            &headers,
            &body,
            Duration::from_secs(30),
        )
        .map_err(|e| format!("signing in: {e:?}"))?;
        answer
            .header_values("set-cookie")
            .filter_map(|v| v.split(';').next())
            .find(|pair| {
                pair.starts_with("porchlight_session=") && pair.len() > "porchlight_session=".len()
            })
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "signing in gave no session cookie (status {})",
                    answer.status
                )
            })
    }

    /// The path of the demo customer's first invoice, read from her dashboard.
    pub fn demo_invoice_path(&self) -> Result<String, String> {
        self.first_link(Who::Customer, "/", "/invoices/")
    }

    /// The path of the first customer record, read from the office's customer list.
    pub fn demo_record_path(&self) -> Result<String, String> {
        self.first_link(Who::Admin, "/office/customers", "/office/customers/")
    }

    /// The first link on `page` (seen by `who`) to `prefix` followed by a number.
    fn first_link(&self, who: Who, page: &str, prefix: &str) -> Result<String, String> {
        let cookie = self.sign_in(who)?;
        let headers = [("Accept", "text/html"), ("Cookie", cookie.as_str())];
        let answer = request(
            self.addr,
            "GET",
            page,
            &headers,
            "",
            Duration::from_secs(30),
        )
        .map_err(|e| format!("reading {page}: {e:?}"))?;
        let body = &answer.body;
        let start = body
            .match_indices(&format!("href=\"{prefix}"))
            .map(|(i, _)| i + "href=\"".len())
            .find(|i| body[i + prefix.len()..].starts_with(|c: char| c.is_ascii_digit()))
            .ok_or_else(|| format!("{page} links nothing under {prefix}"))?;
        let digits = body[start + prefix.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        Ok(body[start..start + prefix.len() + digits].to_owned())
    }

    /// Where the server writes its emails (one `.eml` file each).
    pub fn outbox(&self) -> PathBuf {
        self.dir.join("outbox")
    }

    /// Keeps the run's folder (log, database) for a look after a failure.
    pub fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin, name)) = &self.postgres {
            let _ = psql(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `binary args` with the run's configuration.
fn command(binary: &str, args: &[&str], url: &str, addr: SocketAddr, dir: &Path) -> Command {
    let mut c = cmd(binary, args);
    c.env("PORCHLIGHT_DATABASE_URL", url)
        .env("PORCHLIGHT_PUBLIC_URL", format!("http://{addr}"))
        .env(
            "PORCHLIGHT_SECRET",
            "load-test-secret-0123456789abcdef0123456789",
        )
        .env("PORCHLIGHT_OUTBOX_DIR", dir.join("outbox"))
        .env("LEPTOS_SITE_ADDR", addr.to_string())
        .env("RUST_LOG", "info")
        .current_dir(dir);
    c
}

/// Starts `binary serve` (on `cpu` only, when given), its output appended to `log`.
fn spawn_serve(
    binary: &str,
    url: &str,
    addr: SocketAddr,
    dir: &Path,
    log: &Path,
    trust_proxy: bool,
    cpu: Option<usize>,
) -> Result<Child, String> {
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("opening {}: {e}", log.display()))?;
    let mut serve = match cpu {
        Some(cpu) => command(
            "taskset",
            &["-c", &cpu.to_string(), binary, "serve"],
            url,
            addr,
            dir,
        ),
        None => command(binary, &["serve"], url, addr, dir),
    };
    if trust_proxy {
        serve.env("PORCHLIGHT_TRUSTED_PROXIES", "127.0.0.1");
    }
    serve
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("starting {binary}: {e}"))
}

fn psql(url: &str, sql: &str) -> Result<(), String> {
    let (ok, out) = run_captured(&mut cmd("psql", &[url, "-v", "ON_ERROR_STOP=1", "-c", sql]))?;
    if ok {
        Ok(())
    } else {
        Err(format!("psql failed: {out}"))
    }
}

/// A loopback address no one listens on right now.
fn free_port() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("finding a free port: {e}"))
}
