//! `/office/customers/:id` and its payment history page.

use super::api::{CustomerFile, InviteCustomer, PortalStatus, customer_record};
use crate::cards_ui::HistoryList;
use crate::office::{
    billing::{CreateInvoice, CreateJob, InvoiceForm, JobForm, VoidInvoice},
    cards::{OfficeAddPaymentMethod, PaymentMethodsSection, PaymentsSection},
};
use crate::ui::LoadError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/office/customers/:id`.
#[component]
pub fn CustomerRecordPage() -> impl IntoView {
    view! {
        <Record />
    }
}

#[component]
fn Record() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let add_job = ServerAction::<CreateJob>::new();
    let add_invoice = ServerAction::<CreateInvoice>::new();
    let void = ServerAction::<VoidInvoice>::new();
    let invite = ServerAction::<InviteCustomer>::new();
    let add_card = ServerAction::<OfficeAddPaymentMethod>::new();
    // Reload only after a successful change, so a refused form keeps its input and messages.
    let changes = RwSignal::new(0u32);
    Effect::new(move |_| {
        let ok = [
            matches!(add_job.value().get(), Some(Ok(_))),
            matches!(add_invoice.value().get(), Some(Ok(_))),
            matches!(void.value().get(), Some(Ok(_))),
            matches!(invite.value().get(), Some(Ok(_))),
            matches!(add_card.value().get(), Some(Ok(_))),
        ];
        if ok.contains(&true) {
            changes.update(|n| *n += 1);
        }
    });
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
        <Transition fallback=|| view! { <p role="status">"Loading the customer…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(r) => view! { <RecordView r=r add_job=add_job add_invoice=add_invoice void=void invite=invite add_card=add_card /> }.into_any(),
                    Err(e) => view! { <Title text="Customer" /><LoadError error=e /> }.into_any(),
                }
            })}
        </Transition>
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
            <PaymentsSection rows=r.payments.clone() paging=r.payments_paging path=format!("/office/customers/{id}") />

            <section class="card" aria-labelledby="jobs-heading">
                <h2 id="jobs-heading">"Jobs"</h2>
                {if r.jobs.is_empty() {
                    view! { <p class="empty">"No jobs yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0"><table>
                            <thead><tr><th>"Date"</th><th>"Work"</th><th>"Technician"</th><th>"Status"</th></tr></thead>
                            <tbody>
                                {r.jobs.clone().into_iter().map(|j| view! {
                                    <tr><td>{j.date.iso_date()}</td><td>{j.summary}</td><td>{j.technician}</td><td>{j.status.label()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
                <details class="add">
                    <summary>"Add a job"</summary>
                    <JobForm customer=id action=add_job />
                </details>
            </section>

            <section class="card" aria-labelledby="invoices-heading">
                <h2 id="invoices-heading">"Invoices"</h2>
                <p class="form__error" role="alert">{void_error}</p>
                {if r.invoices.is_empty() {
                    view! { <p class="empty">"No invoices yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0"><table>
                            <thead><tr><th>"Number"</th><th>"Issued"</th><th>"Due"</th><th>"Total"</th><th>"Balance"</th><th>"Status"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                            <tbody>
                                {r.invoices.clone().into_iter().map(|i| {
                                    let invoice_id = i.id;
                                    view! {
                                        <tr>
                                            <td>{i.number.clone()}</td>
                                            <td>{i.issued_on.iso_date()}</td>
                                            <td>{i.due_on.iso_date()}</td>
                                            <td>{i.total.to_string()}</td>
                                            <td>{i.balance.to_string()}</td>
                                            <td>{i.status.label()}</td>
                                            <td>{i.can_void.then(|| view! {
                                                <details class="confirm">
                                                    <summary>"Void…"</summary>
                                                    <ActionForm action=void attr:class="inline-form">
                                                        <input type="hidden" name="customer_id" value=id.to_string() />
                                                        <input type="hidden" name="invoice_id" value=invoice_id.to_string() />
                                                        <p>"The customer will no longer owe this invoice."</p>
                                                        <button type="submit" class="button">{format!("Void invoice {}", i.number)}</button>
                                                    </ActionForm>
                                                </details>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
                <details class="add">
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
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let record = Resource::new(id, |id| customer_record(id, None));
    view! {
        <Title text="Payment method history" />
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(r) => view! {
                        <p class="breadcrumb"><a href=format!("/office/customers/{}", r.id)>{r.name.clone()}</a>" › Payment Methods"</p>
                        <h1>"Payment method history"</h1>
                        <section class="card">
                            <HistoryList rows=r.history />
                        </section>
                    }.into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
