//! A consistent copy of a SQLite database, taken while the server keeps running.

use super::{Backend, Store, StoreError};
use std::path::Path;

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// PostgreSQL has its own tool for this.
    #[error("a PostgreSQL database is backed up with pg_dump (see README, \"Backups\")")]
    Postgres,
    /// The target file is already there; a backup never overwrites one.
    #[error("{0} already exists; choose a new file name")]
    Exists(String),
    /// The database could not write the copy.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Writes the whole SQLite database to the new file `path` (`VACUUM INTO`: one consistent
    /// snapshot, readers and writers carry on), readable by its owner only.
    pub async fn backup_to(&self, path: &Path) -> Result<(), BackupError> {
        if self.backend() == Backend::Postgres {
            return Err(BackupError::Postgres);
        }
        if path.exists() {
            return Err(BackupError::Exists(path.display().to_string()));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(self.pool())
            .await
            .map_err(StoreError::from)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(StoreError::from)?;
        }
        Ok(())
    }
}
