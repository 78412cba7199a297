use app::{
    backend::{
        AppState, Clock, PasswordHasher, PublicSettings, Secret, Store,
        gateway::sandbox::SandboxGateway,
        mail::Mailer,
        request::TrustedProxies,
        store::{CustomerKind, NewCustomer},
        testing::fresh_store,
    },
    domain::{CustomerId, EmailAddress, Timestamp},
};
use leptos::config::LeptosOptions;
use std::{path::PathBuf, sync::Arc, time::Duration};

/// The public URL every test app believes it is served at.
pub const PUBLIC_URL: &str = "http://portal.test";

/// The public URL of [`spawn_app_over_https`].
pub const HTTPS_PUBLIC_URL: &str = "https://portal.test";

/// A running server on its own database and outbox.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub store: Store,
    pub client: reqwest::Client,
    pub clock: Clock,
    pub outbox: PathBuf,
    pub gateway: SandboxGateway,
    pub secret: Secret,
    /// The origin the app believes it is served on.
    pub public_url: String,
    /// The server's state (for calling background tasks directly).
    pub state: AppState,
    /// The database URL, for a second server on the same database ([`TestApp::twin`]).
    pub database_url: String,
}

/// Starts the application on a random port with a fresh database and outbox.
pub async fn spawn_app() -> TestApp {
    spawn_app_with_smtp(None).await
}

/// Like [`spawn_app`], sending email through `smtp_url` when given.
pub async fn spawn_app_with_smtp(smtp_url: Option<String>) -> TestApp {
    spawn_app_with(smtp_url, TrustedProxies::default(), PUBLIC_URL).await
}

/// Like [`spawn_app`], believing `X-Forwarded-For` from loopback: as if behind a local proxy.
pub async fn spawn_app_behind_proxy() -> TestApp {
    spawn_app_with(
        None,
        TrustedProxies::parse("127.0.0.1").unwrap(),
        PUBLIC_URL,
    )
    .await
}

/// Like [`spawn_app`] with an https public URL ([`HTTPS_PUBLIC_URL`]), as behind a TLS proxy.
pub async fn spawn_app_over_https() -> TestApp {
    spawn_app_with(None, TrustedProxies::default(), HTTPS_PUBLIC_URL).await
}

async fn spawn_app_with(
    smtp_url: Option<String>,
    trusted_proxies: TrustedProxies,
    public_url: &str,
) -> TestApp {
    let (store, database_url) = fresh_store().await;
    serve_on(store, database_url, smtp_url, trusted_proxies, public_url).await
}

/// Like [`spawn_app`] on a pool of at most `size` database connections.
pub async fn spawn_app_with_pool_size(size: u32) -> TestApp {
    let (_, database_url) = fresh_store().await;
    let store = Store::connect_with_pool_size(&database_url, size)
        .await
        .unwrap();
    serve_on(
        store,
        database_url,
        None,
        TrustedProxies::default(),
        PUBLIC_URL,
    )
    .await
}

impl TestApp {
    /// A second server on the same database with the same secret, as a second instance behind
    /// a load balancer would be: its own process state, its own connection pool.
    pub async fn twin(&self) -> TestApp {
        let store = Store::connect(&self.database_url).await.unwrap();
        let public = &self.state.public;
        serve_on(
            store,
            self.database_url.clone(),
            public.smtp_url.clone(),
            public.trusted_proxies.clone(),
            &self.public_url,
        )
        .await
    }
}

