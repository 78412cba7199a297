//! Settings › Invoicing › Online Payments (admins only), with its change history.

use super::auth::AdminOnly;
#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    domain::Timestamp,
    error::AppError,
    ui::{Loaded, SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One recorded settings change, as the audit list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: Timestamp,
    /// Who (staff name, or "command line").
    pub who: String,
    /// Which setting, in words.
    pub setting: String,
    pub old_value: String,
    pub new_value: String,
}

/// The Online Payments page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlinePaymentsView {
    /// "Enable online payments".
    pub online_payments: bool,
    /// "Saved payments in Customer Portal (beta)".
    pub saved_payments: bool,
    /// Business name for customer emails.
    pub business_name: String,
    /// Reply-to email for customer emails.
    pub reply_to_email: String,
    /// The payment processor in use, e.g. "Porchlight sandbox".
    pub processor: String,
    /// Whether it is in test mode (no real money moves).
    pub test_mode: bool,
    /// When the processor last sent a webhook, if ever.
    pub last_webhook: Option<crate::domain::Timestamp>,
    /// Change history, newest first.
    pub audit: Vec<AuditRow>,
}

#[cfg(feature = "ssr")]
fn setting_label(key: &str) -> String {
    match key {
        "online_payments_enabled" => "Enable online payments",
        "saved_payments_enabled" => "Saved payments in Customer Portal (beta)",
        "business_name" => "Business name",
        "reply_to_email" => "Reply-to email",
        other => other,
    }
    .to_owned()
}

/// The current settings and their history (admins only).
#[server(endpoint = "office/settings")]
pub async fn online_payments_settings() -> Result<OnlinePaymentsView, AppError> {
    let (state, _) = super::auth::require_staff(true).await?;
    let settings = state.store.settings().await.context("reading settings")?;
    let audit = state
        .store
        .settings_audit()
        .await
        .context("reading the audit")?;
    let staff = state.store.list_staff().await.context("reading staff")?;
    let name_of = |id: Option<crate::domain::StaffId>| match id {
        Some(id) => staff
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| format!("Staff #{id}"), |s| s.name.clone()),
        None => "Command line".to_owned(),
    };
    Ok(OnlinePaymentsView {
        online_payments: settings.online_payments_enabled,
        saved_payments: settings.saved_payments_enabled,
        business_name: settings.business_name,
        reply_to_email: settings.reply_to_email,
        processor: state.gateway.name().to_owned(),
        test_mode: state.gateway.mode() == crate::backend::gateway::Mode::Test,
        last_webhook: state
            .store
            .last_webhook_at()
            .await
            .context("reading the last webhook")?,
        audit: audit
            .into_iter()
            .map(|c| AuditRow {
                at: c.changed_at,
                who: name_of(c.staff_id),
                setting: setting_label(&c.setting),
                old_value: c.old_value,
                new_value: c.new_value,
            })
            .collect(),
    })
}

/// Asks the payment processor whether it answers with the configured credentials (admins only).
#[server(endpoint = "office/settings/test-connection")]
pub async fn test_processor_connection() -> Result<String, AppError> {
    let (state, _) = super::auth::require_staff(true).await?;
    let name = state.gateway.name();
    match state.gateway.check().await {
        Ok(()) => Ok(format!("{name} answered: the connection works.")),
        Err(cause) => {
            tracing::error!(%cause, "processor connection check failed");
            Err(AppError::Unavailable(format!(
                "{name} did not answer. Check the API key and the network, then try again."
            )))
        }
    }
}

/// Saves the Online Payments settings (admins only); each changed value is audited.
#[server(endpoint = "office/settings/save")]
pub async fn save_online_payments(
    online_payments: Option<String>,
    saved_payments: Option<String>,
    business_name: String,
    reply_to_email: String,
) -> Result<(), AppError> {
    use crate::{
        backend::store::Settings,
        domain::{EmailAddress, customer::bounded_text},
    };
    let (state, staff) = super::auth::require_staff(true).await?;
    let mut errors = Vec::new();
    let business_name = bounded_text(&business_name, "the business name", 100, true)
        .map_err(|e| errors.push(("business_name", e)))
        .unwrap_or_default();
    let reply_to_email = if reply_to_email.trim().is_empty() {
        String::new()
    } else {
        EmailAddress::parse(&reply_to_email)
            .map(|e| e.to_string())
            .map_err(|e| errors.push(("reply_to_email", e.to_string())))
            .unwrap_or_default()
    };
    AppError::from_fields(errors)?;
    let new = Settings {
        online_payments_enabled: online_payments.is_some(),
        saved_payments_enabled: saved_payments.is_some(),
        business_name,
        reply_to_email,
    };
    state
        .store
        .update_settings(&new, Some(staff.id), state.clock.now())
        .await
        .context("saving settings")?;
    Ok(())
}

