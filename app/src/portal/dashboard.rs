//! `/`: what a signed-in customer sees first: balance due, open and paid invoices, service history.

use crate::{
    domain::Cents,
    error::AppError,
    rows::{InvoiceRow, JobRow, JobTable, invoice_cells},
    ui::{Loaded, Pager},
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    /// The customer's name.
    pub name: String,
    /// Sum of open balances.
    pub balance_due: Cents,
    /// Invoices with something left to pay, newest first.
    pub open: Vec<InvoiceRow>,
    /// Paid invoices, newest first.
    pub paid: Vec<InvoiceRow>,
    /// Jobs, newest first.
    pub visits: Vec<JobRow>,
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
    let overview = crate::backend::records::overview(&state, id).await?;
    let (paid, open): (Vec<InvoiceRow>, Vec<InvoiceRow>) = overview
        .invoices
        .into_iter()
        .map(InvoiceRow::from)
        .partition(|i| i.status == crate::domain::status::InvoiceStatus::Paid);
    let jobs = overview.jobs.into_iter().map(JobRow::from).collect();
    let (paid, paid_paging) = page_of(paid, paid_page);
    let (visits, visits_paging) = page_of(jobs, visits_page);
    Ok(DashboardData {
        name: overview.customer.name,
        balance_due: Cents::sum(open.iter().map(|i| i.balance)),
        open,
        paid,
        visits,
        visits_paging,
        paid_paging,
        can_pay: overview.can_pay,
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
        <Loaded resource=summary loading="Loading your account…" let:s>
            <Dashboard s />
        </Loaded>
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
            <JobTable rows=s.visits empty="No visits on record yet." />
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
fn InvoiceTable(rows: Vec<InvoiceRow>, can_pay: bool, empty: &'static str) -> impl IntoView {
    let row = move |i: InvoiceRow| {
        let pay = can_pay.then(|| {
            view! {
                <td><a class="button button--primary" href=format!("/invoices/{}/pay", i.id)>
                    "Pay"<span class="visually-hidden">{format!(" {}", i.number)}</span>
                </a></td>
            }
        });
        view! {
            <tr><td><a href=format!("/invoices/{}", i.id)>{i.number.clone()}</a></td>{invoice_cells(&i)}{pay}</tr>
        }
    };
    let columns = &["Invoice", "Date", "Due", "Total", "Balance", "Status"];
    let actions = can_pay.then_some("Pay");
    view! { <crate::ui::RowTable columns actions rows empty row /> }
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
