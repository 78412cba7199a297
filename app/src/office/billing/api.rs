//! Creating jobs and invoices for a customer, and voiding an unpaid invoice.

// The invoice form posts three lines of three fields each, one argument per field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::CustomerId,
    error::{Context as _, FoundContext as _},
};
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
    let (state, _) = crate::office::auth::require_staff(false).await?;
    let customer_id: CustomerId = customer_id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .customer(customer_id)
        .await
        .found("reading a customer")?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let job_id = if job_id.trim().is_empty() {
        None
    } else {
        let jobs = state
            .store
            .jobs_for_customer(customer_id)
            .await
            .context("reading jobs")?;
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
