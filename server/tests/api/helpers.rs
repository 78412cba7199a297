//! The test server and its clients: the typed server function client ([`TestApp::call`]), a raw
//! form poster for input the functions' own arguments cannot express, and shared fixtures.

use app::{
    AppError,
    backend::{
        AppState, Clock, PasswordHasher, PublicSettings, Secret, Store,
        gateway::sandbox::SandboxGateway,
        mail::Mailer,
        request::{ForwardedHeader, TrustedProxies},
        store::{CustomerKind, NewCustomer, NewInvoice, NewInvoiceLine, Settings},
        testing::fresh_store,
    },
    domain::{
        Cents, CustomerId, EmailAddress, InvoiceId, Timestamp,
        tokenization::{CardSetup, SetupConfirmation, TokenRequest, confirm_setup_url},
    },
    office::auth::OfficeLogin,
    portal::{
        invitation::RequestInvitation,
        login::Login,
        payment_methods::api::PaymentMethods,
        payment_methods::api::{AddPaymentMethod, BeginCardSetup},
        session::CurrentCustomer,
        verify::AcceptInvitation,
    },
};
use leptos::config::LeptosOptions;
use leptos::server_fn::{
    Bytes, ContentType as _, Http, ServerFn,
    codec::{FromRes, IntoReq, Json, PostUrl},
    error::{FromServerFnError, ServerFnErrorErr},
    request::ClientReq,
    response::ClientRes,
};
use std::{path::PathBuf, sync::Arc, time::Duration};

/// The public URL every test app believes it is served at.
pub const PUBLIC_URL: &str = "http://portal.test";

/// The public URL of [`spawn_app_over_https`].
pub const HTTPS_PUBLIC_URL: &str = "https://portal.test";

/// The customers' password in every test that does not care which it is.
pub const PASSWORD: &str = "lantern porch evening";

/// The password of every staff member made by [`TestApp::staff_session`].
pub const STAFF_PASSWORD: &str = "office desk lamp";

/// A running server on its own database and outbox.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// Its database.
    pub store: Store,
    /// An HTTP client that does not follow redirects.
    pub client: reqwest::Client,
    /// Its clock, moved by hand.
    pub clock: Clock,
    /// The folder its emails are written to.
    pub outbox: PathBuf,
    /// Its sandbox payment processor.
    pub gateway: SandboxGateway,
    /// Its signing key.
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

/// Like [`spawn_app_behind_proxy`], the proxy setting `header` (`PORCHLIGHT_FORWARDED_HEADER`).
pub async fn spawn_app_behind_proxy_setting(header: ForwardedHeader) -> TestApp {
    let proxies = TrustedProxies::parse("127.0.0.1").unwrap().reading(header);
    spawn_app_with(None, proxies, PUBLIC_URL).await
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

/// One route list for the whole test process, made before any test app serves (see
/// `route_list`: walking the routes beside a running request can stall that request).
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(server::startup::route_list).clone()
}

