//! The customer record's data: what `/office/customers/:id` shows, and "Invite to the portal".

#[cfg(feature = "ssr")]
use crate::error::{Context as _, FoundContext as _};
use crate::office::cards::AttemptRow;
use crate::{
    cards_ui::{CardRow, HistoryRow},
    domain::{
        Cents, CustomerId, CustomerKind, InvoiceId, JobId, Timestamp,
        status::{InvoiceStatus, JobStatus},
    },
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Whether the customer can use the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalStatus {
    /// Never invited, or the invitation expired.
    NoAccount,
    /// An invitation link is waiting to be used.
    InvitationSent,
    /// Signed up; the latest sign-in if any.
    Active(Option<Timestamp>),
}

/// A job row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRow {
    /// Id.
    pub id: JobId,
    /// Day.
    pub date: Timestamp,
    /// Work done.
    pub summary: String,
    /// Technician.
    pub technician: String,
    /// Scheduled, completed or cancelled.
    pub status: JobStatus,
}

/// An invoice row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    /// Id.
    pub id: InvoiceId,
    /// Number.
    pub number: String,
    /// Issued.
    pub issued_on: Timestamp,
    /// Due.
    pub due_on: Timestamp,
    /// Total.
    pub total: Cents,
    /// Still owed.
    pub balance: Cents,
    /// Open, partially paid, paid or void.
    pub status: InvoiceStatus,
    /// Whether it may be voided (nothing paid, not void).
    pub can_void: bool,
}

/// Everything the customer record shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFile {
    /// Id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Service address.
    pub service_address: String,
    /// Type.
    pub kind: CustomerKind,
    /// Portal status.
    pub portal: PortalStatus,
    /// Jobs, newest first.
    pub jobs: Vec<JobRow>,
    /// Invoices, newest first.
    pub invoices: Vec<InvoiceRow>,
    /// Sum of open balances.
    pub balance_due: Cents,
    /// Saved cards, primary first.
    pub cards: Vec<CardRow>,
    /// One page of the online payment attempts, newest first.
    pub payments: Vec<AttemptRow>,
    /// (page, pages) of the payment attempts.
    pub payments_paging: (u32, u32),
    /// Payment-method history, newest first.
    pub history: Vec<HistoryRow>,
}

/// Payment attempts shown per page of the record.
#[cfg(feature = "ssr")]
const ATTEMPTS_PER_PAGE: u32 = 20;

/// The customer record (any staff role).
#[server(endpoint = "office/customer")]
pub async fn customer_record(
    id: String,
    payments_page: Option<u32>,
) -> Result<CustomerFile, AppError> {
    use crate::backend::store::{AttemptPage, AttemptQuery};
    let (state, _) = crate::office::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let customer = state.store.customer(id).await.found("reading a customer")?;
    let account = state
        .store
        .account_info(id)
        .await
        .found("reading an account")?;
    let portal = match account {
        Some(info) => PortalStatus::Active(info.last_sign_in_at),
        None if state
            .store
            .has_pending_invitation(id, state.clock.now())
            .await
            .found("reading invitations")? =>
        {
            PortalStatus::InvitationSent
        }
        None => PortalStatus::NoAccount,
    };
    let jobs = state
        .store
        .jobs_for_customer(id)
        .await
        .found("reading jobs")?;
    let invoices = state
        .store
        .invoices_for_customer(id)
        .await
        .found("reading invoices")?;
    let events = state
        .store
        .payment_method_events(id)
        .await
        .found("reading card history")?;
    let cards = state
        .store
        .cards_for_customer(id)
        .await
        .found("reading cards")?;
    let now = state.clock.now();
    let AttemptPage {
        attempts,
        paging: payments_paging,
    } = state
        .store
        .attempts_page(
            id,
            AttemptQuery {
                invoice: None,
                settled_only: false,
                page: payments_page,
                per_page: ATTEMPTS_PER_PAGE,
            },
        )
        .await
        .found("reading payments")?;
    let payments = attempts
        .into_iter()
        .map(|a| AttemptRow {
            at: a.created_at,
            invoice: invoices
                .iter()
                .find(|i| i.id == a.invoice_id)
                .map(|i| i.number.clone())
                .unwrap_or_default(),
            card: a.card.to_string(),
            amount: a.amount,
            status: a.status,
        })
        .collect();
    let balance_due = invoices.iter().fold(Cents::ZERO, |sum, i| {
        sum.checked_add(i.balance()).unwrap_or(sum)
    });
    Ok(CustomerFile {
        id,
        name: customer.name,
        email: customer.email.to_string(),
        phone: customer.phone,
        service_address: customer.service_address,
        kind: customer.kind,
        portal,
        jobs: jobs
            .into_iter()
            .map(|j| JobRow {
                id: j.id,
                date: j.scheduled_on,
                summary: j.summary,
                technician: j.technician,
                status: j.status,
            })
            .collect(),
        invoices: invoices
            .into_iter()
            .map(|i| InvoiceRow {
                id: i.id,
                number: i.number.clone(),
                issued_on: i.issued_on,
                due_on: i.due_on,
                total: i.total,
                balance: i.balance(),
                status: i.status(),
                can_void: !i.voided && i.paid == Cents::ZERO,
            })
            .collect(),
        balance_due,
        cards: cards.iter().map(|c| CardRow::from_saved(c, now)).collect(),
        payments,
        payments_paging,
        history: events.into_iter().map(HistoryRow::from_event).collect(),
    })
}

/// Sends the customer the same invitation email as the portal's "Request an invitation".
#[server(endpoint = "office/customers/invite")]
pub async fn invite_customer(id: String) -> Result<String, AppError> {
    use crate::backend::auth::accounts;
    let (state, _) = crate::office::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let customer = state
        .store
        .customer(id)
        .await
        .map_err(|_| AppError::NotFound)?;
    if state
        .store
        .account_info(id)
        .await
        .context("reading an account")?
        .is_some()
    {
        return Err(AppError::Conflict(
            "This customer already has a portal account.".into(),
        ));
    }
    if accounts::send_invitation(&state, &customer.email).await? {
        Ok(format!("Invitation sent to {}.", customer.email))
    } else {
        Err(AppError::Conflict(
            "This customer was already sent several invitations in the last hour. Please try again later.".into(),
        ))
    }
}
