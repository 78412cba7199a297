//! The command line: `serve` (default), `migrate`, `staff add`, `demo`, `sandbox`, `backup`, `check`, each
//! taking the configuration options (or their environment variables).

mod sandbox;
mod serve;
mod staff;
#[cfg(test)]
mod tests;

pub use staff::add_staff;

use crate::{
    config::{Config, ConfigArgs, ignore_empty_variables},
    telemetry,
};
use app::backend::{Clock, PasswordHasher, Store, StoreError, gateway::sandbox::SandboxGateway};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

/// Said under every `--help`.
const AFTER_HELP: &str = "\
Each configuration option can be given as the environment variable named beside it; an option \
wins over its variable, and a variable set to an empty value counts as unset.";

/// Porchlight: a self-hosted customer portal for home-service businesses.
#[derive(Debug, Parser)]
#[command(name = "porchlight", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The configuration every command reads.
    #[command(flatten)]
    pub config: ConfigArgs,
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
    /// Play the built-in sandbox processor's events against a running server (testing and demos).
    #[command(subcommand)]
    Sandbox(SandboxCommand),
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

/// What the sandbox processor can play.
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// The card network gives a saved card a new expiry; its webhook goes to the server.
    CardUpdate {
        /// The customer's sign-in email.
        #[arg(long)]
        email: String,
        /// The last 4 digits of the saved card.
        #[arg(long)]
        last4: String,
        /// The new expiry, MM/YY.
        #[arg(long)]
        expiry: String,
        /// Deliver the event twice (a processor's retry); the second changes nothing.
        #[arg(long)]
        twice: bool,
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

/// The command line [`run`] parses: [`Cli`], with configuration variables set to an empty
/// value counted as unset.
pub fn command() -> clap::Command {
    ignore_empty_variables(Cli::command(), |name| std::env::var_os(name))
}

/// Parses arguments, runs the command and turns the outcome into an exit code.
pub async fn run() -> ExitCode {
    let matches = command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let outcome = match Config::from_args(cli.config, &matches) {
        Ok(config) => {
            telemetry::init(&config.log_filter);
            execute(cli.command.unwrap_or(Command::Serve), config).await
        }
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("porchlight: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command, config: Config) -> Result<(), CliError> {
    match command {
        Command::Serve => serve::serve(config).await,
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
        }) => staff::add_from_stdin(&config, &email, &name, &role).await,
        Command::Check => {
            let store = open_store(&config).await?;
            let broken = store.invariant_violations().await?;
            if broken.is_empty() {
                eprintln!("porchlight: all {} rules hold", Store::invariant_count());
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
        Command::Demo { force } => demo(&config, force).await,
        Command::Sandbox(SandboxCommand::CardUpdate {
            email,
            last4,
            expiry,
            twice,
        }) => sandbox::card_update(&config, &email, &last4, &expiry, twice).await,
    }
}

/// Loads the demo business (replacing what the database holds only with `force`).
async fn demo(config: &Config, force: bool) -> Result<(), CliError> {
    if !matches!(config.gateway, crate::config::GatewayConfig::Sandbox) {
        return Err(CliError::Input(format!(
            "the demo's cards live in the built-in sandbox; run it with {}=sandbox",
            crate::config::GATEWAY_VAR
        )));
    }
    let store = open_store(config).await?;
    if !store.is_empty().await? {
        if !force {
            return Err(CliError::Input(
                "the database already holds data; run `porchlight demo --force` to replace it with the demo".into(),
            ));
        }
        store.wipe().await?;
    }
    let gateway = SandboxGateway::new(store.clone(), config.load_secret()?, Clock::system());
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

/// Connects to the configured database and applies pending migrations.
async fn open_store(config: &Config) -> Result<Store, CliError> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    Ok(store)
}
