//! The pay page's server functions: what to show, paying, and the receipt.

#[cfg(feature = "ssr")]
use crate::error::{Context as _, FoundContext as _};
use crate::{
    cards_ui::CardRow,
    domain::{Cents, InvoiceId, PaymentId, Timestamp},
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a payment stands after "Pay".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentDone {
    /// Approved and recorded.
    Paid {
        /// The recorded payment (for the receipt).
        payment_id: PaymentId,
        /// "Paid $X with Visa •••• 4242."
        message: String,
    },
    /// The card's bank asks the cardholder to confirm the payment (3-D Secure): the page runs the
    /// processor's check, then [`finish_payment`] with `key`.
    Authenticate(BankCheck),
}

impl PaymentDone {
    /// A sentence for the page.
    pub fn message(&self) -> &str {
        match self {
            PaymentDone::Paid { message, .. } => message,
            PaymentDone::Authenticate(_) => "Your bank asks you to confirm this payment.",
        }
    }
}

/// What the browser needs to run the card's bank check for a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankCheck {
    /// The processor's script (Stripe.js, or the sandbox's).
    pub script: crate::domain::tokenization::ProcessorScript,
    /// The payment's client secret (`Debug` hides it).
    pub client_secret: crate::domain::tokenization::ClientSecret,
    /// The payment's idempotency key, to finish it with.
    pub key: String,
}

/// Turns a payment's outcome into the page's answer; a paid one also redirects to its receipt
/// (followed by the browser without JavaScript, and by the page with it).
#[cfg(feature = "ssr")]
fn done(
    state: &crate::backend::AppState,
    outcome: crate::backend::payments::PayOutcome,
) -> PaymentDone {
    use crate::backend::payments::PayOutcome;
    match outcome {
        PayOutcome::Paid(paid) => {
            leptos_axum::redirect(&format!("/payments/{}/receipt", paid.payment_id));
            PaymentDone::Paid {
                payment_id: paid.payment_id,
                message: paid.message,
            }
        }
        PayOutcome::Authenticate { client_secret, key } => PaymentDone::Authenticate(BankCheck {
            script: state.gateway.script(),
            client_secret,
            key,
        }),
    }
}

/// Pays part or all of one of the customer's invoices, with a saved card (`payment_method_id`,
/// the pay form) or with a card typed on the page (`setup_intent`, a processor setup the browser
/// confirmed with the card; `save` keeps it on file, with the customer's agreement to the
/// card-on-file terms of version `agreed_terms`). The same `idempotency_key` (made when the page
/// was rendered) never charges twice.
#[server(endpoint = "invoices/pay")]
pub async fn pay_invoice(
    invoice_id: String,
    amount: String,
    idempotency_key: String,
    #[server(default)] payment_method_id: Option<String>,
    #[server(default)] setup_intent: Option<String>,
    #[server(default)] save: bool,
    #[server(default)] agreed_terms: Option<u32>,
) -> Result<PaymentDone, AppError> {
    use crate::backend::{
        auth::throttle,
        cards,
        payments::{self, PaymentSource},
        request::request_id,
        store::{Actor, ChangeContext},
    };
    let (state, _, customer) = super::super::session::require_customer().await?;
    cards::require_enabled(&state).await?;
    throttle::per_customer(&state, "payment", customer, throttle::PAYMENT_LIMIT).await?;
    let invoice = invoice_id.parse().map_err(|_| AppError::NotFound)?;
    let keep = match (save, &setup_intent) {
        (true, Some(_)) => Some(crate::backend::consent::online(&state, agreed_terms).await?),
        _ => None,
    };
    let source = PaymentSource::parse(payment_method_id.as_deref(), setup_intent, keep)?;
    let ctx = ChangeContext {
        actor: Actor::Customer,
        at: state.clock.now(),
        request_id: request_id(),
    };
    let outcome = payments::pay(
        &state,
        customer,
        invoice,
        source,
        &amount,
        &idempotency_key,
        &ctx,
    )
    .await?;
    Ok(done(&state, outcome))
}

