//! The frame around every page: skip link, header, main and footer.

use leptos::prelude::*;

use crate::portal::{BusinessName, UserMenu};

/// Header, main content area and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <img src="/logo.svg" alt="" width="28" height="28" />
                    <span class="brand__name">
                        <BusinessName />
                    </span>
                </a>
                <nav aria-label="Account">
                    <UserMenu />
                </nav>
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