impl TestApp {
    /// Another server on this app's database and settings with `gateway` as its processor (e.g.
    /// Stripe pointed at the fake); its address.
    pub async fn serve_with_gateway(
        &self,
        gateway: Arc<dyn app::backend::gateway::Gateway>,
    ) -> String {
        let mut state = self.state.clone();
        state.gateway = gateway;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(server::startup::serve(
            listener,
            server::startup::build_router_with_routes(state, routes(), server::site::Site::Disk),
        ));
        address
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
        // The sandbox moves no real money, so every email says so, as in `porchlight serve`.
        mailer: Mailer::new(&public).unwrap().in_test_mode(true),
        public: Arc::new(public),
        leptos_options: LeptosOptions::builder()
            .output_name("porchlight")
            .site_root("target/site")
            .build(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::startup::serve(
        listener,
        server::startup::build_router_with_routes(
            state.clone(),
            routes(),
            server::site::Site::Disk,
        ),
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

/// A server function the typed client can call: its arguments go as server_fn's own URL-encoded
/// POST body, its answer comes back as JSON and its failures as [`AppError`]. A function declared
/// with another encoding or error type does not compile here.
pub trait Callable:
    ServerFn<
        Protocol = Http<PostUrl, Json>,
        Error = AppError,
        Output: FromRes<Json, Incoming, AppError>,
    > + IntoReq<PostUrl, Outgoing, AppError>
{
}

impl<F> Callable for F where
    F: ServerFn<
            Protocol = Http<PostUrl, Json>,
            Error = AppError,
            Output: FromRes<Json, Incoming, AppError>,
        > + IntoReq<PostUrl, Outgoing, AppError>
{
}

/// A typed server function call's whole answer, for tests that check more than the result.
#[derive(Debug)]
pub struct Answer<T> {
    /// The HTTP status: 200 for a result, the error's own status for an error (checked).
    pub status: u16,
    /// The body exactly as sent.
    pub body: String,
    /// The `Location` header: where a redirecting function sends the browser.
    pub location: Option<String>,
    /// The session cookie the answer set, if any.
    pub session: Option<String>,
    /// The body decoded as the function's output or its [`AppError`].
    pub result: Result<T, AppError>,
}

/// A raw form post's answer: status, body, `Location` and the session cookie it set, if any.
#[derive(Debug)]
pub struct FormAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body as sent.
    pub body: String,
    /// The `Location` header.
    pub location: Option<String>,
    /// The session cookie the answer set, if any.
    pub session: Option<String>,
}

/// A request as server_fn's client code builds it (method, path, headers, body), to be sent by
/// [`TestApp::call_answer`] with our origin and cookie.
pub struct Outgoing {
    method: http::Method,
    path: String,
    query: Option<String>,
    content_type: String,
    accepts: String,
    body: Bytes,
}

impl Outgoing {
    fn new(path: &str, content_type: &str, accepts: &str, method: http::Method) -> Self {
        Outgoing {
            method,
            path: path.to_owned(),
            query: None,
            content_type: content_type.to_owned(),
            accepts: accepts.to_owned(),
            body: Bytes::new(),
        }
    }
}

/// The bodies the test client does not send (no server function of ours takes them).
fn unsupported<E: FromServerFnError>(what: &str) -> E {
    E::from_server_fn_error(ServerFnErrorErr::Request(format!(
        "the test client does not send {what} bodies"
    )))
}

impl<E: FromServerFnError> ClientReq<E> for Outgoing {
    type FormData = ();

    fn try_new_req_query(
        path: &str,
        content_type: &str,
        accepts: &str,
        query: &str,
        method: http::Method,
    ) -> Result<Self, E> {
        let mut req = Outgoing::new(path, content_type, accepts, method);
        req.query = Some(query.to_owned());
        Ok(req)
    }

    fn try_new_req_text(
        path: &str,
        content_type: &str,
        accepts: &str,
        body: String,
        method: http::Method,
    ) -> Result<Self, E> {
        let mut req = Outgoing::new(path, content_type, accepts, method);
        req.body = Bytes::from(body);
        Ok(req)
    }

    fn try_new_req_bytes(
        path: &str,
        content_type: &str,
        accepts: &str,
        body: Bytes,
        method: http::Method,
    ) -> Result<Self, E> {
        let mut req = Outgoing::new(path, content_type, accepts, method);
        req.body = body;
        Ok(req)
    }

    fn try_new_req_form_data(_: &str, _: &str, _: &str, _: (), _: http::Method) -> Result<Self, E> {
        Err(unsupported("form-data"))
    }

    fn try_new_req_multipart(_: &str, _: &str, _: (), _: http::Method) -> Result<Self, E> {
        Err(unsupported("multipart"))
    }

    fn try_new_req_streaming(
        _: &str,
        _: &str,
        _: &str,
        _: impl futures::Stream<Item = Bytes> + Send + 'static,
        _: http::Method,
    ) -> Result<Self, E> {
        Err(unsupported("streaming"))
    }
}

/// A received answer, handed to server_fn's own decoding of the function's output.
pub struct Incoming {
    status: u16,
    location: String,
    /// Whether it redirects (a server function's `redirect` always sets `Location`).
    redirect: bool,
    body: Bytes,
}

impl<E: FromServerFnError> ClientRes<E> for Incoming {
    async fn try_into_string(self) -> Result<String, E> {
        String::from_utf8(self.body.to_vec())
            .map_err(|e| E::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string())))
    }

    async fn try_into_bytes(self) -> Result<Bytes, E> {
        Ok(self.body)
    }

    fn try_into_stream(
        self,
    ) -> Result<impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + Sync + 'static, E> {
        Ok(futures::stream::iter([Ok(self.body)]))
    }

    fn status(&self) -> u16 {
        self.status
    }

