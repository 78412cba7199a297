//! A processor that is the sandbox except where a test scripts it: while "down" its card reads
//! fail (the processor cannot be reached), and a hook can run right after it updates a card, as
//! the processor's own event may reach Porchlight before Porchlight's request has ended.

use app::{
    backend::gateway::{
        BrowserSources, CardDetails, CardSetup, ChargeOutcome, ChargeRecord, ChargeRequest,
        CustomerProfile, Gateway, GatewayError, Mode, ProcessorCustomer, ProcessorScript,
        SavedMethod, sandbox::SandboxGateway,
    },
    domain::{card::Expiry, tokenization::PaymentToken},
};
use futures::future::BoxFuture;
use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

/// What runs after the processor updated a card, before it answers.
pub type Hook = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The sandbox, with faults and a hook a test turns on.
#[derive(Clone)]
pub struct Scripted {
    inner: SandboxGateway,
    down: Arc<AtomicBool>,
    after_update: Option<Hook>,
}

impl fmt::Debug for Scripted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scripted")
            .field("down", &self.down.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl Scripted {
    /// The sandbox as it is.
    pub fn new(inner: SandboxGateway) -> Self {
        Self {
            inner,
            down: Arc::new(AtomicBool::new(false)),
            after_update: None,
        }
    }

    /// Card and charge reads fail while `down` (every clone shares the switch).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Runs `hook` after each card update, before the update answers.
    pub fn after_update(mut self, hook: Hook) -> Self {
        self.after_update = Some(hook);
        self
    }

    fn reachable(&self) -> Result<(), GatewayError> {
        if self.down.load(Ordering::SeqCst) {
            Err(GatewayError::Unavailable(
                "scripted: the processor is down".into(),
            ))
        } else {
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl Gateway for Scripted {
    fn mode(&self) -> Mode {
        self.inner.mode()
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn account(&self) -> &'static str {
        self.inner.account()
    }

    async fn create_customer(
        &self,
        profile: &CustomerProfile<'_>,
    ) -> Result<ProcessorCustomer, GatewayError> {
        self.inner.create_customer(profile).await
    }

    async fn begin_setup(&self, customer: &ProcessorCustomer) -> Result<CardSetup, GatewayError> {
        self.inner.begin_setup(customer).await
    }

    async fn finish_setup(
        &self,
        customer: &ProcessorCustomer,
        setup_id: &str,
    ) -> Result<SavedMethod, GatewayError> {
        self.inner.finish_setup(customer, setup_id).await
    }

    async fn update(
        &self,
        method: &PaymentToken,
        expiry: Expiry,
        zip: &str,
    ) -> Result<CardDetails, GatewayError> {
        let updated = self.inner.update(method, expiry, zip).await?;
        if let Some(hook) = &self.after_update {
            hook().await;
        }
        Ok(updated)
    }

    async fn set_default(
        &self,
        customer: &ProcessorCustomer,
        method: &PaymentToken,
    ) -> Result<(), GatewayError> {
        self.inner.set_default(customer, method).await
    }

    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, GatewayError> {
        self.inner.charge(request).await
    }

    async fn find_charge(
        &self,
        request: &ChargeRequest<'_>,
    ) -> Result<Option<ChargeOutcome>, GatewayError> {
        self.inner.find_charge(request).await
    }

    async fn charge_status(&self, charge: &str) -> Result<ChargeOutcome, GatewayError> {
        self.reachable()?;
        self.inner.charge_status(charge).await
    }

    async fn cancel_charge(&self, charge: &str) -> Result<(), GatewayError> {
        self.inner.cancel_charge(charge).await
    }

    async fn charge_record(&self, charge: &str) -> Result<ChargeRecord, GatewayError> {
        self.reachable()?;
        self.inner.charge_record(charge).await
    }

    async fn detach(&self, method: &PaymentToken) -> Result<(), GatewayError> {
        self.inner.detach(method).await
    }

    async fn check(&self) -> Result<(), GatewayError> {
        self.reachable()?;
        self.inner.check().await
    }

    async fn card(&self, method: &PaymentToken) -> Result<Option<CardDetails>, GatewayError> {
        self.reachable()?;
        self.inner.card(method).await
    }

    fn webhook_secrets(&self) -> Vec<String> {
        self.inner.webhook_secrets()
    }

    fn script(&self) -> ProcessorScript {
        self.inner.script()
    }

    fn browser_sources(&self) -> BrowserSources {
        self.inner.browser_sources()
    }
}
