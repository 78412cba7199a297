//! `porchlight staff add`: a new office user, its password read from standard input.

use super::{CliError, open_store};
use crate::config::Config;
use app::{
    backend::{Clock, PasswordHasher, Store, StoreError, store::NewStaff},
    domain::{EmailAddress, Password, StaffRole},
};
use std::io::Read;

/// Reads the password from standard input (one line; its line ending dropped) and adds the user.
pub(super) async fn add_from_stdin(
    config: &Config,
    email: &str,
    name: &str,
    role: &str,
) -> Result<(), CliError> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| {
            CliError::Input(format!("cannot read the password from standard input: {e}"))
        })?;
    let password = password.strip_suffix('\n').unwrap_or(&password);
    let password = password.strip_suffix('\r').unwrap_or(password);
    let store = open_store(config).await?;
    add_staff(
        &store,
        &PasswordHasher::default(),
        email,
        name,
        role,
        password,
    )
    .await?;
    eprintln!("porchlight: added {role} {email}");
    Ok(())
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
