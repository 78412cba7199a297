//! A small client for the Stripe endpoints Porchlight uses: form-encoded requests with the secret
//! key as bearer token, the pinned `Stripe-Version`, an `Idempotency-Key` on every POST (so a
//! retry never does a thing twice), and Stripe's error bodies read into [`StripeError`].

use super::objects::{
    Charge, Customer, ErrorBody, ErrorDetail, List, PaymentIntent, PaymentMethod, SetupIntent,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// The Stripe API version these requests and objects were written against.
pub const API_VERSION: &str = "2026-09-30.endive";
/// Stripe's API.
pub const DEFAULT_API_URL: &str = "https://api.stripe.com";
/// Retries after the first try of a request that failed in a way worth retrying.
const RETRIES: u32 = 2;

/// Why a Stripe request failed; the `Display` text is for the log, never for customers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// The card was declined or could not be used (HTTP 402).
    #[error("card error: {} / {}", .0.code.as_deref().unwrap_or("-"), .0.decline_code.as_deref().unwrap_or("-"))]
    Card(Box<ErrorDetail>),
    /// The idempotency key was used before with other parameters.
    #[error("idempotency key reused with other parameters")]
    KeyReuse,
    /// Stripe refused the API key (HTTP 401 or 403).
    #[error("Stripe refused the API key (HTTP {0})")]
    Authentication(u16),
    /// The object does not exist (HTTP 404).
    #[error("not found: {0}")]
    NotFound(String),
    /// Stripe refused the request as malformed or not allowed.
    #[error("invalid request (HTTP {status}): {} {}", .detail.code.as_deref().unwrap_or("-"), .detail.message.as_deref().unwrap_or(""))]
    Invalid {
        /// The HTTP status.
        status: u16,
        /// Stripe's error.
        detail: Box<ErrorDetail>,
    },
    /// Stripe could not be reached, timed out, was overloaded or failed (after retries).
    #[error("Stripe unavailable: {0}")]
    Unavailable(String),
}

/// How the client reaches Stripe.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Base URL, e.g. [`DEFAULT_API_URL`] (a fake in tests).
    pub api_url: String,
    /// Longest wait for one answer.
    pub timeout: Duration,
    /// Wait before the first retry (doubled for each next one).
    pub backoff: Duration,
}

impl ClientSettings {
    /// Stripe's API with production timeouts.
    pub fn new(api_url: &str) -> Self {
        Self {
            api_url: api_url.trim_end_matches('/').to_owned(),
            timeout: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
        }
    }
}

/// Form parameters, in Stripe's bracket syntax (`metadata[attempt]=…`).
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Adds one parameter.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.0.push((name.to_owned(), value.to_string()));
        self
    }
}

/// The Stripe API client (cheap to clone).
#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    settings: ClientSettings,
    secret_key: String,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("api_url", &self.settings.api_url)
            .finish_non_exhaustive()
    }
}

