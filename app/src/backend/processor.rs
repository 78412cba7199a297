//! A customer's side at the payment processor: their processor record (created once, its
//! reference kept), card setups the browser confirms, and the default card mirrored from
//! Porchlight's primary flag.

use super::{
    AppState, Store,
    cards::gateway_error,
    gateway::{CardSetup, CustomerProfile, Gateway, ProcessorCustomer, SavedMethod},
};
use crate::{
    domain::{CustomerId, Timestamp, tokenization::PaymentToken},
    error::{AppError, Context as _, FoundContext as _},
};

/// The customer's record at the processor, created the first time it is needed.
pub async fn processor_customer(
    state: &AppState,
    customer: CustomerId,
) -> Result<ProcessorCustomer, AppError> {
    ensure_processor_customer(
        &state.store,
        state.gateway.as_ref(),
        customer,
        state.clock.now(),
    )
    .await
}

/// [`processor_customer`] for callers without an [`AppState`] (the demo data loader).
pub async fn ensure_processor_customer(
    store: &Store,
    gateway: &dyn Gateway,
    customer: CustomerId,
    now: Timestamp,
) -> Result<ProcessorCustomer, AppError> {
    let account = gateway.account();
    let stored = store
        .processor_customer(customer, account)
        .await
        .context("reading a processor customer")?;
    let reference = match stored {
        Some(reference) => reference,
        None => {
            let details = store.customer(customer).await.found("reading a customer")?;
            let install = store.install_id().await.context("reading the install id")?;
            let created = gateway
                .create_customer(&CustomerProfile {
                    id: customer,
                    name: &details.name,
                    email: details.email.as_str(),
                    install: &install,
                })
                .await
                .map_err(gateway_error)?;
            tracing::info!(%customer, account, "processor customer created");
            store
                .remember_processor_customer(customer, account, created.as_str(), now)
                .await
                .context("storing a processor customer")?
        }
    };
    ProcessorCustomer::parse(&reference)
        .ok_or_else(|| AppError::internal("processor customer", "stored reference is malformed"))
}

/// Starts saving a card for `customer`: the setup the browser confirms with the processor.
pub async fn begin_card_setup(
    state: &AppState,
    customer: CustomerId,
) -> Result<CardSetup, AppError> {
    let at_processor = processor_customer(state, customer).await?;
    let setup = state
        .gateway
        .begin_setup(&at_processor)
        .await
        .map_err(gateway_error)?;
    tracing::info!(%customer, setup = %setup.id, "card setup started");
    Ok(setup)
}

/// The card a confirmed setup of `customer` saved (`setup_id` as the browser sent it).
pub async fn finish_card_setup(
    state: &AppState,
    customer: CustomerId,
    setup_id: &str,
) -> Result<SavedMethod, AppError> {
    let setup = PaymentToken::parse(setup_id).ok_or_else(|| {
        AppError::invalid(
            "number",
            "We couldn't read the card. Please enter it again.",
        )
    })?;
    let at_processor = processor_customer(state, customer).await?;
    state
        .gateway
        .finish_setup(&at_processor, setup.as_str())
        .await
        .map_err(gateway_error)
}

/// Makes `method` the customer's default card at the processor; Porchlight's primary flag is the
/// truth, so a failure is only logged.
pub async fn mirror_default(state: &AppState, customer: CustomerId, method: &PaymentToken) {
    let result = match processor_customer(state, customer).await {
        Ok(at_processor) => state
            .gateway
            .set_default(&at_processor, method)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(cause) = result {
        tracing::warn!(%customer, %cause, "could not mirror the primary card to the processor");
    }
}