/// `/office/settings/online-payments`.
#[component]
pub fn OnlinePaymentsPage() -> impl IntoView {
    view! {
        <Title text="Online Payments" />
        <OnlinePaymentsForm />
    }
}

/// "Test connection" and its answer (a plain form post without JavaScript).
#[component]
fn ConnectionCheck() -> impl IntoView {
    let check = crate::ui::form_action::<TestProcessorConnection>();
    let worked = move || check.value().get().and_then(Result::ok);
    let failed = move || {
        check
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <p class="notice notice--ok" role="status">{worked}</p>
        <p class="form__error" role="alert">{failed}</p>
        <ActionForm action=check attr:class="form">
            <SubmitButton label="Test connection" busy="Testing…" pending=check.pending() />
        </ActionForm>
    }
}

#[component]
fn OnlinePaymentsForm() -> impl IntoView {
    let save = crate::ui::form_action::<SaveOnlinePayments>();
    // The form loads once (so a reload never overwrites what the admin is editing); the change
    // history reloads after every save.
    let data = Resource::new(|| (), |_| online_payments_settings());
    let history = Resource::new(move || save.version().get(), |_| online_payments_settings());
    let error = action_error(save);
    let saved = move || matches!(save.value().get(), Some(Ok(()))).then_some("Settings saved.");
    // After a refused post without JavaScript the switches show what was sent (a box left
    // unticked sends nothing).
    let refused = save.value().with_untracked(|v| matches!(v, Some(Err(_))));
    let switch = move |name: &str, stored: bool| {
        if refused {
            crate::ui::kept_input(name).is_some()
        } else {
            stored
        }
    };
    view! {
        <AdminOnly>
        <p class="breadcrumb">"Settings › Invoicing"</p>
        <h1>"Online Payments"</h1>
        <Loaded resource=data loading="Loading…" let:v>
            <section class="card">
                            <p class="notice notice--ok" role="status">{saved}</p>
                            <ActionForm action=save attr:novalidate=true attr:class="form">
                                <label class="switch">
                                    <input type="checkbox" role="switch" name="online_payments" value="on" checked=switch("online_payments", v.online_payments) />
                                    <span>"Enable online payments"</span>
                                </label>
                                <label class="switch">
                                    <input type="checkbox" role="switch" name="saved_payments" value="on" checked=switch("saved_payments", v.saved_payments) />
                                    <span>"Saved payments in Customer Portal (beta)"</span>
                                </label>
                                <p class="field__hint">"Saved cards and paying in the portal only work while online payments are enabled."</p>
                                <TextField label="Business name" name="business_name" id="business-name" value=v.business_name.clone()
                                    hint="Shown in the portal and in customer emails." error=field_message(error, "business_name") />
                                <TextField label="Reply-to email" name="reply_to_email" id="reply-to" kind="email" optional=true
                                    value=v.reply_to_email.clone() hint="Where customers' replies to our emails go (optional)."
                                    error=field_message(error, "reply_to_email") />
                                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                                <SubmitButton label="Save settings" busy="Saving…" pending=save.pending() />
                            </ActionForm>
                        </section>
            <section class="card" aria-labelledby="processor-heading">
                <h2 id="processor-heading">"Payment processor"</h2>
                <p>
                    {v.processor.clone()}
                    {if v.test_mode {
                        ", test mode: cards are checked and never charged, no real money moves."
                    } else {
                        ", live: payments charge real cards."
                    }}
                </p>
                <p>{match v.last_webhook {
                    Some(at) => format!("Last webhook received: {}.", at.date_time()),
                    None => "No webhook received yet.".to_owned(),
                }}</p>
                <ConnectionCheck />
            </section>
        </Loaded>
        <super::card_terms::CardTermsSection />
        <section class="card" aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Change history"</h2>
            <Loaded resource=history loading="Loading…" let:v>
                {if v.audit.is_empty() {
                    view! { <p>"No changes recorded yet."</p> }.into_any()
                } else {
                    view! {
                            <div class="table-wrap" tabindex="0">
                                <table>
                                    <thead><tr><th>"When"</th><th>"Who"</th><th>"Setting"</th><th>"Change"</th></tr></thead>
                                    <tbody>
                                        {v.audit.into_iter().map(|row| view! {
                                            <tr>
                                                <td>{row.at.date_time()}</td>
                                                <td>{row.who}</td>
                                                <td>{row.setting}</td>
                                                <td>{format!("{} → {}", row.old_value, row.new_value)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                    }.into_any()
                }}
            </Loaded>
        </section>
        </AdminOnly>
    }
}
