//! The public landing page of the portal.

use leptos::prelude::*;
use leptos_meta::Title;

/// What a signed-out visitor sees first: what the portal offers and how to get in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero" aria-labelledby="home-heading">
            <h1 id="home-heading">"Your account, any time"</h1>
            <p class="lead">
                "See your balance and service history, keep cards on file and pay invoices online."
            </p>
            <p class="actions">
                <a class="button button--primary" href="/login">"Login"</a>
                <a class="button" href="/request-invitation">"Request an invitation"</a>
            </p>
        </section>
    }
}
