//! [`StripeGateway`]: Porchlight's [`Gateway`] over Stripe's API (Customers, SetupIntents,
//! PaymentMethods, PaymentIntents).

use super::{
    client::{ClientSettings, Params, StripeClient, StripeError},
    keys::StripeKeys,
    objects::{ErrorDetail, Expandable, PaymentIntent, PaymentMethod},
};
use crate::{
    backend::gateway::{
        BrowserSources, CardDetails, CardSetup, ChargeOutcome, ChargeRecord, ChargeRequest,
        CustomerProfile, Decline, Gateway, GatewayError, Mode, ProcessorCustomer, SavedMethod,
        events::ATTEMPT_METADATA,
    },
    domain::{
        Cents,
        card::{Brand, Expiry, Last4},
        tokenization::{PaymentToken, ProcessorScript},
    },
};

/// Where Stripe.js loads from unless `PORCHLIGHT_STRIPE_JS_URL` says otherwise.
pub const DEFAULT_JS_URL: &str = "https://js.stripe.com/v3/";

/// The origins Stripe documents for Stripe.js, its frames and its API (docs.stripe.com/security/
/// guide, "Content Security Policy"): hooks.stripe.com frames the bank's check (3-D Secure). Not
/// maps.googleapis.com, which the guide lists for the Address Element only (unused here; its
/// JSONP callbacks would let injected markup run script past the policy).
const STRIPE_SCRIPT: &[&str] = &["https://js.stripe.com", "https://*.js.stripe.com"];
const STRIPE_FRAMES: &[&str] = &[
    "https://js.stripe.com",
    "https://*.js.stripe.com",
    "https://hooks.stripe.com",
];
const STRIPE_CONNECT: &[&str] = &["https://api.stripe.com"];

/// The origin (`scheme://host[:port]`) of `url`, if it has one.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// The currency every charge is made in.
pub const CURRENCY: &str = "usd";

/// The metadata parameter naming the installation on Porchlight's customers and payments.
const INSTALL_METADATA: &str = "metadata[porchlight_install]";

/// How many pages of a customer's payment intents [`Gateway::find_charge`] reads at most.
const FIND_PAGES: usize = 10;

/// The `Idempotency-Key` of a payment: the attempt's key under this installation's id, so
/// another install on the same Stripe account can never replay it.
fn payment_key(request: &ChargeRequest<'_>) -> String {
    format!(
        "porchlight-{}-pay-{}",
        request.install, request.idempotency_key
    )
}

/// Stripe, through a client holding the account's secret key; `Debug` shows no secret.
#[derive(Clone)]
pub struct StripeGateway {
    client: StripeClient,
    mode: Mode,
    webhook_secrets: Vec<String>,
    script: ProcessorScript,
}

impl std::fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeGateway")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl StripeGateway {
    /// Stripe in `mode` (test or live keys) through `client`, its webhooks signed with any of
    /// `webhook_secrets`.
    pub fn new(
        client: StripeClient,
        mode: Mode,
        webhook_secrets: Vec<String>,
        script: ProcessorScript,
    ) -> Self {
        Self {
            client,
            mode,
            webhook_secrets,
            script,
        }
    }

    /// Stripe for the configured keys: the API at `settings.api_url`, Stripe.js from `js_url`.
    pub fn from_keys(
        keys: &StripeKeys,
        settings: ClientSettings,
        js_url: &str,
    ) -> Result<Self, StripeError> {
        let client = StripeClient::new(settings, keys.secret())?;
        let script = ProcessorScript {
            url: js_url.to_owned(),
            publishable_key: keys.publishable().to_owned(),
        };
        Ok(Self::new(
            client,
            keys.mode(),
            keys.webhook_secrets().to_vec(),
            script,
        ))
    }
}

