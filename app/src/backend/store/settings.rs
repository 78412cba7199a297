//! The business's settings (one row) and their audit trail.

use super::{Store, StoreError};
use crate::domain::{StaffId, Timestamp};
use sqlx::Row;

/// The office's switches and the business identity used in customer emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// "Enable online payments".
    pub online_payments_enabled: bool,
    /// "Saved payments in Customer Portal (beta)".
    pub saved_payments_enabled: bool,
    /// Shown in the portal and in emails.
    pub business_name: String,
    /// Reply-To for customer emails; empty for none.
    pub reply_to_email: String,
}

impl Settings {
    /// Whether the portal offers saved cards and paying (both Online Payments switches on).
    pub fn saved_cards_on(&self) -> bool {
        self.online_payments_enabled && self.saved_payments_enabled
    }
}

/// One recorded change of one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsChange {
    /// Who changed it (`None` for the command line).
    pub staff_id: Option<StaffId>,
    /// When it changed.
    pub changed_at: Timestamp,
    /// Which setting.
    pub setting: String,
    /// The value before.
    pub old_value: String,
    /// The value after.
    pub new_value: String,
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

impl Store {
    /// The current settings.
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        let row = sqlx::query(
            "SELECT online_payments_enabled, saved_payments_enabled, business_name, reply_to_email \
             FROM settings WHERE id = 1",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Settings {
            online_payments_enabled: row.try_get::<i64, _>("online_payments_enabled")? != 0,
            saved_payments_enabled: row.try_get::<i64, _>("saved_payments_enabled")? != 0,
            business_name: row.try_get("business_name")?,
            reply_to_email: row.try_get("reply_to_email")?,
        })
    }

    /// Replaces the settings and records one audit row per changed value, in one transaction.
    pub async fn update_settings(
        &self,
        new: &Settings,
        by: Option<StaffId>,
        now: Timestamp,
    ) -> Result<Vec<SettingsChange>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT online_payments_enabled, saved_payments_enabled, business_name, reply_to_email \
             FROM settings WHERE id = 1",
        )
        .fetch_one(&mut *tx)
        .await?;
        let old = [
            (
                "online_payments_enabled",
                (row.try_get::<i64, _>("online_payments_enabled")? != 0).to_string(),
            ),
            (
                "saved_payments_enabled",
                (row.try_get::<i64, _>("saved_payments_enabled")? != 0).to_string(),
            ),
            ("business_name", row.try_get("business_name")?),
            ("reply_to_email", row.try_get("reply_to_email")?),
        ];
        let new_values = [
            new.online_payments_enabled.to_string(),
            new.saved_payments_enabled.to_string(),
            new.business_name.clone(),
            new.reply_to_email.clone(),
        ];
        sqlx::query(
            "UPDATE settings SET online_payments_enabled = $1, saved_payments_enabled = $2, \
             business_name = $3, reply_to_email = $4, updated_at = $5 WHERE id = 1",
        )
        .bind(flag(new.online_payments_enabled))
        .bind(flag(new.saved_payments_enabled))
        .bind(new.business_name.as_str())
        .bind(new.reply_to_email.as_str())
        .bind(now.unix())
        .execute(&mut *tx)
        .await?;
        let mut changes = Vec::new();
        for ((setting, old_value), new_value) in old.into_iter().zip(new_values) {
            if old_value == new_value {
                continue;
            }
            sqlx::query(
                "INSERT INTO settings_audit (staff_id, changed_at, setting, old_value, new_value) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(by.map(StaffId::get))
            .bind(now.unix())
            .bind(setting)
            .bind(old_value.as_str())
            .bind(new_value.as_str())
            .execute(&mut *tx)
            .await?;
            changes.push(SettingsChange {
                staff_id: by,
                changed_at: now,
                setting: setting.to_owned(),
                old_value,
                new_value,
            });
        }
        tx.commit().await?;
        Ok(changes)
    }

    /// Every recorded settings change, newest first.
    pub async fn settings_audit(&self) -> Result<Vec<SettingsChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT staff_id, changed_at, setting, old_value, new_value FROM settings_audit \
             ORDER BY changed_at DESC, id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SettingsChange {
                    staff_id: row.try_get::<Option<i64>, _>("staff_id")?.map(StaffId::new),
                    changed_at: Timestamp::from_unix(row.try_get("changed_at")?),
                    setting: row.try_get("setting")?,
                    old_value: row.try_get("old_value")?,
                    new_value: row.try_get("new_value")?,
                })
            })
            .collect()
    }
}
