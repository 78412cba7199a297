//! `/office/customers/:id`: contact details, portal status, jobs, invoices, Payment Methods.

use super::{
    billing::{InvoiceForm, JobForm, VoidInvoice},
    cards::{AttemptRow, OfficeAddPaymentMethod, PaymentMethodsSection, PaymentsSection},
};
use crate::{
    cards_ui::{CardRow, HistoryList, HistoryRow},
    domain::{Cents, CustomerId, CustomerKind, InvoiceId, JobId, Timestamp},
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// Whether the customer can use the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalStatus {
    /// Never invited, or the invitation expired.
    NoAccount,
    /// An invitation link is waiting to be used.
    InvitationSent,
    /// Signed up; the latest sign-in if any.
    Active(Option<Timestamp>),
}

/// A job row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRow {
    /// Id.
    pub id: JobId,
    /// Day.
    pub date: Timestamp,
    /// Work done.
    pub summary: String,
    /// Technician.
    pub technician: String,
    /// scheduled / completed / cancelled.
    pub status: String,
}

/// An invoice row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    /// Id.
    pub id: InvoiceId,
    /// Number.
    pub number: String,
    /// Issued.
    pub issued_on: Timestamp,
    /// Due.
    pub due_on: Timestamp,
    /// Total.
    pub total: Cents,
    /// Still owed.
    pub balance: Cents,
    /// Open / Partially paid / Paid / Void.
    pub status: String,
    /// Whether it may be voided (nothing paid, not void).
    pub can_void: bool,
}

/// Everything the customer record shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFile {
    /// Id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Service address.
    pub service_address: String,
    /// Type.
    pub kind: CustomerKind,
    /// Portal status.
    pub portal: PortalStatus,
    /// Jobs, newest first.
    pub jobs: Vec<JobRow>,
    /// Invoices, newest first.
    pub invoices: Vec<InvoiceRow>,
    /// Sum of open balances.
    pub balance_due: Cents,
    /// Saved cards, primary first.
    pub cards: Vec<CardRow>,
    /// One page of the online payment attempts, newest first.
    pub payments: Vec<AttemptRow>,
    /// (page, pages) of the payment attempts.
    pub payments_paging: (u32, u32),
    /// Payment-method history, newest first.
    pub history: Vec<HistoryRow>,
}

/// Payment attempts shown per page of the record.
#[cfg(feature = "ssr")]
const ATTEMPTS_PER_PAGE: u32 = 20;

