//! `/invoices/:id`: an invoice's lines, totals, the payments made on it and its balance, with
//! "Pay" while online payments are on and something is owed.

#[cfg(feature = "ssr")]
use crate::error::{Context as _, FoundContext as _};
use crate::ui::{Loaded, use_id};
use crate::{
    domain::{Cents, InvoiceId, Timestamp, status::AttemptStatus},
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRow {
    /// What was done or supplied.
    pub description: String,
    /// How many.
    pub quantity: i64,
    /// Price each.
    pub unit_price: Cents,
}

/// A payment on the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub at: Timestamp,
    /// "Visa •••• 4242".
    pub card: String,
    /// How much.
    pub amount: Cents,
    /// Paid, declined, failed or still in progress.
    pub status: AttemptStatus,
    /// Refunded since.
    pub refunded: Cents,
    /// Disputed since.
    pub disputed: bool,
}

/// Everything the invoice page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceData {
    pub id: InvoiceId,
    pub number: String,
    pub issued_on: Timestamp,
    pub due_on: Timestamp,
    pub lines: Vec<LineRow>,
    pub total: Cents,
    /// Paid so far.
    pub paid: Cents,
    /// Still owed.
    pub balance: Cents,
    /// One page of the online attempts, newest first.
    pub payments: Vec<PaymentRow>,
    /// (page, pages) of the online attempts.
    pub payments_paging: (u32, u32),
    /// Whether "Pay" is offered.
    pub can_pay: bool,
}

/// One of the signed-in customer's invoices.
#[server(endpoint = "invoice")]
pub async fn invoice_view(id: String, payments_page: Option<u32>) -> Result<InvoiceData, AppError> {
    use crate::backend::store::{AttemptPage, AttemptQuery};
    const PER_PAGE: u32 = 20;
    let (state, _, customer) = super::session::require_customer().await?;
    let id: InvoiceId = id.parse().map_err(|_| AppError::NotFound)?;
    let invoice = state
        .store
        .invoice_for_customer(customer, id)
        .await
        .found("reading an invoice")?;
    if invoice.voided {
        return Err(AppError::NotFound);
    }
    let lines = state
        .store
        .invoice_lines(id)
        .await
        .context("reading invoice lines")?;
    let AttemptPage {
        attempts,
        paging: payments_paging,
    } = state
        .store
        .attempts_page(
            customer,
            AttemptQuery {
                invoice: Some(id),
                settled_only: true,
                page: payments_page,
                per_page: PER_PAGE,
            },
        )
        .await
        .context("reading payments")?;
    let settings = state.store.settings().await.context("reading settings")?;
    Ok(InvoiceData {
        id,
        number: invoice.number.clone(),
        issued_on: invoice.issued_on,
        due_on: invoice.due_on,
        lines: lines
            .into_iter()
            .map(|l| LineRow {
                description: l.description,
                quantity: l.quantity,
                unit_price: l.unit_price,
            })
            .collect(),
        total: invoice.total,
        paid: invoice.paid,
        balance: invoice.balance(),
        payments_paging,
        payments: attempts
            .into_iter()
            .map(|a| PaymentRow {
                at: a.created_at,
                card: a.card.to_string(),
                amount: a.amount,
                status: a.status,
                refunded: a.refunded,
                disputed: a.disputed,
            })
            .collect(),
        can_pay: settings.saved_cards_on() && invoice.balance() > Cents::ZERO,
    })
}

/// `/invoices/:id`.
#[component]
pub fn InvoicePage() -> impl IntoView {
    view! {
        <Title text="Invoice" />
        <Invoice />
    }
}

#[component]
fn Invoice() -> impl IntoView {
    let id = use_id();
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new(
        move || {
            let page = query
                .read()
                .get("payments")
                .and_then(|p| p.parse::<u32>().ok());
            (id(), page)
        },
        |(id, page)| invoice_view(id, page),
    );
    view! {
        <p class="breadcrumb"><a href="/">"Your account"</a>" › Invoice"</p>
        <Loaded resource=data loading="Loading the invoice…" heading="Invoice" let:i>
            <InvoiceDetails i />
        </Loaded>
    }
}

#[component]
fn InvoiceDetails(i: InvoiceData) -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{format!("Invoice {}", i.number)}</h1>
            {i.can_pay.then(|| view! { <a class="button button--primary" href=format!("/invoices/{}/pay", i.id)>"Pay"</a> })}
        </div>
        <p>{format!("Issued {} · due {}", i.issued_on.iso_date(), i.due_on.iso_date())}</p>
        <section class="card" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"Charges"</h2>
            <div class="table-wrap" tabindex="0"><table>
                <thead><tr><th>"Description"</th><th>"Quantity"</th><th>"Price"</th><th>"Amount"</th></tr></thead>
                <tbody>
                    {i.lines.into_iter().map(|l| {
                        let amount = Cents::new(l.unit_price.get().saturating_mul(l.quantity));
                        view! { <tr><td>{l.description}</td><td>{l.quantity}</td><td>{l.unit_price.to_string()}</td><td>{amount.to_string()}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table></div>
            <dl class="facts">
                <dt>"Total"</dt><dd>{i.total.to_string()}</dd>
                <dt>"Paid"</dt><dd>{i.paid.to_string()}</dd>
                <dt>"Balance"</dt><dd>{i.balance.to_string()}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="payments-heading">
            <h2 id="payments-heading">"Payments"</h2>
            <crate::ui::Table rows=i.payments.len() empty="No online payments yet.">
                <thead><tr><th>"Date"</th><th>"Card"</th><th>"Amount"</th><th>"Status"</th></tr></thead>
                <tbody>
                    {i.payments.into_iter().map(|p| view! {
                        <tr><td>{p.at.date_time()}</td><td>{p.card}</td><td>{p.amount.to_string()}</td><td>{p.status.with_aftermath(p.amount, p.refunded, p.disputed)}</td></tr>
                    }).collect_view()}
                </tbody>
            </crate::ui::Table>
            <crate::ui::Pager paging=i.payments_paging path=format!("/invoices/{}", i.id) param="payments" label="Payment pages" />
        </section>
    }
}