    fn status_text(&self) -> String {
        http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or_default()
            .to_owned()
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn has_redirect(&self) -> bool {
        self.redirect
    }
}

impl TestApp {
    /// This server's address for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The HTML of `path`, fetched without a session.
    pub async fn page_html(&self, path: &str) -> String {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        res.text().await.unwrap()
    }

    /// The HTML of `path` as the holder of `session` sees it (asserting a 200).
    pub async fn page_html_as(&self, path: &str, session: &str) -> String {
        let req = self.as_ours(self.client.get(self.url(path)), Some(session));
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    /// The session cookie's name on this server (`__Host-` over https).
    fn session_cookie(&self) -> &'static str {
        app::backend::request::session_cookie_name(self.public_url.starts_with("https:"))
    }

    /// `req` as sent from our own origin, with the session cookie when there is one.
    fn as_ours(
        &self,
        mut req: reqwest::RequestBuilder,
        session: Option<&str>,
    ) -> reqwest::RequestBuilder {
        req = req.header("Origin", &self.public_url);
        if let Some(id) = session {
            req = req.header("Cookie", format!("{}={id}", self.session_cookie()));
        }
        req
    }

    /// Sends `req` and reads the answer: status, body, `Location` and the session cookie.
    async fn send(&self, req: reqwest::RequestBuilder) -> FormAnswer {
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let cookie = self.session_cookie();
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
        FormAnswer {
            status,
            body: res.text().await.unwrap(),
            location,
            session,
        }
    }

    /// The request [`TestApp::call`] sends for `args` (server_fn's own encoding, our origin, the
    /// session cookie), built on `client`: for tests that need a client of their own.
    pub fn request<F: Callable>(
        &self,
        client: &reqwest::Client,
        args: F,
        session: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let path = F::PATH;
        let out =
            <F as IntoReq<PostUrl, Outgoing, AppError>>::into_req(args, path, Json::CONTENT_TYPE)
                .unwrap_or_else(|e| {
                    panic!("{path}: server_fn could not encode the arguments: {e}")
                });
        let url = match &out.query {
            Some(query) => format!("{}?{query}", self.url(&out.path)),
            None => self.url(&out.path),
        };
        let req = client
            .request(out.method, url)
            .header("Accept", out.accepts)
            .header("Content-Type", out.content_type)
            .body(out.body);
        self.as_ours(req, session)
    }

    /// Calls a server function as its own client would: `args` encoded by server_fn, the JSON
    /// answer decoded into its output and an error answer into its [`AppError`].
    pub async fn call<F: Callable>(
        &self,
        args: F,
        session: Option<&str>,
    ) -> Result<F::Output, AppError> {
        self.call_answer(args, session).await.result
    }

    /// Like [`TestApp::call`], keeping the status, body, `Location` and session cookie.
    ///
    /// Panics when the status disagrees with the result (a success not 200, an error with another
    /// status than its own) or an error body is not exactly the error's own encoding.
    pub async fn call_answer<F: Callable>(
        &self,
        args: F,
        session: Option<&str>,
    ) -> Answer<F::Output> {
        let path = F::PATH;
        let raw = self.send(self.request(&self.client, args, session)).await;
        let body = Bytes::from(raw.body.clone().into_bytes());
        let result = if (400..=599).contains(&raw.status) {
            let err = AppError::de(body.clone());
            assert_eq!(
                err.ser(),
                body,
                "{path}: the error answer is not an encoded AppError: {}",
                raw.body
            );
            assert_eq!(
                raw.status,
                err.status(),
                "{path}: the status does not match {err:?}"
            );
            Err(err)
        } else {
            let incoming = Incoming {
                status: raw.status,
                location: raw.location.clone().unwrap_or_default(),
                redirect: raw.location.is_some(),
                body,
            };
            let output = <F::Output as FromRes<Json, Incoming, AppError>>::from_res(incoming).await;
            assert!(
                output.is_ok() && raw.status == 200,
                "{path}: status {} with an unreadable or unexpected answer: {}",
                raw.status,
                raw.body
            );
            output
        };
        Answer {
            status: raw.status,
            body: raw.body,
            location: raw.location,
            session: raw.session,
            result,
        }
    }

