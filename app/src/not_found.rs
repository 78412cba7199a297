//! The page for addresses that lead nowhere.

use leptos::prelude::*;
use leptos_meta::Title;

/// "Page not found", sent with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="card narrow" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">"Page not found"</h1>
            <p>"The page you asked for doesn't exist or has moved."</p>
            <p>
                <a href="/" class="button">"Go to the Customer Portal"</a>
            </p>
        </section>
    }
}
