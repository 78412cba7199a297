//! `/`: what a signed-in customer sees first: balance due, open and paid invoices, service history.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    domain::{
        Cents, InvoiceId, Timestamp,
        status::{InvoiceStatus, JobStatus},
    },
    error::AppError,
    ui::{LoadError, Pager},
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// An invoice as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// Id.
    pub id: InvoiceId,
    /// Number, e.g. INV-01042.
    pub number: String,
    /// Issued.
    pub issued_on: Timestamp,
    /// Due.
    pub due_on: Timestamp,
    /// Total.
    pub total: Cents,
    /// Still owed.
    pub balance: Cents,
    /// Open, partially paid or paid.
    pub status: InvoiceStatus,
}

/// A visit in the service history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitLine {
    /// Day.
    pub date: Timestamp,
    /// Work done.
    pub summary: String,
    /// Technician.
    pub technician: String,
    /// Scheduled, completed or cancelled.
    pub status: JobStatus,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    /// The customer's name.
    pub name: String,
    /// Sum of open balances.
    pub balance_due: Cents,
    /// Invoices with something left to pay, newest first.
    pub open: Vec<InvoiceLine>,
    /// Paid invoices, newest first.
    pub paid: Vec<InvoiceLine>,
    /// Jobs, newest first.
    pub visits: Vec<VisitLine>,
    /// Whether invoices can be paid online (and cards saved).
    pub can_pay: bool,
    /// (page, pages) of the service history.
    pub visits_paging: (u32, u32),
    /// (page, pages) of the paid invoices.
    pub paid_paging: (u32, u32),
}

/// Rows per page in the dashboard's long lists.
#[cfg(any(feature = "ssr", test))]
pub const PAGE_SIZE: usize = 10;

/// One page (1-based, clamped to the last) of a newest-first list, with (page, pages).
#[cfg(any(feature = "ssr", test))]
pub fn page_of<T>(items: Vec<T>, page: Option<u32>) -> (Vec<T>, (u32, u32)) {
    use crate::domain::paging;
    let per_page = PAGE_SIZE as u32;
    let (page, pages) = paging::clamp(page, items.len() as u64, per_page);
    let rows = items
        .into_iter()
        .skip(paging::offset(page, per_page) as usize)
        .take(PAGE_SIZE)
        .collect();
    (rows, (page, pages))
}

/// The signed-in customer's balance, invoices and service history.
#[server(endpoint = "dashboard")]
pub async fn dashboard_summary(
    visits_page: Option<u32>,
    paid_page: Option<u32>,
) -> Result<DashboardData, AppError> {
    let (state, _, id) = super::session::require_customer().await?;
    let customer = state
        .store
        .customer(id)
        .await
        .context("reading the customer")?;
    let invoices = state
        .store
        .invoices_for_customer(id)
        .await
        .context("reading invoices")?;
    let jobs = state
        .store
        .jobs_for_customer(id)
        .await
        .context("reading jobs")?;
    let settings = state.store.settings().await.context("reading settings")?;
    let (mut open, mut paid) = (Vec::new(), Vec::new());
    let mut balance_due = Cents::ZERO;
    for i in invoices.into_iter().filter(|i| !i.voided) {
        let status = i.status();
        let line = InvoiceLine {
            id: i.id,
            number: i.number.clone(),
            issued_on: i.issued_on,
            due_on: i.due_on,
            total: i.total,
            balance: i.balance(),
            status,
        };
        if status == InvoiceStatus::Paid {
            paid.push(line);
        } else {
            balance_due = balance_due.checked_add(line.balance).unwrap_or(balance_due);
            open.push(line);
        }
    }
    let (paid, paid_paging) = page_of(paid, paid_page);
    let (jobs, visits_paging) = page_of(jobs, visits_page);
    Ok(DashboardData {
        name: customer.name,
        balance_due,
        open,
        paid,
        visits_paging,
        paid_paging,
        visits: jobs
            .into_iter()
            .map(|j| VisitLine {
                date: j.scheduled_on,
                summary: j.summary,
                technician: j.technician,
                status: j.status,
            })
            .collect(),
        can_pay: settings.saved_cards_on(),
    })
}

