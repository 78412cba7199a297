//! The card-on-file terms' versions: each save adds one, older texts stay.

use super::{Store, StoreError};
use crate::domain::{StaffId, Timestamp, consent::CardTerms};
use sqlx::Row;

/// A saved version of the terms, with who saved it (none for the default the business began with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedTerms {
    /// Version and text.
    pub terms: CardTerms,
    /// When it was saved.
    pub saved_at: Timestamp,
    /// The staff member's name.
    pub saved_by: Option<String>,
}

impl Store {
    /// Every saved version, newest first (empty while the default terms were never changed).
    pub async fn card_terms_versions(&self) -> Result<Vec<SavedTerms>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.version, t.body, t.saved_at, s.name AS staff_name FROM card_terms t \
             LEFT JOIN staff s ON s.id = t.saved_by ORDER BY t.version DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SavedTerms {
                    terms: CardTerms {
                        version: u32::try_from(row.try_get::<i64, _>("version")?)
                            .map_err(|e| super::staff::decode_error("card_terms.version", e))?,
                        text: row.try_get("body")?,
                    },
                    saved_at: Timestamp::from_unix(row.try_get("saved_at")?),
                    saved_by: row.try_get("staff_name")?,
                })
            })
            .collect()
    }

    /// Saves new terms as the next version. The first save also keeps `default_text` (what
    /// customers agreed to until then) as version 1. The new version.
    pub async fn save_card_terms(
        &self,
        text: &str,
        default_text: &str,
        staff: StaffId,
        at: Timestamp,
    ) -> Result<u32, StoreError> {
        let mut tx = self.begin_write().await?;
        let latest: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM card_terms")
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        let next = match latest {
            Some(v) => v + 1,
            None => {
                sqlx::query(
                    "INSERT INTO card_terms (version, body, saved_at, saved_by) VALUES (1, $1, $2, NULL)",
                )
                .bind(default_text)
                .bind(at.unix())
                .execute(&mut *tx)
                .await?;
                2
            }
        };
        sqlx::query(
            "INSERT INTO card_terms (version, body, saved_at, saved_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(next)
        .bind(text)
        .bind(at.unix())
        .bind(staff.get())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "terms version"))?;
        tx.commit().await?;
        u32::try_from(next).map_err(|e| super::staff::decode_error("card_terms.version", e).into())
    }
}