/// The customer record (any staff role).
#[server(endpoint = "office/customer")]
pub async fn customer_record(
    id: String,
    payments_page: Option<u32>,
) -> Result<CustomerFile, AppError> {
    use crate::{
        backend::{StoreError, store::InvoiceStatus},
        domain::paging,
    };
    let (state, _) = super::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let fail = |what: &'static str| {
        move |e: StoreError| match e {
            StoreError::NotFound => AppError::NotFound,
            other => AppError::internal(what, other),
        }
    };
    let customer = state
        .store
        .customer(id)
        .await
        .map_err(fail("reading a customer"))?;
    let account = state
        .store
        .account_info(id)
        .await
        .map_err(fail("reading an account"))?;
    let portal = match account {
        Some(info) => PortalStatus::Active(info.last_sign_in_at),
        None if state
            .store
            .has_pending_invitation(id, state.clock.now())
            .await
            .map_err(fail("reading invitations"))? =>
        {
            PortalStatus::InvitationSent
        }
        None => PortalStatus::NoAccount,
    };
    let jobs = state
        .store
        .jobs_for_customer(id)
        .await
        .map_err(fail("reading jobs"))?;
    let invoices = state
        .store
        .invoices_for_customer(id)
        .await
        .map_err(fail("reading invoices"))?;
    let events = state
        .store
        .payment_method_events(id)
        .await
        .map_err(fail("reading card history"))?;
    let cards = state
        .store
        .cards_for_customer(id)
        .await
        .map_err(fail("reading cards"))?;
    let now = state.clock.now();
    let (_, count) = state
        .store
        .attempts_page(id, None, false, 0, 0)
        .await
        .map_err(fail("counting payments"))?;
    let payments_paging = paging::clamp(payments_page, count, ATTEMPTS_PER_PAGE);
    let (attempts, _) = state
        .store
        .attempts_page(
            id,
            None,
            false,
            ATTEMPTS_PER_PAGE,
            paging::offset(payments_paging.0, ATTEMPTS_PER_PAGE),
        )
        .await
        .map_err(fail("reading payments"))?;
    let payments = attempts
        .into_iter()
        .map(|a| AttemptRow {
            at: a.created_at,
            invoice: invoices
                .iter()
                .find(|i| i.id == a.invoice_id)
                .map(|i| i.number.clone())
                .unwrap_or_default(),
            card: a.card.to_string(),
            amount: a.amount,
            status: match a.status {
                crate::backend::store::AttemptStatus::Approved => "Paid",
                crate::backend::store::AttemptStatus::Declined => "Declined",
                crate::backend::store::AttemptStatus::Failed => "Failed",
                crate::backend::store::AttemptStatus::Pending => "In progress",
            }
            .to_owned(),
        })
        .collect();
    let balance_due = invoices.iter().fold(Cents::ZERO, |sum, i| {
        sum.checked_add(i.balance()).unwrap_or(sum)
    });
    Ok(CustomerFile {
        id,
        name: customer.name,
        email: customer.email.to_string(),
        phone: customer.phone,
        service_address: customer.service_address,
        kind: customer.kind,
        portal,
        jobs: jobs
            .into_iter()
            .map(|j| JobRow {
                id: j.id,
                date: j.scheduled_on,
                summary: j.summary,
                technician: j.technician,
                status: j.status.as_str().to_owned(),
            })
            .collect(),
        invoices: invoices
            .into_iter()
            .map(|i| InvoiceRow {
                id: i.id,
                number: i.number.clone(),
                issued_on: i.issued_on,
                due_on: i.due_on,
                total: i.total,
                balance: i.balance(),
                status: match i.status() {
                    InvoiceStatus::Open => "Open",
                    InvoiceStatus::PartiallyPaid => "Partially paid",
                    InvoiceStatus::Paid => "Paid",
                    InvoiceStatus::Void => "Void",
                }
                .to_owned(),
                can_void: !i.voided && i.paid == Cents::ZERO,
            })
            .collect(),
        balance_due,
        cards: cards.iter().map(|c| CardRow::from_saved(c, now)).collect(),
        payments,
        payments_paging,
        history: events.into_iter().map(HistoryRow::from_event).collect(),
    })
}

/// Sends the customer the same invitation email as the portal's "Request an invitation".
#[server(endpoint = "office/customers/invite")]
pub async fn invite_customer(id: String) -> Result<String, AppError> {
    use crate::backend::auth::accounts;
    let (state, _) = super::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let customer = state
        .store
        .customer(id)
        .await
        .map_err(|_| AppError::NotFound)?;
    if state
        .store
        .account_info(id)
        .await
        .map_err(|e| AppError::internal("reading an account", e))?
        .is_some()
    {
        return Err(AppError::Conflict(
            "This customer already has a portal account.".into(),
        ));
    }
    if accounts::send_invitation(&state, &customer.email).await? {
        Ok(format!("Invitation sent to {}.", customer.email))
    } else {
        Err(AppError::Conflict(
            "This customer was already sent several invitations in the last hour. Please try again later.".into(),
        ))
    }
}

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
    let add_job = ServerAction::<super::billing::CreateJob>::new();
    let add_invoice = ServerAction::<super::billing::CreateInvoice>::new();
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
                    Err(e) => view! { <Title text="Customer" /><p class="form__error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RecordView(
    r: CustomerFile,
    add_job: ServerAction<super::billing::CreateJob>,
    add_invoice: ServerAction<super::billing::CreateInvoice>,
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
                        <div class="table-wrap"><table>
                            <thead><tr><th>"Date"</th><th>"Work"</th><th>"Technician"</th><th>"Status"</th></tr></thead>
                            <tbody>
                                {r.jobs.clone().into_iter().map(|j| view! {
                                    <tr><td>{j.date.iso_date()}</td><td>{j.summary}</td><td>{j.technician}</td><td>{j.status}</td></tr>
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
                        <div class="table-wrap"><table>
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
                                            <td>{i.status}</td>
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
                    Err(e) => view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