/// The signed-in home page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <Summary />
    }
}

#[component]
fn Summary() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let page = move |key: &str| query.read().get(key).and_then(|v| v.parse::<u32>().ok());
    let summary = Resource::new(
        move || (page("visits"), page("paid")),
        |(visits, paid)| dashboard_summary(visits, paid),
    );
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(s) => view! { <Dashboard s=s /> }.into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(s: DashboardData) -> impl IntoView {
    let can_pay = s.can_pay;
    let count = s.open.len();
    view! {
        <h1>"Welcome, " {s.name}</h1>
        <section class="card balance" aria-labelledby="balance-heading">
            <h2 id="balance-heading">"Balance due"</h2>
            <p class="balance__amount">{s.balance_due.to_string()}</p>
            <p>{format!("{count} open invoice{}", if count == 1 { "" } else { "s" })}</p>
            {can_pay.then(|| view! { <p><a href="/payment-methods">"Saved Payment Methods"</a>" · your primary card is used by default when you pay."</p> })}
        </section>
        <section class="card" aria-labelledby="open-heading">
            <h2 id="open-heading">"Open invoices"</h2>
            <InvoiceTable rows=s.open can_pay=can_pay empty="Nothing to pay. Thank you!" />
        </section>
        <section class="card" aria-labelledby="visits-heading">
            <h2 id="visits-heading">"Service history"</h2>
            {if s.visits.is_empty() {
                view! { <p class="empty">"No visits on record yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0"><table>
                        <thead><tr><th>"Date"</th><th>"Work done"</th><th>"Technician"</th><th>"Status"</th></tr></thead>
                        <tbody>
                            {s.visits.into_iter().map(|v| view! {
                                <tr><td>{v.date.iso_date()}</td><td>{v.summary}</td><td>{if v.technician.is_empty() { "—".to_owned() } else { v.technician }}</td><td>{v.status.label()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            <Pager paging=s.visits_paging path="/" param="visits" label="Service history pages" />
        </section>
        <section class="card" aria-labelledby="paid-heading">
            <h2 id="paid-heading">"Paid invoices"</h2>
            <InvoiceTable rows=s.paid can_pay=false empty="No paid invoices yet." />
            <Pager paging=s.paid_paging path="/" param="paid" label="Paid invoice pages" />
        </section>
    }
}

#[component]
fn InvoiceTable(rows: Vec<InvoiceLine>, can_pay: bool, empty: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0"><table>
            <thead><tr><th>"Invoice"</th><th>"Date"</th><th>"Due"</th><th>"Total"</th><th>"Balance"</th><th>"Status"</th>
                {can_pay.then(|| view! { <th><span class="visually-hidden">"Pay"</span></th> })}</tr></thead>
            <tbody>
                {rows.into_iter().map(|i| view! {
                    <tr>
                        <td><a href=format!("/invoices/{}", i.id)>{i.number.clone()}</a></td><td>{i.issued_on.iso_date()}</td><td>{i.due_on.iso_date()}</td>
                        <td>{i.total.to_string()}</td><td>{i.balance.to_string()}</td><td>{i.status.label()}</td>
                        {can_pay.then(|| view! {
                            <td><a class="button button--primary" href=format!("/invoices/{}/pay", i.id)>
                                "Pay"<span class="visually-hidden">{format!(" {}", i.number)}</span>
                            </a></td>
                        })}
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_into_pages_of_ten_and_out_of_range_pages_are_clamped() {
        let items: Vec<u32> = (1..=23).collect();
        assert_eq!(page_of(items.clone(), None), ((1..=10).collect(), (1, 3)));
        assert_eq!(
            page_of(items.clone(), Some(3)),
            ((21..=23).collect(), (3, 3))
        );
        assert_eq!(page_of(items.clone(), Some(99)).1, (3, 3));
        assert_eq!(page_of(items, Some(0)).1, (1, 3));
        assert_eq!(page_of(Vec::<u32>::new(), Some(2)), (vec![], (1, 1)));
    }
}
