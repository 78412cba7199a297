//! What the customer record and the customer's dashboard read, each in one call.

use super::{
    AppState,
    store::{AttemptPage, AttemptQuery, Customer, Invoice, Job, PaymentMethodEvent, SavedCard},
};
use crate::domain::{CustomerId, PortalStatus};
use crate::error::{AppError, FoundContext as _};

/// Everything the office's customer record shows, as stored.
#[derive(Debug, Clone)]
pub struct CustomerRecord {
    /// The customer's details.
    pub customer: Customer,
    /// Whether the customer can use the portal.
    pub portal: PortalStatus,
    /// Jobs, newest first.
    pub jobs: Vec<Job>,
    /// Invoices, void ones included, newest first.
    pub invoices: Vec<Invoice>,
    /// Saved cards, primary first.
    pub cards: Vec<SavedCard>,
    /// One page of the online payment attempts.
    pub attempts: AttemptPage,
    /// Card changes, newest first.
    pub history: Vec<PaymentMethodEvent>,
    /// The office's "Request card on file" requests, newest first.
    pub card_requests: Vec<crate::backend::store::CardRequest>,
}

/// A customer's record with `query`'s page of payment attempts; an unknown id is not found.
pub async fn customer_record(
    state: &AppState,
    id: CustomerId,
    query: AttemptQuery,
) -> Result<CustomerRecord, AppError> {
    let store = &state.store;
    let customer = store.customer(id).await.found("reading a customer")?;
    let portal = match store.account_info(id).await.found("reading an account")? {
        Some(info) => PortalStatus::Active(info.last_sign_in_at),
        None if store
            .has_pending_invitation(id, state.clock.now())
            .await
            .found("reading invitations")? =>
        {
            PortalStatus::InvitationSent
        }
        None => PortalStatus::NoAccount,
    };
    Ok(CustomerRecord {
        customer,
        portal,
        jobs: store.jobs_for_customer(id).await.found("reading jobs")?,
        invoices: store
            .invoices_for_customer(id)
            .await
            .found("reading invoices")?,
        cards: store.cards_for_customer(id).await.found("reading cards")?,
        attempts: store
            .attempts_page(id, query)
            .await
            .found("reading payments")?,
        history: store
            .payment_method_events(id)
            .await
            .found("reading card history")?,
        card_requests: store
            .card_requests(id)
            .await
            .found("reading card requests")?,
    })
}

/// What a signed-in customer's dashboard starts from, as stored.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The customer's details.
    pub customer: Customer,
    /// Invoices that are not void, newest first.
    pub invoices: Vec<Invoice>,
    /// Jobs, newest first.
    pub jobs: Vec<Job>,
    /// Whether invoices can be paid online (and cards saved).
    pub can_pay: bool,
}

/// The signed-in customer's invoices, jobs and whether online payment is on.
pub async fn overview(state: &AppState, id: CustomerId) -> Result<Overview, AppError> {
    let store = &state.store;
    let mut invoices = store
        .invoices_for_customer(id)
        .await
        .found("reading invoices")?;
    invoices.retain(|i| !i.voided);
    Ok(Overview {
        customer: store.customer(id).await.found("reading the customer")?,
        invoices,
        jobs: store.jobs_for_customer(id).await.found("reading jobs")?,
        can_pay: store
            .settings()
            .await
            .found("reading settings")?
            .saved_cards_on(),
    })
}
