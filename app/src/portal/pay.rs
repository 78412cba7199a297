//! Paying an invoice online with a saved card: the server function behind the pay page.

use crate::{domain::PaymentId, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An approved payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDone {
    /// The recorded payment (for the receipt).
    pub payment_id: PaymentId,
    /// "Paid $X with Visa •••• 4242."
    pub message: String,
}

/// Pays part or all of one of the customer's invoices with one of their saved cards. The same
/// `idempotency_key` (created when the pay page was rendered) never charges twice.
#[server(endpoint = "invoices/pay")]
pub async fn pay_invoice(
    invoice_id: String,
    payment_method_id: String,
    amount: String,
    idempotency_key: String,
) -> Result<PaymentDone, AppError> {
    use crate::backend::{cards, payments, request::request_id};
    let (state, _, customer) = super::session::require_customer().await?;
    cards::require_enabled(&state).await?;
    let invoice = invoice_id.parse().map_err(|_| AppError::NotFound)?;
    let card = payment_method_id.parse().map_err(|_| AppError::NotFound)?;
    let paid = payments::pay_with_saved_card(
        &state,
        customer,
        invoice,
        card,
        &amount,
        &idempotency_key,
        &request_id(),
    )
    .await?;
    Ok(PaymentDone {
        payment_id: paid.payment_id,
        message: paid.message,
    })
}
