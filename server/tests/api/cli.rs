use app::backend::testing::fresh_store;
use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

fn porchlight(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    // An explicit secret, so no test writes a key file into the source tree.
    let mut child = Command::new(env!("CARGO_BIN_EXE_porchlight"))
        .args(args)
        .env(
            "PORCHLIGHT_SECRET",
            "cli-test-secret-0123456789abcdef0123456789",
        )
        .env(
            "PORCHLIGHT_OUTBOX_DIR",
            std::env::temp_dir().join("porchlight-cli-outbox"),
        )
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_lists_every_configuration_variable() {
    let out = porchlight(&["--help"], &[], "");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "PORCHLIGHT_DATABASE_URL",
        "PORCHLIGHT_PUBLIC_URL",
        "PORCHLIGHT_SMTP_URL",
        "PORCHLIGHT_OUTBOX_DIR",
        "PORCHLIGHT_SECRET",
        "PORCHLIGHT_SECRET_FILE",
        "PORCHLIGHT_TRUSTED_PROXIES",
        "PORCHLIGHT_FORWARDED_HEADER",
        "PORCHLIGHT_MAIL_FROM",
        "LEPTOS_SITE_ADDR",
        "RUST_LOG",
        "PORCHLIGHT_GATEWAY",
        "PORCHLIGHT_STRIPE_SECRET_KEY",
        "PORCHLIGHT_STRIPE_SECRET_KEY_FILE",
        "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
        "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY_FILE",
        "PORCHLIGHT_STRIPE_WEBHOOK_SECRET",
        "PORCHLIGHT_STRIPE_WEBHOOK_SECRET_FILE",
        "PORCHLIGHT_STRIPE_API_URL",
        "PORCHLIGHT_STRIPE_JS_URL",
    ] {
        assert!(help.contains(var), "{var} missing from --help");
    }
    for command in ["serve", "migrate", "staff", "demo", "backup", "check"] {
        assert!(help.contains(command), "{command} missing from --help");
    }
}

#[test]
fn version_prints_the_name_and_the_crate_version() {
    let out = porchlight(&["--version"], &[], "");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("porchlight {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_malformed_database_url_stops_with_one_line_naming_the_variable() {
    let out = porchlight(
        &["migrate"],
        &[("PORCHLIGHT_DATABASE_URL", "mysql:/oops")],
        "",
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("PORCHLIGHT_DATABASE_URL"), "{err}");
}

#[test]
fn mismatched_stripe_keys_stop_start_up_with_one_line_naming_the_variable_and_no_key() {
    let out = porchlight(
        &["serve"],
        &[
            ("PORCHLIGHT_GATEWAY", "stripe"),
            ("PORCHLIGHT_STRIPE_SECRET_KEY", "sk_live_51CliTestOnly000"),
            (
                "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
                "pk_test_51CliTestOnly000",
            ),
            ("PORCHLIGHT_STRIPE_WEBHOOK_SECRET", "whsec_CliTestOnly000"),
        ],
        "",
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("porchlight: PORCHLIGHT_STRIPE_PUBLISHABLE_KEY: "),
        "{err}"
    );
    assert!(!err.contains("51CliTestOnly"), "a key in: {err}");
    let missing = porchlight(&["serve"], &[("PORCHLIGHT_GATEWAY", "stripe")], "");
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("PORCHLIGHT_STRIPE_SECRET_KEY: missing"),
        "{}",
        stderr(&missing)
    );
}

#[tokio::test]
async fn an_https_install_without_a_chosen_gateway_stops_start_up_with_one_line_saying_how() {
    // `migrate`, which reads the same configuration as `serve`, ends by itself if it is accepted.
    let (_store, url) = fresh_store().await;
    let out = porchlight(
        &["migrate"],
        &[
            ("PORCHLIGHT_DATABASE_URL", url.as_str()),
            ("PORCHLIGHT_PUBLIC_URL", "https://pay.example.com"),
        ],
        "",
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("porchlight: PORCHLIGHT_GATEWAY: "), "{err}");
    assert!(err.contains("PORCHLIGHT_GATEWAY=sandbox"), "{err}");
}

#[tokio::test]
async fn staff_add_refuses_a_weak_password_and_accepts_a_good_one() {
    let (store, url) = fresh_store().await;
    let env = [("PORCHLIGHT_DATABASE_URL", url.as_str())];
    let args = [
        "staff",
        "add",
        "--email",
        "Admin@Example.com",
        "--name",
        "Alex Rivera",
        "--role",
        "admin",
        "--password-stdin",
    ];
    let weak = porchlight(&args, &env, "password123\n");
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("too common"), "{}", stderr(&weak));
    assert!(store.is_empty().await.unwrap());

    let good = porchlight(&args, &env, "a long and private phrase\n");
    assert!(good.status.success(), "{}", stderr(&good));
    let email = app::domain::EmailAddress::parse("admin@example.com").unwrap();
    assert_eq!(
        store.staff_by_email(&email).await.unwrap().name,
        "Alex Rivera"
    );
}

