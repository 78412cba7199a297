//! The command line: `serve` (default), `migrate`, `staff add`, `demo`, `backup`, `check`.

use crate::{
    config::{Config, VARIABLES},
    startup, telemetry,
};
use app::{
    backend::{
        AppState, Clock, PasswordHasher, Store, StoreError, gateway::sandbox::SandboxGateway,
        mail::Mailer, store::NewStaff,
    },
    domain::{EmailAddress, Password, StaffRole},
};
use clap::{Parser, Subcommand};
use std::{io::Read, process::ExitCode, sync::Arc};

/// Porchlight: a self-hosted customer portal for home-service businesses.
#[derive(Debug, Parser)]
#[command(name = "porchlight", version, after_help = VARIABLES)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The tasks the binary performs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve the portal on LEPTOS_SITE_ADDR.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage office staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Load a demo business into an empty database and print its logins.
    Demo {
        /// Replace whatever the database already holds.
        #[arg(long)]
        force: bool,
    },
    /// Check the rules the data must keep (one primary card, balances, one charge per key).
    Check,
    /// Copy the SQLite database to a new file while the server keeps running.
    Backup {
        /// The file to create (never overwritten).
        file: std::path::PathBuf,
    },
}

/// Staff tasks.
#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a staff member (e.g. the first admin of a new install).
    Add {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin or accountant.
        #[arg(long)]
        role: String,
        /// Read the password from standard input (required, so it never appears in `ps`).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// A failure the operator can act on, printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Bad command-line input.
    #[error("{0}")]
    Input(String),
    /// The database failed.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

/// Parses arguments, runs the command and turns the outcome into an exit code.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    match execute(cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("porchlight: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command) -> Result<(), CliError> {
    let config = Config::from_env()?;
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            open_store(&config).await?;
            eprintln!("porchlight: migrations applied");
            Ok(())
        }
        Command::Staff(StaffCommand::Add {
            email,
            name,
            role,
            password_stdin: _,
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| {
                    CliError::Input(format!("cannot read the password from standard input: {e}"))
                })?;
            let password = password.strip_suffix('\n').unwrap_or(&password);
            let password = password.strip_suffix('\r').unwrap_or(password);
            let store = open_store(&config).await?;
            add_staff(
                &store,
                &PasswordHasher::default(),
                &email,
                &name,
                &role,
                password,
            )
            .await?;
            eprintln!("porchlight: added {role} {email}");
            Ok(())
        }
        Command::Check => {
            let store = open_store(&config).await?;
            let broken = store.invariant_violations().await?;
            if broken.is_empty() {
                eprintln!(
                    "porchlight: all {} rules hold",
                    app::backend::Store::invariant_count()
                );
                return Ok(());
            }
            for v in &broken {
                eprintln!("porchlight: broken: {} ({})", v.rule, v.subject);
            }
            Err(CliError::Other(format!("{} broken rule(s)", broken.len())))
        }
        Command::Backup { file } => {
            let store = open_store(&config).await?;
            store.backup_to(&file).await.map_err(|e| match e {
                app::backend::store::BackupError::Store(e) => CliError::Store(e),
                refused => CliError::Input(refused.to_string()),
            })?;
            eprintln!("porchlight: database copied to {}", file.display());
            Ok(())
        }
        Command::Demo { force } => {
            let store = open_store(&config).await?;
            if !store.is_empty().await? {
                if !force {
                    return Err(CliError::Input(
                        "the database already holds data; run `porchlight demo --force` to replace it with the demo".into(),
                    ));
                }
                store.wipe().await?;
            }
            let gateway =
                SandboxGateway::new(store.clone(), config.load_secret()?, Clock::system());
            let logins = crate::demo::load(
                &store,
                &PasswordHasher::default(),
                &Clock::system(),
                &gateway,
            )
            .await?;
            #[allow(clippy::print_stdout)]
            {
                println!("{logins}");
            }
            Ok(())
        }
    }
}

