//! The frame around every page: skip link, header, main and footer.

use leptos::prelude::*;

use crate::{
    office::OfficeNav,
    portal::{BusinessName, UserMenu},
};
use leptos_router::hooks::use_location;

/// Header, main content area and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let office = move || location.pathname.get().starts_with("/office");
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href=move || if office() { "/office/customers" } else { "/" }>
                    <img src="/logo.svg" alt="" width="28" height="28" />
                    <span class="brand__name">
                        <BusinessName />
                    </span>
                </a>
                <Show
                    when=office
                    fallback=|| view! { <nav aria-label="Account"><UserMenu /></nav> }
                >
                    <nav aria-label="Office"><OfficeNav /></nav>
                </Show>
            </div>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Customer Portal · powered by Porchlight"</p>
        </footer>
    }
}