impl StripeClient {
    /// A client with this secret key.
    pub fn new(settings: ClientSettings, secret_key: &str) -> Result<Self, StripeError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Porchlight/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| StripeError::Unavailable(format!("building the HTTP client: {e}")))?;
        Ok(Self {
            http,
            settings,
            secret_key: secret_key.to_owned(),
        })
    }

    /// Creates a customer; `idempotency_key` makes it once per Porchlight customer.
    pub async fn create_customer(
        &self,
        params: Params,
        idempotency_key: &str,
    ) -> Result<Customer, StripeError> {
        self.post("/v1/customers", params, Some(idempotency_key))
            .await
    }

    /// Sets the customer's default payment method (`invoice_settings.default_payment_method`).
    pub async fn set_default_payment_method(
        &self,
        customer: &str,
        payment_method: &str,
    ) -> Result<Customer, StripeError> {
        let params =
            Params::default().with("invoice_settings[default_payment_method]", payment_method);
        self.post(
            &format!("/v1/customers/{}", segment(customer)?),
            params,
            None,
        )
        .await
    }

    /// Starts saving a card for later, off-session use by `customer`.
    pub async fn create_setup_intent(&self, customer: &str) -> Result<SetupIntent, StripeError> {
        let params = Params::default()
            .with("customer", customer)
            .with("usage", "off_session")
            .with("allowed_payment_method_types[]", "card");
        self.post("/v1/setup_intents", params, None).await
    }

    /// Reads a SetupIntent with its payment method expanded.
    pub async fn setup_intent(&self, id: &str) -> Result<SetupIntent, StripeError> {
        let path = format!("/v1/setup_intents/{}?expand[]=payment_method", segment(id)?);
        self.send(Method::GET, &path, Params::default(), None).await
    }

    /// Reads a payment method.
    pub async fn payment_method(&self, id: &str) -> Result<PaymentMethod, StripeError> {
        let path = format!("/v1/payment_methods/{}", segment(id)?);
        self.send(Method::GET, &path, Params::default(), None).await
    }

    /// Changes a card's expiry and billing ZIP.
    pub async fn update_card(
        &self,
        id: &str,
        exp_month: u32,
        exp_year: i32,
        zip: &str,
    ) -> Result<PaymentMethod, StripeError> {
        let params = Params::default()
            .with("card[exp_month]", exp_month)
            .with("card[exp_year]", exp_year)
            .with("billing_details[address][postal_code]", zip);
        self.post(
            &format!("/v1/payment_methods/{}", segment(id)?),
            params,
            None,
        )
        .await
    }

    /// Detaches a payment method from its customer; it can never be used again.
    pub async fn detach(&self, id: &str) -> Result<PaymentMethod, StripeError> {
        let path = format!("/v1/payment_methods/{}/detach", segment(id)?);
        self.post(&path, Params::default(), None).await
    }

    /// Creates and confirms a PaymentIntent under `idempotency_key`. A declined card answers
    /// `Ok` with the intent Stripe put in its error (status `requires_payment_method`, with
    /// `last_payment_error`), so every outcome is read from one object.
    pub async fn create_payment_intent(
        &self,
        params: Params,
        idempotency_key: &str,
    ) -> Result<PaymentIntent, StripeError> {
        match self
            .post("/v1/payment_intents", params, Some(idempotency_key))
            .await
        {
            Err(StripeError::Card(detail)) => match detail.payment_intent.clone() {
                Some(intent) => {
                    let mut intent = *intent;
                    let mut error = *detail;
                    error.payment_intent = None;
                    intent.last_payment_error.get_or_insert(error);
                    Ok(intent)
                }
                None => Err(StripeError::Card(detail)),
            },
            other => other,
        }
    }

    /// One page of PaymentIntents, newest first: `customer`'s only when given, `limit` (1–100)
    /// of them, older than `starting_after` when given. Unlike Stripe's search, a list shows an
    /// intent as soon as it is made.
    pub async fn list_payment_intents(
        &self,
        customer: Option<&str>,
        starting_after: Option<&str>,
        limit: u32,
    ) -> Result<List<PaymentIntent>, StripeError> {
        let mut query = format!("/v1/payment_intents?limit={}", limit.clamp(1, 100));
        if let Some(customer) = customer {
            query.push_str(&format!("&customer={}", segment(customer)?));
        }
        if let Some(after) = starting_after {
            query.push_str(&format!("&starting_after={}", segment(after)?));
        }
        self.send(Method::GET, &query, Params::default(), None)
            .await
    }

    /// Reads a PaymentIntent.
    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, StripeError> {
        let path = format!("/v1/payment_intents/{}", segment(id)?);
        self.send(Method::GET, &path, Params::default(), None).await
    }

    /// Reads a Charge (its refunds and dispute).
    pub async fn charge(&self, id: &str) -> Result<Charge, StripeError> {
        let path = format!("/v1/charges/{}", segment(id)?);
        self.send(Method::GET, &path, Params::default(), None).await
    }

    /// Cancels a PaymentIntent that has not moved money (e.g. one still waiting for 3-D Secure).
    pub async fn cancel_payment_intent(&self, id: &str) -> Result<PaymentIntent, StripeError> {
        let path = format!("/v1/payment_intents/{}/cancel", segment(id)?);
        self.post(&path, Params::default(), None).await
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        params: Params,
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        let fresh;
        let key = match idempotency_key {
            Some(key) => key,
            None => {
                fresh = fresh_key();
                &fresh
            }
        };
        self.send(Method::POST, path, params, Some(key)).await
    }

    /// Sends one request, retrying network failures, 409, 429 and 5xx (every POST carries an
    /// idempotency key, so a retry is safe) unless Stripe says not to.
    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        params: Params,
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        let url = format!("{}{path}", self.settings.api_url);
        let mut wait = self.settings.backoff;
        let mut tries = 0;
        loop {
            tries += 1;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.secret_key)
                .header("Stripe-Version", API_VERSION);
            if let Some(key) = idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if method == Method::POST {
                request = request.form(&params.0);
            }
            let failure = match request.send().await {
                Ok(answer) => {
                    let status = answer.status();
                    let should_retry = answer
                        .headers()
                        .get("Stripe-Should-Retry")
                        .and_then(|v| v.to_str().ok())
                        .map(|v| v == "true");
                    let body = answer
                        .bytes()
                        .await
                        .map_err(|e| StripeError::Unavailable(format!("reading {path}: {e}")));
                    match body {
                        Ok(body) if status.is_success() => {
                            return serde_json::from_slice(&body).map_err(|e| {
                                StripeError::Unavailable(format!(
                                    "unreadable answer from {path}: {e}"
                                ))
                            });
                        }
                        Ok(body) => {
                            let error = error_from(status, &body, path);
                            let retry = should_retry.unwrap_or(
                                status == StatusCode::CONFLICT
                                    || status == StatusCode::TOO_MANY_REQUESTS
                                    || status.is_server_error(),
                            );
                            if !retry {
                                return Err(error);
                            }
                            error
                        }
                        Err(e) => e,
                    }
                }
                Err(e) => StripeError::Unavailable(format!("{method} {path}: {}", network(&e))),
            };
            if tries > RETRIES {
                return Err(failure);
            }
            tracing::warn!(%path, tries, error = %failure, "stripe: retrying");
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
    }
}

