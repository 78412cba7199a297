//! The office header navigation: sections, who is signed in, sign out.

use super::auth::{OfficeLogout, StaffSummary};
use crate::domain::StaffRole;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Customers, Call Booking and (for admins) Settings and Staff, plus the signed-in name and
/// "Sign out"; a link to the office sign-in for visitors.
#[component]
pub fn OfficeNav(staff: Option<StaffSummary>) -> impl IntoView {
    let location = use_location();
    let logout = crate::ui::refusable_action::<OfficeLogout>();
    let current = move |prefix: &'static str| {
        move || {
            location
                .pathname
                .get()
                .starts_with(prefix)
                .then_some("page")
        }
    };
    match staff {
        Some(staff) => view! {
            <a href="/office/customers" aria-current=current("/office/customers")>"Customers"</a>
            <a href="/office/call-booking" aria-current=current("/office/call-booking")>"Call Booking"</a>
            {(staff.role == StaffRole::Admin).then(|| view! {
                <a href="/office/settings/online-payments" aria-current=current("/office/settings")>"Settings"</a>
                <a href="/office/staff" aria-current=current("/office/staff")>"Staff"</a>
            })}
            <span class="user-name">{staff.name}</span>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="button button--quiet">"Sign out"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! { <a href="/office/login">"Office sign-in"</a> }.into_any(),
    }
}