/// The reason behind a card error, from Stripe's decline code or error code.
pub fn decline_of(detail: &ErrorDetail) -> Decline {
    let reason = detail.decline_code.as_deref().or(detail.code.as_deref());
    match reason {
        Some("insufficient_funds") => Decline::InsufficientFunds,
        Some("lost_card") => Decline::LostCard,
        Some("stolen_card") => Decline::StolenCard,
        Some("expired_card") => Decline::ExpiredCard,
        Some("incorrect_cvc" | "invalid_cvc") => Decline::IncorrectCvc,
        Some("processing_error") => Decline::ProcessingError,
        Some("authentication_required" | "payment_intent_authentication_failure") => {
            Decline::AuthenticationFailed
        }
        _ => Decline::Generic,
    }
}

fn gateway_error(e: StripeError) -> GatewayError {
    match e {
        StripeError::Card(detail) => GatewayError::Declined(decline_of(&detail)),
        StripeError::KeyReuse => GatewayError::KeyReuse,
        StripeError::NotFound(_) => GatewayError::InvalidToken,
        // A payment method that is not the customer's (or no longer attached) is named missing.
        StripeError::Invalid { detail, .. }
            if detail.code.as_deref() == Some("resource_missing") =>
        {
            GatewayError::InvalidToken
        }
        other => GatewayError::Unavailable(other.to_string()),
    }
}

fn unreadable(what: &str) -> GatewayError {
    GatewayError::Unavailable(format!("Stripe answered {what}"))
}

/// What Porchlight keeps of a card payment method.
fn card_details(method: &PaymentMethod) -> Result<CardDetails, GatewayError> {
    let card = method
        .card
        .as_ref()
        .ok_or_else(|| unreadable("a payment method without a card"))?;
    // Stripe's brand codes are the names of Porchlight's card icons.
    let brand = Brand::from_icon(&card.brand).ok_or(GatewayError::Declined(Decline::Generic))?;
    let last4 =
        Last4::try_from(card.last4.clone()).map_err(|_| unreadable("a malformed last 4"))?;
    let fingerprint = card
        .fingerprint
        .clone()
        .ok_or_else(|| unreadable("a card without a fingerprint"))?;
    let billing = &method.billing_details;
    Ok(CardDetails {
        brand,
        last4,
        expiry: Expiry {
            year: card.exp_year,
            month: card.exp_month,
        },
        fingerprint,
        cardholder: billing.name.clone().unwrap_or_default(),
        zip: billing
            .address
            .as_ref()
            .and_then(|a| a.postal_code.clone())
            .unwrap_or_default(),
    })
}

/// What a PaymentIntent's status means for the attempt.
pub fn outcome_of(intent: &PaymentIntent) -> Result<ChargeOutcome, GatewayError> {
    match intent.status.as_str() {
        "succeeded" => Ok(ChargeOutcome::Approved {
            reference: intent
                .latest_charge
                .clone()
                .unwrap_or_else(|| intent.id.clone()),
        }),
        "requires_action" => Ok(ChargeOutcome::RequiresAction {
            charge: intent.id.clone(),
            client_secret: intent
                .client_secret
                .clone()
                .ok_or_else(|| unreadable("a payment intent without a client secret"))?,
        }),
        "requires_payment_method" | "canceled" => Ok(ChargeOutcome::Declined(
            intent
                .last_payment_error
                .as_ref()
                .map_or(Decline::Generic, decline_of),
        )),
        // Accepted, not settled: read again later by its id.
        "processing" => Ok(ChargeOutcome::Pending {
            charge: intent.id.clone(),
        }),
        // Anything newer has not settled either: ask again later.
        other => Err(GatewayError::Unavailable(format!(
            "payment intent {} is {other}",
            intent.id
        ))),
    }
}

#[async_trait::async_trait]
impl Gateway for StripeGateway {
    fn mode(&self) -> Mode {
        self.mode
    }

