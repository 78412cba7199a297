//! This installation's id, made once by the migration that created its table.

use super::{Store, StoreError, staff::decode_error};
use crate::domain::InstallId;
use sqlx::Row;

impl Store {
    /// This installation's id (the same for every call and every server on this database).
    pub async fn install_id(&self) -> Result<InstallId, StoreError> {
        let id: String = sqlx::query("SELECT install_id FROM installation WHERE id = 1")
            .fetch_one(self.pool())
            .await?
            .try_get("install_id")?;
        InstallId::parse(&id)
            .ok_or_else(|| decode_error("installation.install_id", "not 32 hex digits").into())
    }
}
