//! Creating jobs and invoices for a customer, and voiding an unpaid invoice.

#[cfg(feature = "ssr")]
use crate::{
    domain::CustomerId,
    error::{Context as _, FoundContext as _},
};
use crate::{domain::invoice::LineInput, error::AppError};
use leptos::prelude::*;

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
        backend::store::NewJob,
        domain::{
            Timestamp,
            customer::bounded_text,
            status::{JobStatus, Named as _},
        },
    };
    let (state, _) = crate::office::auth::require_staff(false).await?;
    let customer_id: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .customer(customer_id)
        .await
        .found("reading a customer")?;
    let mut errors = Vec::new();
    let date = Timestamp::parse_date(&date).map_err(|e| errors.push(("date", e.to_owned())));
    let summary = bounded_text(&summary, "what the job is", 200, true)
        .map_err(|e| errors.push(("summary", e)));
    let technician = bounded_text(&technician, "the technician", 100, false)
        .map_err(|e| errors.push(("technician", e)));
    let status = JobStatus::parse(&status).ok_or_else(|| {
        errors.push((
            "status",
            "Choose scheduled, completed or cancelled.".to_owned(),
        ));
    });
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
        .context("saving a job")?;
    Ok(())
}

/// Creates an invoice (numbered by the system) from the form's lines (blank ones left out).
#[server(endpoint = "office/invoices/create")]
pub async fn create_invoice(
    customer_id: String,
    job_id: String,
    due_on: String,
    #[server(default)] lines: Vec<LineInput>,
) -> Result<(), AppError> {
    use crate::{
        backend::{StoreError, store::NewInvoice},
        domain::{JobId, Timestamp, invoice::Draft},
    };
    let (state, _) = crate::office::auth::require_staff(false).await?;
    let customer_id: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    if lines.len() > INVOICE_LINES {
        return Err(AppError::BadRequest);
    }
    state
        .store
        .customer(customer_id)
        .await
        .found("reading a customer")?;
    let job_id = match job_id.trim() {
        "" => Ok(None),
        id => {
            let jobs = state
                .store
                .jobs_for_customer(customer_id)
                .await
                .context("reading jobs")?;
            match id.parse::<JobId>() {
                Ok(id) if jobs.iter().any(|j| j.id == id) => Ok(Some(id)),
                _ => Err((
                    "job_id".to_owned(),
                    "Choose one of this customer's jobs.".to_owned(),
                )),
            }
        }
    };
    let now = state.clock.now();
    let (y, m, d) = now.date();
    let issued_on = Timestamp::from_date(y, m, d);
    let draft = Draft::parse(&due_on, &lines, issued_on);
    let (job_id, draft) = match (job_id, draft) {
        (Ok(job_id), Ok(draft)) => (job_id, draft),
        (job, draft) => {
            let errors = job
                .err()
                .into_iter()
                .chain(draft.err().into_iter().flatten());
            return Err(AppError::Fields(errors.collect()));
        }
    };
    let invoice = NewInvoice {
        customer_id,
        job_id,
        issued_on,
        due_on: draft.due_on,
        lines: draft.lines,
    };
    state
        .store
        .insert_invoice(&invoice, now)
        .await
        .map_err(|e| match e {
            StoreError::AmountOutOfRange => {
                AppError::invalid("price_1", "The invoice total is too large.")
            }
            other => AppError::internal("saving an invoice", other),
        })?;
    Ok(())
}

/// Voids an invoice of this customer on which nothing has been paid.
#[server(endpoint = "office/invoices/void")]
pub async fn void_invoice(customer_id: String, invoice_id: String) -> Result<(), AppError> {
    let (state, staff) = crate::office::auth::require_staff(false).await?;
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
