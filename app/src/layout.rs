//! The frame around every page: skip link, header, main and footer.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    error::AppError,
    office::{OfficeNav, StaffSummary},
    portal::{CustomerSummary, UserMenu},
};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

/// What the header shows: the business and whoever is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderData {
    /// The name the office set in Settings.
    pub business_name: String,
    /// The signed-in customer, if any.
    pub customer: Option<CustomerSummary>,
    /// The signed-in staff member, if any.
    pub staff: Option<StaffSummary>,
    /// Whether the portal offers saved cards (both Online Payments switches on).
    pub saved_payments: bool,
}

/// The business name and the signed-in person, in one request per page.
#[server(endpoint = "header")]
pub async fn header_info() -> Result<HeaderData, AppError> {
    use crate::backend::{
        auth::sessions, request::RequestMeta, state::app_state, store::Principal,
    };
    let _step = crate::backend::request::step("reading the header");
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    let settings = state.store.settings().await.context("reading settings")?;
    let mut info = HeaderData {
        saved_payments: settings.saved_cards_on(),
        business_name: settings.business_name,
        customer: None,
        staff: None,
    };
    match sessions::resolve(&state, &req).await?.map(|s| s.principal) {
        Some(Principal::Customer(id)) => {
            let c = state
                .store
                .customer(id)
                .await
                .context("reading the customer")?;
            info.customer = Some(CustomerSummary {
                name: c.name,
                email: c.email.to_string(),
            });
        }
        Some(Principal::Staff(id)) => {
            let s = state
                .store
                .staff_member(id)
                .await
                .context("reading staff")?;
            if !s.disabled {
                info.staff = Some(StaffSummary {
                    id: s.id,
                    name: s.name,
                    role: s.role,
                });
            }
        }
        None => {}
    }
    Ok(info)
}

/// The skip link, the page (its route's shell draws the header and `<main>`) and the footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    crate::nav_guard::install();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        {children()}
        <footer class="site-footer">
            <p>"Customer Portal · powered by Porchlight"</p>
        </footer>
    }
}

/// Which part of the app a page belongs to: it decides the header's links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The customer portal and its sign-in pages.
    Portal,
    /// The office and its sign-in page.
    Office,
}

/// A shell's frame: the header with the business and `area`'s navigation, then `children` (the
/// page) in `<main>`.
#[component]
pub fn Frame(area: Area, children: Children) -> impl IntoView {
    let location = use_location();
    // Re-read on every navigation, so signing in or out (which navigate) updates the header.
    let header = Resource::new(move || location.pathname.get(), |_| header_info());
    let home = match area {
        Area::Portal => "/",
        Area::Office => "/office/customers",
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <Suspense fallback=|| view! { <span class="brand">"Customer Portal"</span> }>
                    {move || Suspend::new(async move {
                        let info = header.await.unwrap_or_else(|_| HeaderData {
                            business_name: "Customer Portal".into(),
                            customer: None,
                            staff: None,
                            saved_payments: false,
                        });
                        let nav = match area {
                            Area::Office => view! { <nav aria-label="Office"><OfficeNav staff=info.staff /></nav> }.into_any(),
                            Area::Portal => view! { <nav aria-label="Account"><UserMenu customer=info.customer saved_payments=info.saved_payments /></nav> }.into_any(),
                        };
                        view! {
                            <a class="brand" href=home>
                                <img src="/logo.svg" alt="" width="28" height="28" />
                                <span class="brand__name">{info.business_name}</span>
                            </a>
                            {nav}
                        }
                    })}
                </Suspense>
            </div>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
    }
}