#[tokio::test]
async fn sandbox_card_update_names_what_it_cannot_find_and_needs_the_sandbox() {
    let (_store, url) = fresh_store().await;
    let env = [("PORCHLIGHT_DATABASE_URL", url.as_str())];
    let args = [
        "sandbox",
        "card-update",
        "--email",
        "nobody@example.com",
        "--last4",
        "4242",
        "--expiry",
        "11/33",
    ];
    let unknown = porchlight(&args, &env, "");
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("no customer with the email nobody@example.com"),
        "{}",
        stderr(&unknown)
    );
    let mut bad_expiry = args;
    bad_expiry[7] = "13/33";
    let refused = porchlight(&bad_expiry, &env, "");
    assert!(
        stderr(&refused).contains("--expiry: "),
        "{}",
        stderr(&refused)
    );
}

#[tokio::test]
async fn demo_fills_an_empty_database_and_refuses_a_full_one_without_force() {
    let (store, url) = fresh_store().await;
    let env = [("PORCHLIGHT_DATABASE_URL", url.as_str())];
    let first = porchlight(&["demo"], &env, "");
    assert!(first.status.success(), "{}", stderr(&first));
    let printed = String::from_utf8_lossy(&first.stdout);
    assert!(
        printed.contains(server::demo::ADMIN_EMAIL)
            && printed.contains(server::demo::ADMIN_PASSWORD)
    );
    assert!(
        printed.contains(server::demo::CUSTOMER_EMAIL)
            && printed.contains(server::demo::CUSTOMER_PASSWORD)
    );
    assert!(store.settings().await.unwrap().online_payments_enabled);
    let maria = app::domain::EmailAddress::parse(server::demo::CUSTOMER_EMAIL).unwrap();
    assert!(
        store.account_credentials(&maria).await.unwrap().is_some(),
        "the demo customer can sign in"
    );

    let second = porchlight(&["demo"], &env, "");
    assert!(!second.status.success());
    assert!(stderr(&second).contains("--force"));

    let forced = porchlight(&["demo", "--force"], &env, "");
    assert!(forced.status.success(), "{}", stderr(&forced));
}

#[tokio::test]
async fn backup_copies_a_sqlite_database_that_serves_as_is_and_points_postgres_to_pg_dump() {
    let (store, url) = fresh_store().await;
    let env = [("PORCHLIGHT_DATABASE_URL", url.as_str())];
    assert!(porchlight(&["demo"], &env, "").status.success());
    let checked = porchlight(&["check"], &env, "");
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert!(
        stderr(&checked).contains("rules hold"),
        "{}",
        stderr(&checked)
    );
    let file =
        std::env::temp_dir().join(format!("porchlight-cli-backup-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let out = porchlight(&["backup", file.to_str().unwrap()], &env, "");
    if store.backend() == app::backend::store::Backend::Postgres {
        assert!(!out.status.success());
        assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
        assert!(!file.exists());
        return;
    }
    assert!(out.status.success(), "{}", stderr(&out));
    // The copy is a database the binary can use directly: its rules hold, the demo is in it.
    let copy_url = format!("sqlite://{}", file.display());
    let checked = porchlight(&["check"], &[("PORCHLIGHT_DATABASE_URL", &copy_url)], "");
    assert!(checked.status.success(), "{}", stderr(&checked));
    let again = porchlight(&["demo"], &[("PORCHLIGHT_DATABASE_URL", &copy_url)], "");
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds data"),
        "{}",
        stderr(&again)
    );
    let twice = porchlight(&["backup", file.to_str().unwrap()], &env, "");
    assert!(!twice.status.success());
    assert!(
        stderr(&twice).contains("already exists"),
        "{}",
        stderr(&twice)
    );
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn serve_with_stripe_test_keys_starts_and_its_pages_allow_stripe_js() {
    let (_store, url) = fresh_store().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_porchlight"))
        .arg("serve")
        .env(
            "PORCHLIGHT_SECRET",
            "cli-test-secret-0123456789abcdef0123456789",
        )
        .env(
            "PORCHLIGHT_OUTBOX_DIR",
            std::env::temp_dir().join("porchlight-cli-outbox"),
        )
        .env("PORCHLIGHT_DATABASE_URL", &url)
        .env("PORCHLIGHT_PUBLIC_URL", format!("http://{address}"))
        .env("LEPTOS_SITE_ADDR", &address)
        .env("LEPTOS_OUTPUT_NAME", "porchlight")
        .env("PORCHLIGHT_GATEWAY", "stripe")
        .env("PORCHLIGHT_STRIPE_SECRET_KEY", "sk_test_51CliServeOnly000")
        .env(
            "PORCHLIGHT_STRIPE_PUBLISHABLE_KEY",
            "pk_test_51CliServeOnly000",
        )
        .env("PORCHLIGHT_STRIPE_WEBHOOK_SECRET", "whsec_CliServeOnly000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let login = format!("http://{address}/login");
    let mut answer = None;
    // Start-up takes a moment (migrations, the route list); wait for the first answer.
    for _ in 0..300 {
        if let Ok(res) = client.get(&login).send().await {
            answer = Some(res);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = server.kill();
    let output = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    let res = answer.unwrap_or_else(|| panic!("the server never answered: {log}"));
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("https://js.stripe.com"), "{csp}");
    assert!(
        log.contains("payment processor ready") && log.contains("\"Stripe\""),
        "{log}"
    );
    assert!(!log.contains("51CliServeOnly"), "a key in the log: {log}");
}
