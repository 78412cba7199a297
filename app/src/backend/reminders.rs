//! The expiry-reminder job: every pass finds the saved cards due a reminder (30 days before they
//! stop working, and once they have), claims each reminder in the database, emails the customer
//! with a link that opens Edit for that card, and marks it sent. Several servers may run it at
//! once on one database: each reminder goes out once.

use super::{
    AppState, StoreError,
    mail::{business_sender, templates},
    store::ReminderKey,
};
use std::time::Duration;

/// How often a server looks for due reminders.
pub const REMINDERS_EVERY: Duration = Duration::from_secs(60 * 60);
/// A claim older than this without its email sent is taken to be abandoned (the server stopped).
pub const CLAIM_LEASE_SECS: i64 = 15 * 60;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Reminders emailed.
    pub sent: usize,
    /// Reminders whose email failed (given back for the next pass).
    pub failed: usize,
}

/// Where "Update card" leads: Saved Payment Methods with Edit open for the card.
pub fn update_link(state: &AppState, key: &ReminderKey) -> String {
    format!(
        "{}/payment-methods?edit={}",
        state.public.origin(),
        key.card
    )
}

/// Sends every reminder due now that no other server has taken; nothing while saved cards are
/// switched off in Settings.
pub async fn send_due_reminders(state: &AppState) -> Result<Pass, StoreError> {
    let settings = state.store.settings().await?;
    if !settings.saved_cards_on() {
        return Ok(Pass::default());
    }
    let now = state.clock.now();
    let stale_before = now.plus_seconds(-CLAIM_LEASE_SECS);
    let Ok(sender) = business_sender(state).await else {
        return Ok(Pass::default());
    };
    let mut pass = Pass::default();
    for (card, kind) in state.store.due_reminders(now, stale_before).await? {
        let key = ReminderKey {
            card: card.id,
            expiry: card.expiry,
            kind,
        };
        if !state.store.claim_reminder(key, now, stale_before).await? {
            continue;
        }
        let customer = state.store.customer(card.customer_id).await?;
        let email = templates::expiry_reminder(
            &customer.email,
            &customer.name,
            &sender.name,
            kind,
            &card.card.to_string(),
            &card.expiry.to_string(),
            card.is_primary,
            &update_link(state, &key),
        );
        match state.mailer.send(&sender, &email).await {
            Ok(()) => {
                state.store.reminder_sent(key, state.clock.now()).await?;
                tracing::info!(card = %card.id, kind = kind.code(), "expiry reminder sent");
                pass.sent += 1;
            }
            Err(e) => {
                tracing::warn!(card = %card.id, kind = kind.code(), error = %e, "expiry reminder failed; the next pass tries again");
                state.store.release_reminder(key).await?;
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// Runs [`send_due_reminders`] now and then every [`REMINDERS_EVERY`], logging failures.
pub async fn run_forever(state: AppState) {
    loop {
        match send_due_reminders(&state).await {
            Ok(Pass { sent: 0, failed: 0 }) => {}
            Ok(pass) => tracing::info!(sent = pass.sent, failed = pass.failed, "expiry reminders"),
            Err(e) => tracing::warn!(error = %e, "expiry reminders: will retry"),
        }
        tokio::time::sleep(REMINDERS_EVERY).await;
    }
}
