//! The customer record's data: what `/office/customers/:id` shows, "Invite to the portal" and
//! "Request card on file".

use crate::office::cards::AttemptRow;
use crate::{
    cards_ui::{CardRow, HistoryRow},
    domain::{Cents, CustomerId, CustomerKind, PortalStatus},
    error::AppError,
    rows::{InvoiceRow, JobRow},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the customer record shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFile {
    pub id: CustomerId,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// Service address.
    pub service_address: String,
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
    /// "Request card on file" requests, newest first.
    pub card_requests: Vec<CardRequestRow>,
}

/// One "Request card on file" as the record lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRequestRow {
    /// Who asked.
    pub staff_name: String,
    /// When ("2026-12-05 14:02 UTC").
    pub requested_at: String,
    /// Sent with a portal invitation.
    pub invited: bool,
    /// When the customer added a card since, if they did.
    pub card_added_at: Option<String>,
}

impl CardRequestRow {
    /// "Requested by Alex Admin on … (with an invitation): card added …" / "…: sent".
    pub fn sentence(&self) -> String {
        let how = if self.invited {
            " with a portal invitation"
        } else {
            ""
        };
        let state = match &self.card_added_at {
            Some(at) => format!("card added {at}"),
            None => "sent, no card added yet".to_owned(),
        };
        format!(
            "Card on file requested by {} on {}{how}: {state}.",
            self.staff_name, self.requested_at
        )
    }
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
    use crate::backend::{records, store::AttemptQuery};
    let (state, _) = crate::office::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let query = AttemptQuery {
        invoice: None,
        settled_only: false,
        page: payments_page,
        per_page: ATTEMPTS_PER_PAGE,
    };
    let record = records::customer_record(&state, id, query).await?;
    Ok(CustomerFile::new(record, state.clock.now()))
}

#[cfg(feature = "ssr")]
impl CustomerFile {
    fn new(r: crate::backend::records::CustomerRecord, now: crate::domain::Timestamp) -> Self {
        let number = |id| {
            r.invoices
                .iter()
                .find(|i| i.id == id)
                .map(|i| i.number.clone())
                .unwrap_or_default()
        };
        let payments = r
            .attempts
            .attempts
            .into_iter()
            .map(|a| AttemptRow {
                at: a.created_at,
                invoice: number(a.invoice_id),
                card: a.card.to_string(),
                amount: a.amount,
                status: a.status,
                refunded: a.refunded,
                disputed: a.disputed,
            })
            .collect();
        let invoices: Vec<InvoiceRow> = r.invoices.iter().cloned().map(InvoiceRow::from).collect();
        CustomerFile {
            id: r.customer.id,
            balance_due: Cents::sum(invoices.iter().map(|i| i.balance)),
            name: r.customer.name,
            email: r.customer.email.to_string(),
            phone: r.customer.phone,
            service_address: r.customer.service_address,
            kind: r.customer.kind,
            portal: r.portal,
            jobs: r.jobs.into_iter().map(JobRow::from).collect(),
            invoices,
            cards: r
                .cards
                .iter()
                .map(|c| CardRow::from_saved(c, now))
                .collect(),
            payments,
            payments_paging: r.attempts.paging,
            history: r.history.into_iter().map(HistoryRow::from_event).collect(),
            card_requests: r
                .card_requests
                .into_iter()
                .map(|c| CardRequestRow {
                    staff_name: c.staff_name,
                    requested_at: c.requested_at.date_time(),
                    invited: c.invited,
                    card_added_at: c.card_added_at.map(|t| t.date_time()),
                })
                .collect(),
        }
    }
}

/// Asks the customer to save a card on file (by email, or with the portal invitation).
#[server(endpoint = "office/customers/request-card")]
pub async fn request_card_on_file(id: String) -> Result<String, AppError> {
    let (state, staff) = crate::office::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    crate::backend::card_requests::request_card_on_file(&state, id, staff.id).await
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
    if accounts::has_account(&state, id).await? {
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
