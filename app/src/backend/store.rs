//! Storage on SQLite (default) or PostgreSQL through one set of runtime queries (sqlx `Any`).

mod accounts;
mod backup;
mod card_requests;
mod card_terms;
mod cards;
mod customers;
mod installation;
mod invariants;
mod invoices;
mod jobs;
mod payment_methods;
mod payments;
mod processor_customers;
mod sessions;
mod settings;
mod staff;
mod staff_tokens;
mod throttle;
mod tokens;
mod webhook_events;

pub use crate::domain::CustomerKind;
pub use crate::domain::invoice::NewInvoiceLine;
pub use crate::domain::status::{Actor, AttemptStatus, CardAction, InvoiceStatus, JobStatus};
pub use accounts::{AccountCredentials, AccountInfo};
pub use backup::BackupError;
pub use card_requests::CardRequest;
pub use card_terms::SavedTerms;
pub use cards::{
    CardOnFile, ChangeContext, ConsentGiven, Deleted, ProcessorSync, ReminderKey, SavedCard,
};
pub use customers::{Customer, CustomerPage, NewCustomer};
pub use invariants::Violation;
pub use invoices::{Invoice, NewInvoice};
pub use jobs::{Job, NewJob};
pub use payment_methods::PaymentMethodEvent;
pub use payments::{
    AttemptDetails, AttemptPage, AttemptQuery, AttemptResult, PaymentAttempt, PaymentReceipt,
    RecordedPayment, Reservation, ReserveError,
};
pub use sessions::{Principal, SessionRecord};
pub use settings::{Settings, SettingsChange};
pub use staff::{NewStaff, StaffMember};
pub use tokens::{TokenPurpose, TokenUse};
pub use webhook_events::ClaimedEvent;

use sqlx::{
    Any, AnyPool, Transaction,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};
use std::{path::Path, str::FromStr, time::Duration};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not a `sqlite:` or `postgres://` URL.
    #[error("unsupported database URL (expected sqlite://… or postgres://…)")]
    UnsupportedUrl,
    /// A unique constraint refused the row; names the constraint's subject.
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// An amount does not fit in the stored range.
    #[error("amount out of range")]
    AmountOutOfRange,
    /// No such row.
    #[error("not found")]
    NotFound,
    /// A payment on this invoice is waiting for the processor's answer.
    #[error("a payment is in progress")]
    PaymentInProgress,
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Creating the SQLite file's folder failed.
    #[error("creating the database folder: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// `Ok` when a statement changed exactly one row, [`StoreError::NotFound`] when it changed none.
    pub(crate) fn one_row(done: sqlx::any::AnyQueryResult) -> Result<(), StoreError> {
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Maps a unique-constraint violation to [`StoreError::Duplicate`], passing anything else through.
    pub(crate) fn unique(err: sqlx::Error, what: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
            _ => StoreError::Database(err),
        }
    }
}

/// A connection pool plus the knowledge of which backend it is.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Tells which backend a URL names, or refuses it.
    pub fn backend_of(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// Opens a pool; a SQLite file (and its folder) is created when missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let size = match Self::backend_of(url)? {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        Self::connect_with_pool_size(url, size).await
    }

    /// [`Store::connect`] with at most `size` connections (a pool of one shows a leaked one).
    pub async fn connect_with_pool_size(url: &str, size: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Self::backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => {
                let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
                let path = path.split('?').next().unwrap_or_default();
                if let Some(parent) = Path::new(path)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent)?;
                }
                if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(size.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA busy_timeout = 5000",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA synchronous = NORMAL",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations for this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite so writers queue instead of failing).
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Whether the database holds no business data yet (no staff, customers or invoices).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM staff) + (SELECT COUNT(*) FROM customers) \
             + (SELECT COUNT(*) FROM invoices) AS n",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    /// Deletes every business row (used by `porchlight demo --force`), keeping the schema.
    pub async fn wipe(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for table in [
            "throttle_events",
            "sessions",
            "auth_tokens",
            "staff_reset_tokens",
            "customer_accounts",
            "payments",
            "payment_attempts",
            "card_reminders",
            "card_edits",
            "card_requests",
            "processor_customers",
            "payment_method_events",
            "payment_methods",
            "gateway_charges",
            "gateway_tokens",
            "gateway_requests",
            "gateway_setups",
            "webhook_events",
            "gateway_customers",
            "invoice_lines",
            "invoices",
            "jobs",
            "customers",
            "settings_audit",
            "staff",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}
