//! The add-a-job and create-an-invoice forms on the customer record.

use super::api::{CreateInvoice, CreateJob, INVOICE_LINES};
use crate::rows::JobRow;
use crate::{
    AppError,
    domain::{
        CustomerId,
        status::{JobStatus, Named as _},
    },
    ui::{SubmitButton, TextField, action_error, field_message, form_message, kept_input},
};
use leptos::prelude::*;

/// The add-a-job form.
#[component]
pub fn JobForm(customer: CustomerId, action: ServerAction<CreateJob>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <ActionForm action=action attr:novalidate=true attr:class="form">
            <input type="hidden" name="customer_id" value=customer.to_string() />
            <TextField label="Date" name="date" id="job-date" kind="date" error=field_message(error, "date") />
            <TextField label="Work to do or done" name="summary" id="job-summary" error=field_message(error, "summary") />
            <TextField label="Technician" name="technician" id="job-technician" optional=true error=field_message(error, "technician") />
            <div class="field">
                <label for="job-status">"Status"</label>
                <select id="job-status" name="status">
                    {JobStatus::ALL
                        .iter()
                        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                        .collect_view()}
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
    let kept_job = kept_input("job_id");
    view! {
        <ActionForm action=action attr:novalidate=true attr:class="form">
            <input type="hidden" name="customer_id" value=customer.to_string() />
            <TextField label="Due date" name="due_on" id="invoice-due" kind="date" error=field_message(error, "due_on") />
            <div class="field">
                <label for="invoice-job">"For job (optional)"</label>
                <select id="invoice-job" name="job_id">
                    <option value="">"No job"</option>
                    {jobs.into_iter().map(|j| view! {
                        <option value=j.id.to_string() selected=kept_job.as_deref() == Some(j.id.to_string().as_str())>{format!("{} · {}", j.date.iso_date(), j.summary)}</option>
                    }).collect_view()}
                </select>
                <p class="field__error" role="alert">{move || field_message(error, "job_id").get()}</p>
            </div>
            {(1..=INVOICE_LINES).map(|n| view! {
                <fieldset class="line">
                    <legend>{format!("Line {n}")}</legend>
                    <LineField label="Description" line=n part="description" kind="text" error=error />
                    <LineField label="Quantity" line=n part="quantity" kind="number" error=error />
                    <LineField label="Unit price ($)" line=n part="price" kind="text" error=error />
                </fieldset>
            }).collect_view()}
            <p class="form__error" role="alert">{move || form_message(error).get()}</p>
            <SubmitButton label="Create invoice" busy="Saving…" pending=action.pending() />
        </ActionForm>
    }
}

/// One field of invoice line `line` (from 1): posted as `lines[line-1][part]`, its message
/// found under `{part}_{line}`.
#[component]
fn LineField(
    label: &'static str,
    line: usize,
    part: &'static str,
    kind: &'static str,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let field = format!("{part}_{line}");
    let name = format!("lines[{}][{part}]", line - 1);
    let id = format!("invoice-{field}");
    let error_id = format!("{id}-error");
    let message = Signal::derive(move || error.get().and_then(|e| e.message_for(&field)));
    // What was typed before a refused post without JavaScript.
    let kept = kept_input(&name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name value=kept type=kind inputmode=if kind == "number" { "numeric" } else if label.contains("price") { "decimal" } else { "text" }
                aria-describedby=error_id.clone() aria-invalid=move || message.get().is_some().to_string() />
            <p id=error_id class="field__error" role="alert">{move || message.get()}</p>
        </div>
    }
}
