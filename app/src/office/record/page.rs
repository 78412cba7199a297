//! `/office/customers/:id` and its payment history page.

use super::api::{CustomerFile, InviteCustomer, RequestCardOnFile, customer_record};
use crate::cards_ui::HistoryList;
use crate::domain::PortalStatus;
use crate::office::{
    billing::{CreateInvoice, CreateJob, InvoiceForm, JobForm, VoidInvoice},
    cards::{OfficeAddPaymentMethod, PaymentMethodsSection, PaymentsSection},
};
use crate::rows::{InvoiceRow, JobTable, invoice_cells};
use crate::ui::{Changes, Loaded, use_id};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/office/customers/:id`.
#[component]
pub fn CustomerRecordPage() -> impl IntoView {
    view! {
        <Record />
    }
}

#[component]
fn Record() -> impl IntoView {
    let id = use_id();
    let add_job = crate::ui::form_action::<CreateJob>();
    let add_invoice = crate::ui::form_action::<CreateInvoice>();
    let void = crate::ui::form_action::<VoidInvoice>();
    let invite = crate::ui::form_action::<InviteCustomer>();
    let add_card = crate::ui::refusable_action::<OfficeAddPaymentMethod>();
    let request_card = crate::ui::form_action::<RequestCardOnFile>();
    let changes = Changes::new()
        .track(request_card)
        .track(add_job)
        .track(add_invoice)
        .track(void)
        .track(invite)
        .track(add_card);
    let query = leptos_router::hooks::use_query_map();
    let payments_page = move || {
        query
            .read()
            .get("payments")
            .and_then(|p| p.parse::<u32>().ok())
    };
    let record = Resource::new(
        move || (id(), payments_page(), changes.get()),
        |(id, page, _)| customer_record(id, page),
    );
    view! {
        <Loaded resource=record loading="Loading the customer…" heading="Customer" let:r>
            <RecordView r add_job add_invoice void invite add_card request_card />
        </Loaded>
    }
}

#[component]
fn RecordView(
    r: CustomerFile,
    add_job: ServerAction<CreateJob>,
    add_invoice: ServerAction<CreateInvoice>,
    void: ServerAction<VoidInvoice>,
    invite: ServerAction<InviteCustomer>,
    add_card: ServerAction<OfficeAddPaymentMethod>,
    request_card: ServerAction<RequestCardOnFile>,
) -> impl IntoView {
    let id = r.id;
    let portal = match &r.portal {
        PortalStatus::NoAccount => "No portal account".to_owned(),
        PortalStatus::InvitationSent => "Invitation sent".to_owned(),
        PortalStatus::Active(Some(at)) => {
            format!("Active · last sign-in {}", at.date_time())
        }
        PortalStatus::Active(None) => "Active".to_owned(),
    };
    let can_invite = !matches!(r.portal, PortalStatus::Active(_));
    let invite_message = move || match invite.value().get() {
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => Some(e.to_string()),
        None => None,
    };
    let request_message = move || match request_card.value().get() {
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => Some(e.to_string()),
        None => None,
    };
    let void_error = move || {
        void.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let jobs_for_form = r.jobs.clone();
    view! {
        <Title text=r.name.clone() />
        <div class="page-head">
            <h1>{r.name.clone()}</h1>
            <a class="button" href=format!("/office/customers/{id}/edit")>"Edit details"</a>
        </div>
        <div class="record">
            <section class="card" aria-labelledby="contact-heading">
                <h2 id="contact-heading">"Contact"</h2>
                <dl class="facts">
                    <dt>"Email"</dt><dd>{r.email.clone()}</dd>
                    <dt>"Phone"</dt><dd>{if r.phone.is_empty() { "—".to_owned() } else { r.phone.clone() }}</dd>
                    <dt>"Service address"</dt><dd>{if r.service_address.is_empty() { "—".to_owned() } else { r.service_address.clone() }}</dd>
                    <dt>"Type"</dt><dd>{r.kind.label()}</dd>
                    <dt>"Customer Portal"</dt><dd>{portal}</dd>
                    <dt>"Balance due"</dt><dd>{r.balance_due.to_string()}</dd>
                </dl>
                {can_invite.then(|| view! {
                    <ActionForm action=invite>
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button">"Invite to Customer Portal"</button>
                    </ActionForm>
                })}
                <p class="notice" role="status">{invite_message}</p>
            </section>

            <PaymentMethodsSection customer=id cards=r.cards.clone() add=add_card />
            <section class="card" aria-labelledby="card-requests-heading">
                <h2 id="card-requests-heading">"Card on file requests"</h2>
                <p>"Email the customer a link to save a card in the Customer Portal (with a portal invitation when they have no account yet)."</p>
                <ActionForm action=request_card>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button">"Request card on file"</button>
                </ActionForm>
                <p class="notice" role="status">{request_message}</p>
                {if r.card_requests.is_empty() {
                    view! { <p class="empty">"No card requests yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list" aria-label="Card on file requests">
                            {r.card_requests.iter().map(|c| view! { <li>{c.sentence()}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <PaymentsSection rows=r.payments.clone() paging=r.payments_paging path=format!("/office/customers/{id}") />

            <section class="card" aria-labelledby="jobs-heading">
                <h2 id="jobs-heading">"Jobs"</h2>
                <JobTable rows=r.jobs.clone() empty="No jobs yet." />
                // Open when its form was refused, so the message shows (also without JavaScript).
                <details class="add" open=move || add_job.value().with(|v| matches!(v, Some(Err(_))))>
                    <summary>"Add a job"</summary>
                    <JobForm customer=id action=add_job />
                </details>
            </section>

            <section class="card" aria-labelledby="invoices-heading">
                <h2 id="invoices-heading">"Invoices"</h2>
                <p class="form__error" role="alert">{void_error}</p>
                <crate::ui::RowTable columns=&["Number", "Issued", "Due", "Total", "Balance", "Status"] actions=Some("Actions") rows=r.invoices.clone() empty="No invoices yet." row=move |i: InvoiceRow| view! {
                    <tr>
                        <td>{i.number.clone()}</td>
                        {invoice_cells(&i)}
                        <td>{i.can_void().then(|| view! {
                            <crate::ui::Confirm summary="Void…">
                                <ActionForm action=void attr:class="inline-form">
                                    <crate::ui::ConfirmButton hidden=vec![("customer_id", id.to_string()), ("invoice_id", i.id.to_string())] message="The customer will no longer owe this invoice." label=format!("Void invoice {}", i.number) />
                                </ActionForm>
                            </crate::ui::Confirm>
                        })}</td>
                    </tr>
                } />
                <details class="add" open=move || add_invoice.value().with(|v| matches!(v, Some(Err(_))))>
                    <summary>"Create an invoice"</summary>
                    <InvoiceForm customer=id jobs=jobs_for_form action=add_invoice />
                </details>
            </section>
        </div>
    }
}

/// `/office/customers/:id/history`: the payment-method timeline ("View History").
#[component]
pub fn PaymentHistoryPage() -> impl IntoView {
    view! {
        <History />
    }
}

#[component]
fn History() -> impl IntoView {
    let id = use_id();
    let record = Resource::new(id, |id| customer_record(id, None));
    view! {
        <Title text="Payment method history" />
        <Loaded resource=record loading="Loading…" let:r>
            <p class="breadcrumb"><a href=format!("/office/customers/{}", r.id)>{r.name.clone()}</a>" › Payment Methods"</p>
            <h1>"Payment method history"</h1>
            <section class="card">
                <HistoryList rows=r.history />
            </section>
        </Loaded>
    }
}