/// Validates and stores a new staff member; refuses weak passwords with the policy's message.
pub async fn add_staff(
    store: &Store,
    hasher: &PasswordHasher,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<(), CliError> {
    let email = EmailAddress::parse(email).map_err(|e| CliError::Input(format!("--email: {e}")))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CliError::Input(
            "--name: enter a name of 1 to 100 characters.".into(),
        ));
    }
    let role: StaffRole = role
        .parse()
        .map_err(|e| CliError::Input(format!("--role: {e}")))?;
    let password =
        Password::parse(password).map_err(|e| CliError::Input(format!("password refused: {e}")))?;
    let password_hash = hasher
        .hash(&password)
        .await
        .map_err(|e| CliError::Other(e.to_string()))?;
    let new = NewStaff {
        email,
        name: name.to_owned(),
        role,
        password_hash,
    };
    match store.insert_staff(&new, Clock::system().now()).await {
        Err(StoreError::Duplicate(_)) => Err(CliError::Input(
            "--email: a staff member with this email already exists.".into(),
        )),
        other => other.map(|_| ()).map_err(CliError::from),
    }
}

async fn open_store(config: &Config) -> Result<Store, CliError> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

/// How often expired rows are deleted.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

async fn serve(config: Config) -> Result<(), CliError> {
    let secret = config.load_secret()?;
    let secret_for_gateway = secret.clone();
    let store = open_store(&config).await?;
    let leptos_options = leptos::config::get_configuration(None)
        .map_err(|e| CliError::Other(format!("Leptos configuration (LEPTOS_*): {e}")))?
        .leptos_options;
    let addr = leptos_options.site_addr;
    let public = config.public_settings();
    let mailer = Mailer::new(&public).map_err(|e| {
        CliError::Other(format!("PORCHLIGHT_SMTP_URL / PORCHLIGHT_OUTBOX_DIR: {e}"))
    })?;
    let state = AppState {
        store: store.clone(),
        secret,
        passwords: PasswordHasher::default(),
        clock: Clock::system(),
        public: Arc::new(public),
        mailer,
        gateway: Arc::new(SandboxGateway::new(
            store.clone(),
            secret_for_gateway,
            Clock::system(),
        )),
        leptos_options,
    };
    // Payments a crash left half-done are finished at once (asking the gateway with their own
    // keys); later, attempts pending for longer than a short grace are finished the same way.
    let reconcile = state.clone();
    tokio::spawn(async move {
        use app::backend::payments::{PENDING_GRACE_SECS, RECONCILE_EVERY, reconcile_pending};
        reconcile_pending(&reconcile, 0).await;
        loop {
            tokio::time::sleep(RECONCILE_EVERY).await;
            reconcile_pending(&reconcile, PENDING_GRACE_SECS).await;
        }
    });
    // Expired sessions, one-time links, unused sandbox tokens and old counters are deleted in
    // the background, never on a request's path.
    let purge = state.clone();
    tokio::spawn(async move {
        loop {
            match purge.store.purge_expired(purge.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "purged expired rows"),
                Err(e) => tracing::warn!(error = %e, "purging expired rows failed; will retry"),
            }
            tokio::time::sleep(PURGE_EVERY).await;
        }
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Other(format!("LEPTOS_SITE_ADDR: cannot listen on {addr}: {e}")))?;
    let site = crate::site::Site::choose(config.site_root_set);
    match site {
        crate::site::Site::Embedded(files) => {
            tracing::info!(
                files = files.len(),
                "serving the site compiled into this binary"
            );
        }
        crate::site::Site::Disk => tracing::info!(
            root = %state.leptos_options.site_root,
            "serving the site from disk (LEPTOS_SITE_ROOT)"
        ),
    }
    tracing::info!(
        "Porchlight is listening on http://{addr} (public URL {})",
        config.public_url
    );
    startup::serve(listener, startup::build_router(state, site))
        .await
        .map_err(|e| CliError::Other(format!("server error: {e}")))?;
    store.close().await;
    Ok(())
}
