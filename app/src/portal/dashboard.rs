//! `/`: what a signed-in customer sees first.

use super::session::RequireCustomer;
use crate::{domain::Cents, error::AppError};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// The dashboard's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    /// The customer's name.
    pub name: String,
    /// Sum of open balances.
    pub balance_due: Cents,
    /// Invoices with something left to pay.
    pub open_invoices: usize,
    /// Jobs on record.
    pub jobs: usize,
}

/// Balance and counts for the signed-in customer.
#[server(endpoint = "dashboard")]
pub async fn dashboard_summary() -> Result<DashboardData, AppError> {
    let (state, _, id) = super::session::require_customer().await?;
    let customer = state
        .store
        .customer(id)
        .await
        .map_err(|e| AppError::internal("reading the customer", e))?;
    let invoices = state
        .store
        .invoices_for_customer(id)
        .await
        .map_err(|e| AppError::internal("reading invoices", e))?;
    let jobs = state
        .store
        .jobs_for_customer(id)
        .await
        .map_err(|e| AppError::internal("reading jobs", e))?;
    let open: Vec<_> = invoices
        .iter()
        .filter(|i| i.balance() > Cents::ZERO)
        .collect();
    let balance_due = open.iter().fold(Cents::ZERO, |sum, i| {
        sum.checked_add(i.balance()).unwrap_or(sum)
    });
    Ok(DashboardData {
        name: customer.name,
        balance_due,
        open_invoices: open.len(),
        jobs: jobs.len(),
    })
}

/// The signed-in home page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <RequireCustomer>
            <Summary />
        </RequireCustomer>
    }
}

#[component]
fn Summary() -> impl IntoView {
    let summary = Resource::new(|| (), |_| dashboard_summary());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(s) => view! {
                        <h1>"Welcome, " {s.name}</h1>
                        <section class="card balance" aria-labelledby="balance-heading">
                            <h2 id="balance-heading">"Balance due"</h2>
                            <p class="balance__amount">{s.balance_due.to_string()}</p>
                            <p>
                                {format!("{} open invoice{}", s.open_invoices, if s.open_invoices == 1 { "" } else { "s" })}
                                " · "
                                {format!("{} service visit{} on record", s.jobs, if s.jobs == 1 { "" } else { "s" })}
                            </p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