async fn serve_on(
    store: Store,
    database_url: String,
    smtp_url: Option<String>,
    trusted_proxies: TrustedProxies,
    public_url: &str,
) -> TestApp {
    let outbox = std::env::temp_dir().join(format!("porchlight-outbox-{}", rand_suffix()));
    let public = PublicSettings {
        public_url: public_url.into(),
        outbox_dir: outbox.clone(),
        smtp_url,
        trusted_proxies,
    };
    let clock = Clock::manual(Timestamp::from_unix(1_790_000_000));
    let secret = Secret::new(vec![7; 32]).unwrap();
    let gateway = SandboxGateway::new(store.clone(), secret.clone(), clock.clone());
    let state = AppState {
        store: store.clone(),
        secret: secret.clone(),
        gateway: Arc::new(gateway.clone()),
        passwords: PasswordHasher::new(2),
        clock: clock.clone(),
        mailer: Mailer::new(&public).unwrap(),
        public: Arc::new(public),
        leptos_options: LeptosOptions::builder()
            .output_name("porchlight")
            .site_root("target/site")
            .build(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    // One route list for the whole test process, made before any test app serves (see
    // `route_list`: walking the routes beside a running request can stall that request).
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(server::startup::route_list).clone();
    tokio::spawn(server::startup::serve(
        listener,
        server::startup::build_router_with_routes(state.clone(), routes, server::site::Site::Disk),
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    TestApp {
        address,
        store,
        client,
        clock,
        outbox,
        gateway,
        secret,
        public_url: public_url.to_owned(),
        state,
        database_url,
    }
}

fn rand_suffix() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4())
}

/// A server function's answer: status, body and the session cookie it set, if any.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub session: Option<String>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Adds a customer record (as the office's Call Booking would).
    pub async fn add_customer(&self, name: &str, email: &str) -> CustomerId {
        let new = NewCustomer {
            name: name.into(),
            email: EmailAddress::parse(email).unwrap(),
            phone: String::new(),
            service_address: String::new(),
            kind: CustomerKind::Residential,
        };
        self.store
            .insert_customer(&new, self.clock.now())
            .await
            .unwrap()
    }

    /// POSTs a form to a server function from our own origin, with an optional session cookie.
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        session: Option<&str>,
    ) -> Answer {
        let mut req = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Origin", &self.public_url)
            .header("Accept", "application/json")
            .form(form);
        let cookie =
            app::backend::request::session_cookie_name(self.public_url.starts_with("https:"));
        if let Some(id) = session {
            req = req.header("Cookie", format!("{cookie}={id}"));
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let location = header("location");
        let session = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.strip_prefix(cookie)
                    .and_then(|rest| rest.strip_prefix('='))
                    .map(|rest| rest.split(';').next().unwrap().to_owned())
            })
            .filter(|v| !v.is_empty());
        Answer {
            status,
            body: res.text().await.unwrap(),
            location,
            session,
        }
    }

    /// Signs in and returns the session id.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let answer = self
            .call("login", &[("email", email), ("password", password)], None)
            .await;
        assert!(
            answer.status == 200 && answer.location.is_some(),
            "login failed: {}",
            answer.body
        );
        answer.session.expect("a session cookie")
    }

    /// The signed-in customer's name for a session, or `None`.
    pub async fn whoami(&self, session: &str) -> Option<String> {
        let answer = self.call("me", &[], Some(session)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let value: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        value
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_owned)
    }

    /// Waits for the `n`th email (1-based, by arrival) in the outbox and returns its decoded text.
    pub async fn email(&self, n: usize) -> String {
        for _ in 0..500 {
            let mut files: Vec<_> = std::fs::read_dir(&self.outbox)
                .map(|dir| {
                    dir.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                        .collect()
                })
                .unwrap_or_default();
            files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            if let Some(path) = files.get(n - 1) {
                return decode_quoted_printable(&std::fs::read_to_string(path).unwrap());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("email {n} never arrived in {}", self.outbox.display());
    }

    /// How many emails are in the outbox right now.
    pub fn email_count(&self) -> usize {
        std::fs::read_dir(&self.outbox)
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Creates a customer with a portal account (invitation accepted) and returns the session.
    pub async fn customer_with_account(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> (CustomerId, String) {
        let id = self.add_customer(name, email).await;
        let before = self.email_count();
        let answer = self
            .call("request-invitation", &[("email", email)], None)
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let token = token_in(&self.email(before + 1).await, "/verify?token=");
        let accepted = self
            .call(
                "accept-invitation",
                &[
                    ("token", &token),
                    ("password", password),
                    ("confirm", password),
                ],
                None,
            )
            .await;
        assert!(accepted.location.is_some(), "{}", accepted.body);
        (id, accepted.session.unwrap())
    }
}

/// Undoes quoted-printable soft line breaks and `=3D` in an email's source.
pub fn decode_quoted_printable(source: &str) -> String {
    source
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The token of the first link with `marker` (e.g. `/verify?token=`) in an email.
pub fn token_in(email: &str, marker: &str) -> String {
    let start = email
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} link in:\n{email}"))
        + marker.len();
    email[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

impl TestApp {
    /// Adds a staff member and signs them in; returns the session id.
    pub async fn staff_session(&self, role: app::domain::StaffRole, email: &str) -> String {
        let password = "office desk lamp";
        let hash = PasswordHasher::new(1)
            .hash(&app::domain::Password::parse(password).unwrap())
            .await
            .unwrap();
        let staff = app::backend::store::NewStaff {
            email: EmailAddress::parse(email).unwrap(),
            name: format!("{role} person"),
            role,
            password_hash: hash,
        };
        self.store
            .insert_staff(&staff, self.clock.now())
            .await
            .unwrap();
        let answer = self
            .call(
                "office/login",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        assert!(
            answer.location.is_some(),
            "staff login failed: {}",
            answer.body
        );
        answer.session.unwrap()
    }
}