    /// POSTs a hand-written form to `/api/{endpoint}` from our own origin, asking for JSON: only
    /// for input the function's own arguments cannot express (malformed, hostile).
    pub async fn post_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        session: Option<&str>,
    ) -> FormAnswer {
        let req = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Accept", "application/json")
            .form(form);
        self.send(self.as_ours(req, session)).await
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

    /// Signs in and returns the session id.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let answer = self
            .call_answer(
                Login {
                    email: email.into(),
                    password: password.into(),
                    next: None,
                },
                None,
            )
            .await;
        assert!(
            answer.result.is_ok() && answer.location.is_some(),
            "login failed: {}",
            answer.body
        );
        answer.session.expect("a session cookie")
    }

    /// The signed-in customer's name for a session, or `None`.
    pub async fn whoami(&self, session: &str) -> Option<String> {
        self.call(CurrentCustomer {}, Some(session))
            .await
            .expect("asking who is signed in")
            .map(|customer| customer.name)
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
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .count()
            })
            .unwrap_or(0)
    }

    /// The outbox's messages right now (to wait for a newer one with [`Self::new_email_with`]).
    pub fn outbox_files(&self) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&self.outbox)
            .map(|dir| {
                dir.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every message in the outbox right now, decoded.
    pub fn outbox_texts(&self) -> Vec<String> {
        self.outbox_files()
            .iter()
            .map(|p| decode_quoted_printable(&std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// Waits for a message not in `before`, to `to` and holding `marker`; its decoded text.
    /// (Other messages, e.g. a card notice sent in the background, may arrive in between.)
    pub async fn new_email_with(
        &self,
        before: &[std::path::PathBuf],
        to: &str,
        marker: &str,
    ) -> String {
        for _ in 0..500 {
            for path in self.outbox_files() {
                if before.contains(&path) {
                    continue;
                }
                let text = decode_quoted_printable(&std::fs::read_to_string(&path).unwrap());
                if text.contains(&format!("<{to}>")) && text.contains(marker) {
                    return text;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "no new email to {to} with {marker} in {}",
            self.outbox.display()
        );
    }

    /// Asks for an invitation to `email` and returns the token from the email it sends.
    pub async fn invitation_token(&self, email: &str) -> String {
        let before = self.outbox_files();
        self.call(
            RequestInvitation {
                email: email.into(),
            },
            None,
        )
        .await
        .expect("requesting an invitation");
        let marker = "/verify?token=";
        token_in(&self.new_email_with(&before, email, marker).await, marker)
    }

    /// Creates a customer with a portal account (invitation accepted) and returns the session.
    pub async fn customer_with_account(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> (CustomerId, String) {
        let id = self.add_customer(name, email).await;
        let token = self.invitation_token(email).await;
        let accepted = self
            .call_answer(
                AcceptInvitation {
                    token,
                    password: password.into(),
                    confirm: password.into(),
                    next: None,
                    switch_account: None,
                },
                None,
            )
            .await;
        assert!(
            accepted.result.is_ok() && accepted.location.is_some(),
            "{}",
            accepted.body
        );
        (id, accepted.session.expect("signed in after accepting"))
    }

    /// Switches online payments and saved cards (the beta) on or off, as the office would.
    pub async fn enable_payments(&self, online: bool, saved_cards: bool) {
        let settings = Settings {
            online_payments_enabled: online,
            saved_payments_enabled: saved_cards,
            business_name: "Brightside Heating & Plumbing".into(),
            reply_to_email: "office@brightside.example".into(),
        };
        self.store
            .update_settings(&settings, None, self.clock.now())
            .await
            .unwrap();
    }

    /// Maria Gonzalez with a portal account ([`PASSWORD`]), online payments and saved cards on:
    /// (id, session).
    pub async fn paying_customer(&self, email: &str) -> (CustomerId, String) {
        self.enable_payments(true, true).await;
        self.customer_with_account("Maria Gonzalez", email, PASSWORD)
            .await
    }

    /// Begins a card setup for the signed-in customer, as the Add New Card dialog does.
    pub async fn begin_setup(&self, session: &str) -> CardSetup {
        self.call(BeginCardSetup {}, Some(session))
            .await
            .expect("beginning a card setup")
            .setup
    }

    /// The card-on-file terms' version customers agree to now.
    pub async fn terms_version(&self) -> u32 {
        app::backend::consent::current_terms(&self.state)
            .await
            .expect("reading the terms")
            .version
    }

    /// POSTs a card to the sandbox to confirm `setup`, as the browser does: (status, JSON body).
    pub async fn confirm_setup(
        &self,
        setup: &CardSetup,
        form: &TokenRequest,
    ) -> (u16, serde_json::Value) {
        let body = SetupConfirmation::new(setup.client_secret.clone(), form);
        let res = self
            .client
            .post(self.url(&confirm_setup_url(&setup.id)))
            .header("Origin", &self.public_url)
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// Begins a setup for the signed-in customer and confirms it with `form`, as the dialog
    /// does: (status, JSON body).
    pub async fn confirm_card(
        &self,
        session: &str,
        form: &TokenRequest,
    ) -> (u16, serde_json::Value) {
        let setup = self.begin_setup(session).await;
        self.confirm_setup(&setup, form).await
    }

    /// A setup of the signed-in customer confirmed with card `number` (see [`card_form`]): its id.
    pub async fn card_setup(&self, session: &str, number: &str) -> String {
        let (status, body) = self.confirm_card(session, &card_form(number)).await;
        assert_eq!(status, 200, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Saves the card of a confirmed setup for the signed-in customer; the confirmation or
    /// refusal.
    pub async fn add_card(
        &self,
        session: &str,
        setup_intent: &str,
        make_primary: bool,
    ) -> Result<String, AppError> {
        let args = AddPaymentMethod {
            setup_intent: setup_intent.into(),
            make_primary,
            nickname: String::new(),
            agreed_terms: Some(self.terms_version().await),
        };
        self.call(args, Some(session)).await
    }

    /// Confirms and saves card `number` for the signed-in customer; panics if it is refused.
    pub async fn save_card(&self, session: &str, number: &str, make_primary: bool) {
        let setup = self.card_setup(session, number).await;
        self.add_card(session, &setup, make_primary)
            .await
            .unwrap_or_else(|e| panic!("saving {number}: {e:?}"));
    }

    /// The id of the customer's saved card ending in `last4`, as the forms send it.
    pub async fn card_id(&self, customer: CustomerId, last4: &str) -> String {
        self.store
            .cards_for_customer(customer)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.card.last4.as_str() == last4)
            .unwrap_or_else(|| panic!("no saved card ending in {last4}"))
            .id
            .to_string()
    }

    /// The signed-in customer's cards as the portal lists them: (last4, is_primary), primary
    /// first.
    pub async fn cards(&self, session: &str) -> Vec<(String, bool)> {
        self.call(PaymentMethods {}, Some(session))
            .await
            .expect("listing the cards")
            .cards
            .into_iter()
            .map(|c| (c.last4.as_str().to_owned(), c.is_primary))
            .collect()
    }

    /// Issues an open invoice of one line ("Furnace repair") for `cents`, due in 30 days.
    pub async fn invoice(&self, customer: CustomerId, cents: i64) -> InvoiceId {
        let now = self.clock.now();
        let new = NewInvoice {
            customer_id: customer,
            job_id: None,
            issued_on: now,
            due_on: now.plus_seconds(30 * 86_400),
            lines: vec![NewInvoiceLine {
                description: "Furnace repair".into(),
                quantity: 1,
                unit_price: Cents::new(cents),
            }],
        };
        self.store.insert_invoice(&new, now).await.unwrap().id
    }
}

/// Maria Gonzalez's card `number`, expiring 12/30, as typed into the card form.
pub fn card_form(number: &str) -> TokenRequest {
    TokenRequest {
        number: number.into(),
        expiry: "12/30".into(),
        cvc: if number.starts_with("37") {
            "1234"
        } else {
            "123"
        }
        .into(),
        zip: "94107".into(),
        name: "Maria Gonzalez".into(),
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
    /// Adds a staff member (password [`STAFF_PASSWORD`]) and signs them in; returns the session.
    pub async fn staff_session(&self, role: app::domain::StaffRole, email: &str) -> String {
        let hash = PasswordHasher::new(1)
            .hash(&app::domain::Password::parse(STAFF_PASSWORD).unwrap())
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
            .call_answer(
                OfficeLogin {
                    email: email.into(),
                    password: STAFF_PASSWORD.into(),
                    next: None,
                },
                None,
            )
            .await;
        assert!(
            answer.result.is_ok() && answer.location.is_some(),
            "staff login failed: {}",
            answer.body
        );
        answer.session.expect("a staff session cookie")
    }
}
