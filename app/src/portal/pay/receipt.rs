//! `/payments/:id/receipt`: what was paid, with which card, when, and the reference.

use super::api::receipt;
use crate::ui::{Loaded, use_id};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/payments/:id/receipt`.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    view! {
        <Title text="Receipt" />
        <Receipt />
    }
}

#[component]
fn Receipt() -> impl IntoView {
    let data = Resource::new(use_id(), receipt);
    view! {
        <Loaded resource=data loading="Loading the receipt…" heading="Receipt" let:r>
            <h1>"Payment received"</h1>
            <section class="card" aria-labelledby="receipt-heading">
                <h2 id="receipt-heading">"Receipt"</h2>
                <dl class="facts">
                    <dt>"Paid to"</dt><dd>{r.business}</dd>
                    <dt>"Invoice"</dt><dd>{r.number}</dd>
                    <dt>"Amount"</dt><dd>{r.amount.to_string()}</dd>
                    <dt>"Card"</dt><dd>{r.card}</dd>
                    <dt>"Date"</dt><dd>{r.paid_at.date_time()}</dd>
                    <dt>"Reference"</dt><dd>{r.reference}</dd>
                </dl>
                <p>"A copy of this receipt was emailed to you."</p>
            </section>
            <p><a href="/">"Back to your account"</a></p>

        </Loaded>
    }
}