/// The error an unsuccessful answer stands for.
fn error_from(status: StatusCode, body: &[u8], path: &str) -> StripeError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.error)
        .unwrap_or_default();
    match status.as_u16() {
        402 => StripeError::Card(Box::new(detail)),
        401 | 403 => StripeError::Authentication(status.as_u16()),
        404 => StripeError::NotFound(path.to_owned()),
        400 if detail.kind == "idempotency_error" => StripeError::KeyReuse,
        s if s == 409 || s == 429 || s >= 500 => StripeError::Unavailable(format!(
            "HTTP {s} from {path}: {}",
            detail.message.as_deref().unwrap_or("")
        )),
        s => StripeError::Invalid {
            status: s,
            detail: Box::new(detail),
        },
    }
}

/// A network failure in a few words (never the request body).
fn network(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    }
}

/// An id as one path segment: Stripe ids are letters, digits and underscores.
fn segment(id: &str) -> Result<&str, StripeError> {
    if !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(id)
    } else {
        Err(StripeError::NotFound("an id of the wrong shape".into()))
    }
}

/// A random idempotency key for a request that has no natural one.
fn fresh_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("porchlight-{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_become_errors_by_status_and_type() {
        let card =
            br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"lost_card"}}"#;
        assert!(
            matches!(error_from(StatusCode::PAYMENT_REQUIRED, card, "/p"), StripeError::Card(d) if d.decline_code.as_deref() == Some("lost_card"))
        );
        let reuse = br#"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}"#;
        assert_eq!(
            error_from(StatusCode::BAD_REQUEST, reuse, "/p"),
            StripeError::KeyReuse
        );
        assert_eq!(
            error_from(StatusCode::UNAUTHORIZED, b"", "/p"),
            StripeError::Authentication(401)
        );
        assert!(matches!(
            error_from(StatusCode::BAD_GATEWAY, b"<html>", "/p"),
            StripeError::Unavailable(_)
        ));
        assert!(matches!(
            error_from(StatusCode::BAD_REQUEST, b"{}", "/p"),
            StripeError::Invalid { status: 400, .. }
        ));
    }

    #[test]
    fn ids_that_could_change_the_path_are_refused() {
        assert_eq!(segment("pm_1Abc"), Ok("pm_1Abc"));
        for bad in ["", "pm_1/../customers", "pm 1", "pm_1?expand[]=x"] {
            assert!(segment(bad).is_err(), "{bad}");
        }
    }
}
