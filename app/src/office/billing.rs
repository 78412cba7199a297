//! Jobs and invoices: created from the customer record; unpaid invoices can be voided.

// The invoice form posts three lines of three fields each, one argument per field.
#![allow(clippy::too_many_arguments)]

use super::record::JobRow;
use crate::{
    domain::CustomerId,
    error::AppError,
    ui::{SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;

/// A missing customer is "not found"; any other failure is ours and logged.
#[cfg(feature = "ssr")]
fn customer_lookup(e: crate::backend::StoreError) -> AppError {
    match e {
        crate::backend::StoreError::NotFound => AppError::NotFound,
        other => AppError::internal("reading a customer", other),
    }
}

/// Lines on the invoice form.
pub const INVOICE_LINES: usize = 3;

/// Records a job for a customer.
#[server(endpoint = "office/jobs/create")]
pub async fn create_job(
    customer_id: String,
    date: String,
    summary: String,
    technician: String,
    status: String,
) -> Result<(), AppError> {
    use crate::{
        backend::store::{JobStatus, NewJob},
        domain::{Timestamp, customer::bounded_text},
    };
    let (state, _) = super::auth::require_staff(false).await?;
    let customer_id: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .customer(customer_id)
        .await
        .map_err(customer_lookup)?;
    let mut errors = Vec::new();
    let date = Timestamp::parse_date(&date).map_err(|e| errors.push(("date", e.to_owned())));
    let summary = bounded_text(&summary, "what the job is", 200, true)
        .map_err(|e| errors.push(("summary", e)));
    let technician = bounded_text(&technician, "the technician", 100, false)
        .map_err(|e| errors.push(("technician", e)));
    let status = match status.as_str() {
        "scheduled" => Ok(JobStatus::Scheduled),
        "completed" => Ok(JobStatus::Completed),
        "cancelled" => Ok(JobStatus::Cancelled),
        _ => {
            errors.push((
                "status",
                "Choose scheduled, completed or cancelled.".to_owned(),
            ));
            Err(())
        }
    };
    let (Ok(scheduled_on), Ok(summary), Ok(technician), Ok(status)) =
        (date, summary, technician, status)
    else {
        return AppError::from_fields(errors);
    };
    let job = NewJob {
        customer_id,
        scheduled_on,
        summary,
        technician,
        status,
    };
    state
        .store
        .insert_job(&job, state.clock.now())
        .await
        .map_err(|e| AppError::internal("saving a job", e))?;
    Ok(())
}

/// Parses one invoice line; `None` when the whole line is blank.
#[cfg(feature = "ssr")]
fn parse_line(
    n: usize,
    description: &str,
    quantity: &str,
    price: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<crate::backend::store::NewInvoiceLine> {
    use crate::domain::{Cents, customer::bounded_text};
    if description.trim().is_empty() && quantity.trim().is_empty() && price.trim().is_empty() {
        return None;
    }
    let before = errors.len();
    let description = bounded_text(description, "the description", 200, true)
        .map_err(|e| errors.push((format!("description_{n}"), e)))
        .ok();
    let quantity = match quantity.trim().parse::<i64>() {
        Ok(q) if (1..=10_000).contains(&q) => Some(q),
        _ => {
            errors.push((
                format!("quantity_{n}"),
                "Enter a whole number from 1 to 10000.".to_owned(),
            ));
            None
        }
    };
    let unit_price = Cents::parse(price)
        .map_err(|e| errors.push((format!("price_{n}"), e.to_string())))
        .ok();
    if errors.len() > before {
        return None;
    }
    Some(crate::backend::store::NewInvoiceLine {
        description: description?,
        quantity: quantity?,
        unit_price: unit_price?,
    })
}

/// Creates an invoice (numbered by the system) from up to three lines.
#[server(endpoint = "office/invoices/create")]
pub async fn create_invoice(
    customer_id: String,
    job_id: String,
    due_on: String,
    description_1: String,
    quantity_1: String,
    price_1: String,
    description_2: String,
    quantity_2: String,
    price_2: String,
    description_3: String,
    quantity_3: String,
    price_3: String,
) -> Result<(), AppError> {
    use crate::{
        backend::store::NewInvoice,
        domain::{JobId, Timestamp},
    };
    let (state, _) = super::auth::require_staff(false).await?;
    let customer_id: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .customer(customer_id)
        .await
        .map_err(customer_lookup)?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let job_id = if job_id.trim().is_empty() {
        None
    } else {
        let jobs = state
            .store
            .jobs_for_customer(customer_id)
            .await
            .map_err(|e| AppError::internal("reading jobs", e))?;
        match job_id.parse::<JobId>() {
            Ok(id) if jobs.iter().any(|j| j.id == id) => Some(id),
            _ => {
                errors.push((
                    "job_id".into(),
                    "Choose one of this customer's jobs.".into(),
                ));
                None
            }
        }
    };
    let due_on = Timestamp::parse_date(&due_on)
        .map_err(|e| errors.push(("due_on".into(), e.to_owned())))
        .ok();
    let lines: Vec<_> = [
        (1, description_1, quantity_1, price_1),
        (2, description_2, quantity_2, price_2),
        (3, description_3, quantity_3, price_3),
    ]
    .iter()
    .filter_map(|(n, d, q, p)| parse_line(*n, d, q, p, &mut errors))
    .collect();
    if lines.is_empty() && errors.is_empty() {
        errors.push((
            "description_1".into(),
            "Add at least one line: what was done, how many, and the price.".into(),
        ));
    }
    let now = state.clock.now();
    let (y, m, d) = now.date();
    let issued_on = Timestamp::from_date(y, m, d);
    if due_on.is_some_and(|due| due < issued_on) {
        errors.push((
            "due_on".into(),
            "The due date can't be before today.".into(),
        ));
    }
    let total: i64 = lines
        .iter()
        .map(|l| l.unit_price.get().saturating_mul(l.quantity))
        .sum();
    if !lines.is_empty() && total < 1 {
        errors.push((
            "price_1".into(),
            "An invoice must be for more than $0.00.".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Fields(errors));
    }
    let invoice = NewInvoice {
        customer_id,
        job_id,
        issued_on,
        due_on: due_on.ok_or(AppError::BadRequest)?,
        lines,
    };
    state
        .store
        .insert_invoice(&invoice, now)
        .await
        .map_err(|e| match e {
            crate::backend::StoreError::AmountOutOfRange => {
                AppError::invalid("price_1", "The invoice total is too large.")
            }
            other => AppError::internal("saving an invoice", other),
        })?;
    Ok(())
}

/// Voids an invoice of this customer on which nothing has been paid.
#[server(endpoint = "office/invoices/void")]
pub async fn void_invoice(customer_id: String, invoice_id: String) -> Result<(), AppError> {
    let (state, staff) = super::auth::require_staff(false).await?;
    let customer_id: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    let invoice_id: crate::domain::InvoiceId =
        invoice_id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .void_invoice(customer_id, invoice_id)
        .await
        .map_err(|e| match e {
            crate::backend::StoreError::NotFound => {
                AppError::Conflict("Only an open invoice with no payments can be voided.".into())
            }
            crate::backend::StoreError::PaymentInProgress => AppError::Conflict(
                "A payment is in progress on this invoice. Try again in a minute.".into(),
            ),
            other => AppError::internal("voiding an invoice", other),
        })?;
    tracing::info!(invoice = %invoice_id, staff = %staff.id, "invoice voided");
    Ok(())
}

/// The add-a-job form.
#[component]
pub fn JobForm(customer: CustomerId, action: ServerAction<CreateJob>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <ActionForm action=action attr:novalidate="true" attr:class="form">
            <input type="hidden" name="customer_id" value=customer.to_string() />
            <TextField label="Date" name="date" id="job-date" kind="date" error=field_message(error, "date") />
            <TextField label="Work to do or done" name="summary" id="job-summary" error=field_message(error, "summary") />
            <TextField label="Technician" name="technician" id="job-technician" optional=true error=field_message(error, "technician") />
            <div class="field">
                <label for="job-status">"Status"</label>
                <select id="job-status" name="status">
                    <option value="scheduled">"Scheduled"</option>
                    <option value="completed">"Completed"</option>
                    <option value="cancelled">"Cancelled"</option>
                </select>
            </div>
            <p class="form__error" role="alert">{move || form_message(error).get()}</p>
            <SubmitButton label="Add job" busy="Saving…" pending=action.pending() />
        </ActionForm>
    }
}

/// The create-an-invoice form: due date, optional job, up to three lines.
#[component]
pub fn InvoiceForm(
    customer: CustomerId,
    jobs: Vec<JobRow>,
    action: ServerAction<CreateInvoice>,
) -> impl IntoView {
    let error = action_error(action);
    view! {
        <ActionForm action=action attr:novalidate="true" attr:class="form">
            <input type="hidden" name="customer_id" value=customer.to_string() />
            <TextField label="Due date" name="due_on" id="invoice-due" kind="date" error=field_message(error, "due_on") />
            <div class="field">
                <label for="invoice-job">"For job (optional)"</label>
                <select id="invoice-job" name="job_id">
                    <option value="">"No job"</option>
                    {jobs.into_iter().map(|j| view! {
                        <option value=j.id.to_string()>{format!("{} · {}", j.date.iso_date(), j.summary)}</option>
                    }).collect_view()}
                </select>
                <p class="field__error" role="alert">{move || field_message(error, "job_id").get()}</p>
            </div>
            {(1..=INVOICE_LINES).map(|n| {
                let (d, q, p) = (format!("description_{n}"), format!("quantity_{n}"), format!("price_{n}"));
                view! {
                    <fieldset class="line">
                        <legend>{format!("Line {n}")}</legend>
                        <LineField label="Description" name=d.clone() kind="text" error=error />
                        <LineField label="Quantity" name=q.clone() kind="number" error=error />
                        <LineField label="Unit price ($)" name=p.clone() kind="text" error=error />
                    </fieldset>
                }
            }).collect_view()}
            <p class="form__error" role="alert">{move || form_message(error).get()}</p>
            <SubmitButton label="Create invoice" busy="Saving…" pending=action.pending() />
        </ActionForm>
    }
}

#[component]
fn LineField(
    label: &'static str,
    name: String,
    kind: &'static str,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("invoice-{name}");
    let error_id = format!("{id}-error");
    let field = name.clone();
    let message = Signal::derive(move || error.get().and_then(|e| e.message_for(&field)));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name type=kind inputmode=if kind == "number" { "numeric" } else if label.contains("price") { "decimal" } else { "text" }
                aria-describedby=error_id.clone() aria-invalid=move || message.get().is_some().to_string() />
            <p id=error_id class="field__error" role="alert">{move || message.get()}</p>
        </div>
    }
}
