use app::backend::{
    AppState, Clock, PasswordHasher, PublicSettings, Secret, Store, testing::fresh_store,
};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// The public URL every test app believes it is served at.
pub const PUBLIC_URL: &str = "http://portal.test";

/// A running server on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub store: Store,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

/// Starts the application on a random port with a fresh database.
pub async fn spawn_app() -> TestApp {
    let (store, _) = fresh_store().await;
    let leptos_options = LeptosOptions::builder()
        .output_name("porchlight")
        .site_root("target/site")
        .build();
    let state = AppState {
        store: store.clone(),
        secret: Secret::new(vec![7; 32]).unwrap(),
        passwords: PasswordHasher::new(2),
        clock: Clock::system(),
        public: Arc::new(PublicSettings {
            public_url: PUBLIC_URL.into(),
            outbox_dir: std::env::temp_dir().join("porchlight-test-outbox"),
            smtp_url: None,
        }),
        leptos_options,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::startup::serve(
        listener,
        server::startup::build_router(state),
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        store,
        client,
    }
}