/// Finishes a payment whose card's bank asked the cardholder to confirm it (3-D Secure), once the
/// page ran the check: the processor's answer decides (paid, or declined with the reason).
#[server(endpoint = "invoices/pay/finish")]
pub async fn finish_payment(idempotency_key: String) -> Result<PaymentDone, AppError> {
    use crate::backend::{auth::throttle, cards, payments, request::request_id};
    let (state, _, customer) = super::super::session::require_customer().await?;
    cards::require_enabled(&state).await?;
    throttle::per_customer(&state, "payment", customer, throttle::PAYMENT_LIMIT).await?;
    let outcome = payments::finish(&state, customer, &idempotency_key, &request_id()).await?;
    Ok(done(&state, outcome))
}

/// What the pay page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPageData {
    /// Invoice id.
    pub invoice_id: InvoiceId,
    /// Invoice number.
    pub number: String,
    /// Invoice total.
    pub total: Cents,
    /// What is left to pay.
    pub balance: Cents,
    /// Saved cards, primary first.
    pub cards: Vec<CardRow>,
    /// A fresh idempotency key for this rendering of the form.
    pub key: String,
    /// Payments already made, oldest first.
    pub payments: Vec<PaidRow>,
}

/// A payment already made on the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidRow {
    /// When it was paid.
    pub at: Timestamp,
    /// "Visa •••• 4242".
    pub card: String,
    /// How much.
    pub amount: Cents,
}

/// The invoice, the customer's cards and a fresh idempotency key for the pay form.
#[server(endpoint = "invoices/pay-page")]
pub async fn pay_page(invoice_id: String) -> Result<PayPageData, AppError> {
    use crate::backend::{auth::random_token, cards};
    let (state, _, customer) = super::super::session::require_customer().await?;
    cards::require_enabled(&state).await?;
    let invoice_id: InvoiceId = invoice_id.parse().map_err(|_| AppError::NotFound)?;
    let invoice = state
        .store
        .invoice_for_customer(customer, invoice_id)
        .await
        .found("reading an invoice")?;
    if invoice.voided {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let cards = state
        .store
        .cards_for_customer(customer)
        .await
        .context("reading cards")?;
    let payments = state
        .store
        .payments_for_invoice(invoice_id)
        .await
        .context("reading payments")?;
    Ok(PayPageData {
        invoice_id,
        number: invoice.number.clone(),
        total: invoice.total,
        balance: invoice.balance(),
        cards: cards.iter().map(|c| CardRow::from_saved(c, now)).collect(),
        key: random_token(),
        payments: payments
            .into_iter()
            .map(|p| PaidRow {
                at: p.paid_at,
                card: p.card,
                amount: p.amount,
            })
            .collect(),
    })
}

/// A receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptData {
    /// The business paid.
    pub business: String,
    /// Invoice number.
    pub number: String,
    /// Amount paid.
    pub amount: Cents,
    /// "Visa •••• 4242".
    pub card: String,
    /// The processor's reference.
    pub reference: String,
    pub paid_at: Timestamp,
}

/// One of the customer's payments, for its receipt.
#[server(endpoint = "payments/receipt")]
pub async fn receipt(payment_id: String) -> Result<ReceiptData, AppError> {
    let (state, _, customer) = super::super::session::require_customer().await?;
    let payment: PaymentId = payment_id.parse().map_err(|_| AppError::NotFound)?;
    let receipt = state
        .store
        .payment_receipt(customer, payment)
        .await
        .found("reading a receipt")?;
    let business = state
        .store
        .settings()
        .await
        .context("reading settings")?
        .business_name;
    Ok(ReceiptData {
        business,
        number: receipt.invoice_number,
        amount: receipt.amount,
        card: receipt.card,
        reference: receipt.reference,
        paid_at: receipt.paid_at,
    })
}
