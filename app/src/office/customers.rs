//! `/office/customers`: search by name, email or phone, a page at a time.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::ui::Loaded;
use crate::{
    domain::{CustomerId, CustomerKind},
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};
use serde::{Deserialize, Serialize};

/// Customers per page.
pub const PAGE_SIZE: i64 = 20;

/// One row of the customer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    /// Record id.
    pub id: CustomerId,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// Residential or commercial.
    pub kind: CustomerKind,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerList {
    /// Rows on this page.
    pub rows: Vec<CustomerRow>,
    /// Matches in all.
    pub total: i64,
    /// This page (1-based).
    pub page: i64,
}

/// Customers matching `query` (partial, case-insensitive name, email or phone).
#[server(endpoint = "office/customers")]
pub async fn search_customers(query: String, page: i64) -> Result<CustomerList, AppError> {
    let (state, _) = super::auth::require_staff(false).await?;
    if query.chars().count() > 100 {
        return Err(AppError::invalid("q", "Search for at most 100 characters."));
    }
    let page = page.clamp(1, 10_000);
    let found = state
        .store
        .search_customers(&query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await
        .context("searching customers")?;
    Ok(CustomerList {
        rows: found
            .customers
            .into_iter()
            .map(|c| CustomerRow {
                id: c.id,
                name: c.name,
                email: c.email.to_string(),
                phone: c.phone,
                kind: c.kind,
            })
            .collect(),
        total: found.total,
        page,
    })
}

/// The customer list page.
#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <Title text="Customers" />
        <CustomerSearch />
    }
}

#[component]
fn CustomerSearch() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    };
    let results = Resource::new(move || (q(), page()), |(q, page)| search_customers(q, page));
    view! {
        <div class="page-head">
            <h1>"Customers"</h1>
            <a class="button button--primary" href="/office/call-booking">"Book a new customer"</a>
        </div>
        <Form method="GET" action="" attr:class="search" attr:role="search">
            <label for="customer-search">"Search by name, email or phone"</label>
            <div class="search__row">
                <input id="customer-search" type="search" name="q" value=q />
                <button type="submit" class="button">"Search"</button>
            </div>
        </Form>
        <Loaded resource=results loading="Searching…" let:list>
            {if list.rows.is_empty() {
                view! {
                        <div class="empty">
                            <p>{if q().is_empty() { "No customers yet.".to_owned() } else { format!("No customers match “{}”.", q()) }}</p>
                            <a href="/office/call-booking">"Book a customer through Call Booking"</a>
                        </div>
                    }.into_any()
            } else {
                        let pages = (list.total + PAGE_SIZE - 1) / PAGE_SIZE;
                        let link = move |p: i64| format!("?q={}&page={p}", crate::domain::next::encode_query_value(&q()));
                        view! {
                            <p class="muted" role="status">{format!("{} customer{}", list.total, if list.total == 1 { "" } else { "s" })}</p>
                            <div class="table-wrap" tabindex="0">
                                <table>
                                    <thead><tr><th>"Name"</th><th>"Email"</th><th>"Phone"</th><th>"Type"</th></tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|c| view! {
                                            <tr>
                                                <td><a href=format!("/office/customers/{}", c.id)>{c.name}</a></td>
                                                <td>{c.email}</td>
                                                <td>{c.phone}</td>
                                                <td>{c.kind.label()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <nav class="pager" aria-label="Pages">
                                {(list.page > 1).then(|| view! { <a href=link(list.page - 1)>"Previous"</a> })}
                                <span>{format!("Page {} of {}", list.page, pages.max(1))}</span>
                                {(list.page < pages).then(|| view! { <a href=link(list.page + 1)>"Next"</a> })}
                            </nav>
                        }.into_any()
            }}
        </Loaded>
    }
}
