//! Fresh, isolated databases for tests on either backend (`PORCHLIGHT_TEST_BACKEND`).

use super::{Store, store::Backend};
use sqlx::{Connection, Row};

/// The PostgreSQL server tests use when `PORCHLIGHT_TEST_POSTGRES_URL` is unset.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which backend the tests run on: `sqlite` (default) or `postgres`.
pub fn test_backend() -> Backend {
    match std::env::var("PORCHLIGHT_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("PORCHLIGHT_TEST_BACKEND must be sqlite or postgres, not {other:?}"),
    }
}

/// A migrated store on a database nobody else uses, plus its URL.
///
/// SQLite: a new file in the temp folder. PostgreSQL: a new database on the server named by
/// `PORCHLIGHT_TEST_POSTGRES_URL`; databases left by runs older than an hour are dropped.
/// Panics (never skips) when the server cannot be reached.
pub async fn fresh_store() -> (Store, String) {
    let name = format!(
        "porchlight_test_{}_{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        rand::random::<u64>()
    );
    let url = match test_backend() {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            format!("sqlite://{}", path.display())
        }
        Backend::Postgres => {
            let admin_url = std::env::var("PORCHLIGHT_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
            sqlx::any::install_default_drivers();
            let mut admin = sqlx::AnyConnection::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is not reachable: {e}"));
            drop_stale_databases(&mut admin).await;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
            let _ = admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base);
            format!("{base}/{name}")
        }
    };
    let store = Store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrating {url}: {e}"));
    (store, url)
}

async fn drop_stale_databases(admin: &mut sqlx::AnyConnection) {
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(3600);
    let Ok(rows) =
        sqlx::query("SELECT datname FROM pg_database WHERE datname LIKE 'porchlight_test_%'")
            .fetch_all(&mut *admin)
            .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String, _>("datname") else {
            continue;
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            continue;
        }
        let created: u64 = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(u64::MAX);
        if created < hour_ago {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut *admin)
            .await;
        }
    }
}
