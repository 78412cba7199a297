//! Who is signed in: the header's menu, sign-out and the guard around protected pages.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{domain::next::encode_query_value, error::AppError};
use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, Redirect},
    hooks::use_location,
};
use serde::{Deserialize, Serialize};

/// The signed-in customer, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// Display name.
    pub name: String,
    /// Email on file.
    pub email: String,
}

/// Server side: the signed-in customer of this request, or `Unauthenticated`.
#[cfg(feature = "ssr")]
pub async fn require_customer() -> Result<
    (
        crate::backend::AppState,
        crate::backend::auth::sessions::Session,
        crate::domain::CustomerId,
    ),
    AppError,
> {
    use crate::backend::{
        auth::sessions, request::RequestMeta, state::app_state, store::Principal,
    };
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    match sessions::resolve(&state, &req).await? {
        Some(session) => match session.principal {
            Principal::Customer(id) => Ok((state, session, id)),
            Principal::Staff(_) => Err(AppError::Unauthenticated),
        },
        None => Err(AppError::Unauthenticated),
    }
}

/// The signed-in customer, or `None` for a visitor.
#[server(endpoint = "me")]
pub async fn current_customer() -> Result<Option<CustomerSummary>, AppError> {
    let _step = crate::backend::request::step("checking sign-in");
    let (state, _, id) = match require_customer().await {
        Ok(found) => found,
        Err(AppError::Unauthenticated) => return Ok(None),
        Err(e) => return Err(e),
    };
    let customer = state
        .store
        .customer(id)
        .await
        .context("reading the customer")?;
    Ok(Some(CustomerSummary {
        name: customer.name,
        email: customer.email.to_string(),
    }))
}

/// Signs out: deletes the session server side, clears the cookie, goes to the login page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::backend::auth::sessions::sign_out_current("/login?signed_out=1").await
}

/// The header's account area: name, Saved Payment Methods, Account and "Sign out", or "Login".
#[component]
pub fn UserMenu(customer: Option<CustomerSummary>, saved_payments: bool) -> impl IntoView {
    let logout = crate::ui::refusable_action::<Logout>();
    match customer {
        Some(customer) => view! {
            <span class="user-name">{customer.name}</span>
            {saved_payments.then(|| view! { <a href="/payment-methods">"Saved Payment Methods"</a> })}
            <a href="/account">"Account"</a>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="button button--quiet">"Sign out"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! { <a href="/login">"Login"</a> }.into_any(),
    }
}

/// The frame of the signed-in portal pages: re-checks sign-in on every navigation and sends
/// visitors to `/login?next=…`. The page renders beside the check, not inside it, so its own
/// data starts loading at once (a page created inside a Suspense after another resource resolved
/// could leave the server render waiting forever under load).
#[component]
pub fn PortalShell() -> impl IntoView {
    let location = use_location();
    let me = Resource::new(move || location.pathname.get(), |_| current_customer());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(me.await, Ok(None)).then(|| {
                    let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                    let next = if here == "/" { String::new() } else { format!("?next={}", encode_query_value(&here)) };
                    view! { <Redirect path=format!("/login{next}") /> }
                })
            })}
        </Suspense>
        <crate::layout::Frame area=crate::layout::Area::Portal>
            <Outlet />
        </crate::layout::Frame>
    }
}
