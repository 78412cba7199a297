//! Staff sign-in, the office's guard, and who is signed in.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    domain::{StaffId, StaffRole},
    error::AppError,
    ui::{SignInCard, SignInFields, SubmitButton, action_error},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{Outlet, Redirect},
    hooks::{use_location, use_query_map},
};
use serde::{Deserialize, Serialize};

/// The signed-in staff member, as the office UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    /// Tells the list which row is the signed-in staff member's own.
    pub id: StaffId,
    /// Display name.
    pub name: String,
    /// Admin or accountant.
    pub role: StaffRole,
}

/// Server side: the signed-in, enabled staff member; `admin_only` refuses accountants.
#[cfg(feature = "ssr")]
pub async fn require_staff(
    admin_only: bool,
) -> Result<(crate::backend::AppState, crate::backend::store::StaffMember), AppError> {
    use crate::backend::{
        auth::sessions, request::RequestMeta, state::app_state, store::Principal,
    };
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    let Some(session) = sessions::resolve(&state, &req).await? else {
        return Err(AppError::Unauthenticated);
    };
    let Principal::Staff(id) = session.principal else {
        return Err(AppError::Unauthenticated);
    };
    let member = state
        .store
        .staff_member(id)
        .await
        .context("reading staff")?;
    if member.disabled {
        return Err(AppError::Unauthenticated);
    }
    if admin_only && member.role != StaffRole::Admin {
        tracing::warn!(staff = %member.id, "accountant refused an admin-only action");
        return Err(AppError::Forbidden);
    }
    Ok((state, member))
}

/// The signed-in staff member, or `None`.
#[server(endpoint = "office/me")]
pub async fn current_staff() -> Result<Option<StaffSummary>, AppError> {
    match require_staff(false).await {
        Ok((_, m)) => Ok(Some(StaffSummary {
            id: m.id,
            name: m.name,
            role: m.role,
        })),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Signs a staff member in and goes to `next` (same-site paths only) or the customer list.
#[server(endpoint = "office/login")]
pub async fn office_login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{
        auth::{login, sessions},
        request::{RequestMeta, set_cookie},
        state::app_state,
    };
    let state = app_state()?;
    let req = RequestMeta::current(state.public.is_https())?;
    let (_, session_id) =
        login::sign_in(&state, &req, login::AccountKind::Staff, &email, &password).await?;
    set_cookie(&sessions::cookie(&state, &session_id));
    let next = crate::domain::next::safe_next(next.as_deref().unwrap_or("/office/customers"));
    leptos_axum::redirect(if next == "/" {
        "/office/customers"
    } else {
        &next
    });
    Ok(())
}

/// Signs the staff member out.
#[server(endpoint = "office/logout")]
pub async fn office_logout() -> Result<(), AppError> {
    crate::backend::auth::sessions::sign_out_current("/office/login?signed_out=1").await
}

/// `/office/login`.
#[component]
pub fn OfficeLoginPage() -> impl IntoView {
    let login = crate::ui::refusable_action::<OfficeLogin>();
    let query = use_query_map();
    let notice = Signal::derive(move || {
        let q = query.read();
        if q.get("reset").is_some() {
            Some("Your password has been changed. Sign in with your new password.")
        } else {
            q.get("signed_out").map(|_| "You have signed out.")
        }
    });
    let error = action_error(login);
    view! {
        <SignInCard title="Office sign-in" heading="Office sign-in" heading_id="office-login-heading" notice>
            <ActionForm action=login attr:novalidate=true attr:class="form">
                <SignInFields email_id="office-email" password_id="office-password" email_autocomplete="username" error />
                <SubmitButton label="Sign in" busy="Signing in…" pending=login.pending() />
            </ActionForm>
            <p class="aside"><a href="/office/forgot-password">"Forgot password?"</a></p>
        </SignInCard>
    }
}

/// The frame of the office pages: re-checks the staff sign-in on every navigation and sends
/// visitors to the office sign-in. The page renders beside the check (see `PortalShell`);
/// admin-only pages show [`NotAllowed`] when their data answers "forbidden".
#[component]
pub fn OfficeShell() -> impl IntoView {
    let location = use_location();
    let me = Resource::new(move || location.pathname.get(), |_| current_staff());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(me.await, Ok(None)).then(|| {
                    let next = crate::domain::next::encode_query_value(&location.pathname.get_untracked());
                    view! { <Redirect path=format!("/office/login?next={next}") /> }
                })
            })}
        </Suspense>
        <crate::layout::Frame area=crate::layout::Area::Office>
            <Outlet />
        </crate::layout::Frame>
    }
}

/// Shows `children` to admins and [`NotAllowed`] to accountants. The page creates its resources
/// before this (outside the Suspense), so they load in parallel with the check.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let me = Resource::new(|| (), |_| current_staff());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(staff)) if staff.role != StaffRole::Admin => view! { <NotAllowed /> }.into_any(),
                    _ => children.read_value()().into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page an accountant sees on an admin-only address.
#[component]
pub fn NotAllowed() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <Title text="Not allowed" />
        <section class="card narrow">
            <h1>"Not allowed"</h1>
            <p>"Only an administrator can open this page. Ask an admin if you need something changed here."</p>
            <p><a class="button" href="/office/customers">"Back to Customers"</a></p>
        </section>
    }
}