    fn name(&self) -> &'static str {
        "Stripe"
    }

    fn account(&self) -> &'static str {
        match self.mode {
            Mode::Test => "stripe-test",
            Mode::Live => "stripe-live",
        }
    }

    async fn create_customer(
        &self,
        profile: &CustomerProfile<'_>,
    ) -> Result<ProcessorCustomer, GatewayError> {
        let params = Params::default()
            .with("email", profile.email)
            .with("name", profile.name)
            .with("metadata[porchlight_customer]", profile.id)
            .with(INSTALL_METADATA, profile.install);
        // Another install (or this one after a reset) has its own customer 1.
        let key = format!("porchlight-{}-customer-{}", profile.install, profile.id);
        let customer = self
            .client
            .create_customer(params, &key)
            .await
            .map_err(gateway_error)?;
        ProcessorCustomer::parse(&customer.id).ok_or_else(|| unreadable("a malformed customer id"))
    }

    async fn begin_setup(&self, customer: &ProcessorCustomer) -> Result<CardSetup, GatewayError> {
        let intent = self
            .client
            .create_setup_intent(customer.as_str())
            .await
            .map_err(gateway_error)?;
        let client_secret = intent
            .client_secret
            .ok_or_else(|| unreadable("a setup intent without a client secret"))?;
        Ok(CardSetup {
            id: intent.id,
            client_secret,
            script: self.script(),
        })
    }

    async fn finish_setup(
        &self,
        customer: &ProcessorCustomer,
        setup_id: &str,
    ) -> Result<SavedMethod, GatewayError> {
        let intent = self
            .client
            .setup_intent(setup_id)
            .await
            .map_err(gateway_error)?;
        // Another customer's setup, or one the browser has not confirmed, saves nothing.
        if intent.customer.as_deref() != Some(customer.as_str()) || intent.status != "succeeded" {
            if let Some(error) = &intent.last_setup_error {
                return Err(GatewayError::Declined(decline_of(error)));
            }
            return Err(GatewayError::InvalidToken);
        }
        let method = match intent.payment_method {
            Some(Expandable::Object(method)) => *method,
            Some(Expandable::Id(id)) => self
                .client
                .payment_method(&id)
                .await
                .map_err(gateway_error)?,
            None => return Err(unreadable("a succeeded setup without a payment method")),
        };
        let details = card_details(&method)?;
        let method = PaymentToken::parse(&method.id)
            .ok_or_else(|| unreadable("a malformed payment method id"))?;
        Ok(SavedMethod { method, details })
    }

    async fn update(
        &self,
        method: &PaymentToken,
        expiry: Expiry,
        zip: &str,
    ) -> Result<CardDetails, GatewayError> {
        let updated = self
            .client
            .update_card(method.as_str(), expiry.month, expiry.year, zip)
            .await
            .map_err(gateway_error)?;
        card_details(&updated)
    }

    async fn set_default(
        &self,
        customer: &ProcessorCustomer,
        method: &PaymentToken,
    ) -> Result<(), GatewayError> {
        self.client
            .set_default_payment_method(customer.as_str(), method.as_str())
            .await
            .map(drop)
            .map_err(gateway_error)
    }

    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, GatewayError> {
        let params = Params::default()
            .with("amount", request.amount.get())
            .with("currency", CURRENCY)
            .with("customer", request.customer.as_str())
            .with("payment_method", request.method.as_str())
            .with("confirm", "true")
            // Confirmed on the server while the customer is on the pay page: a bank's check is
            // the next action Stripe.js runs there (`handleNextAction`), as Stripe documents.
            .with("use_stripe_sdk", "true")
            .with("allowed_payment_method_types[]", "card")
            .with("metadata[porchlight_attempt]", request.attempt)
            .with(INSTALL_METADATA, request.install);
        let intent = self
            .client
            .create_payment_intent(params, &payment_key(request))
            .await
            .map_err(gateway_error)?;
        outcome_of(&intent)
    }

    async fn find_charge(
        &self,
        request: &ChargeRequest<'_>,
    ) -> Result<Option<ChargeOutcome>, GatewayError> {
        let attempt = request.attempt.to_string();
        let ours = |intent: &PaymentIntent| {
            intent.metadata.get(ATTEMPT_METADATA) == Some(&attempt)
                && intent
                    .metadata
                    .get("porchlight_install")
                    .is_none_or(|i| i == request.install.as_str())
                && intent.amount == request.amount.get()
                && intent.payment_method.as_ref().map(Expandable::id)
                    == Some(request.method.as_str())
        };
        // The customer's intents, newest first: a list shows an intent as soon as it is made
        // (Stripe's search may lag a minute behind), and one customer has few.
        let mut after: Option<String> = None;
        for _ in 0..FIND_PAGES {
            let page = self
                .client
                .list_payment_intents(Some(request.customer.as_str()), after.as_deref(), 100)
                .await
                .map_err(gateway_error)?;
            let mut found: Vec<&PaymentIntent> = page.data.iter().filter(|i| ours(i)).collect();
            // Never more than one per attempt; should there be, the one that moved money counts.
            found.sort_by_key(|i| i.status != "succeeded");
            if let Some(intent) = found.first() {
                return outcome_of(intent).map(Some);
            }
            if !page.has_more {
                return Ok(None);
            }
            after = page.data.last().map(|i| i.id.clone());
        }
        // Not sure it was never made: no new charge until it can be told.
        Err(GatewayError::Unavailable(format!(
            "more than {} payment intents for customer {}; attempt {attempt} not found among them",
            FIND_PAGES * 100,
            request.customer.as_str()
        )))
    }

    async fn charge_status(&self, charge: &str) -> Result<ChargeOutcome, GatewayError> {
        let intent = self
            .client
            .payment_intent(charge)
            .await
            .map_err(gateway_error)?;
        outcome_of(&intent)
    }

    async fn cancel_charge(&self, charge: &str) -> Result<(), GatewayError> {
        match self.client.cancel_payment_intent(charge).await {
            Ok(_) => Ok(()),
            // Already canceled or finished: then it is no longer waiting, which is what was asked.
            Err(StripeError::Invalid { detail, .. })
                if detail.code.as_deref() == Some("payment_intent_unexpected_state") =>
            {
                Ok(())
            }
            Err(e) => Err(gateway_error(e)),
        }
    }

    async fn charge_record(&self, charge: &str) -> Result<ChargeRecord, GatewayError> {
        let read = self.client.charge(charge).await.map_err(gateway_error)?;
        Ok(ChargeRecord {
            refunded: Cents::new(read.amount_refunded),
            disputed: read.disputed,
        })
    }

    async fn check(&self) -> Result<(), GatewayError> {
        // Reading one payment intent needs only what Porchlight's own calls need (PaymentIntents),
        // so a restricted key with the documented permissions passes.
        self.client
            .list_payment_intents(None, None, 1)
            .await
            .map(drop)
            .map_err(gateway_error)
    }

    async fn card(&self, method: &PaymentToken) -> Result<Option<CardDetails>, GatewayError> {
        let read = self
            .client
            .payment_method(method.as_str())
            .await
            .map_err(gateway_error)?;
        // A detached payment method belongs to no customer.
        match read.customer {
            Some(_) => card_details(&read).map(Some),
            None => Ok(None),
        }
    }

    fn webhook_secrets(&self) -> Vec<String> {
        self.webhook_secrets.clone()
    }

    fn script(&self) -> ProcessorScript {
        self.script.clone()
    }

    fn browser_sources(&self) -> BrowserSources {
        let list = |documented: &[&str]| {
            let mut origins: Vec<String> = documented.iter().map(|s| (*s).to_owned()).collect();
            // A Stripe.js stand-in (tests, a stripe-mock setup) is allowed too.
            if let Some(own) = origin_of(&self.script.url)
                && !origins.contains(&own)
                && own != "https://js.stripe.com"
            {
                origins.push(own);
            }
            origins
        };
        BrowserSources {
            script: list(STRIPE_SCRIPT),
            frame: list(STRIPE_FRAMES),
            connect: list(STRIPE_CONNECT),
        }
    }

    async fn detach(&self, method: &PaymentToken) -> Result<(), GatewayError> {
        match self.client.detach(method.as_str()).await {
            // Already detached (or never there): nothing left to charge.
            Ok(_) | Err(StripeError::NotFound(_)) => Ok(()),
            Err(StripeError::Invalid { status: 400, .. }) => {
                tracing::info!("payment method was not attached; nothing to detach");
                Ok(())
            }
            Err(e) => Err(gateway_error(e)),
        }
    }
}
