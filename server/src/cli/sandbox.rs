//! `porchlight sandbox card-update`: what the card network does when a bank reissues a card,
//! played by the built-in sandbox against a running server: the saved card gets a new expiry at
//! the processor and its signed `payment_method.automatically_updated` event is delivered to
//! `PORCHLIGHT_PUBLIC_URL/webhooks/stripe` (with `--twice`, delivered twice, as processors do);
//! it returns once the server has handled the event (the server answers first, handles after).

use super::{CliError, open_store};
use crate::config::{Config, GATEWAY_VAR, GatewayConfig};
use app::{
    backend::{Clock, gateway::sandbox::SandboxGateway, webhooks::WEBHOOK_PATH},
    domain::{EmailAddress, card::Expiry},
};

/// Updates the expiry of `email`'s saved card ending in `last4` at the sandbox and delivers the
/// event; prints each delivery's HTTP status.
pub(super) async fn card_update(
    config: &Config,
    email: &str,
    last4: &str,
    expiry: &str,
    twice: bool,
) -> Result<(), CliError> {
    if !matches!(config.gateway, GatewayConfig::Sandbox) {
        return Err(CliError::Input(format!(
            "card updates are played by the built-in sandbox; run with {GATEWAY_VAR}=sandbox"
        )));
    }
    let email = EmailAddress::parse(email).map_err(|e| CliError::Input(e.to_string()))?;
    let clock = Clock::system();
    let expiry = Expiry::parse(expiry, clock.now().year_month())
        .map_err(|e| CliError::Input(format!("--expiry: {e}")))?;
    let store = open_store(config).await?;
    let customer = store
        .customer_by_email(&email)
        .await?
        .ok_or_else(|| CliError::Input(format!("no customer with the email {email}")))?;
    let card = store
        .cards_for_customer(customer.id)
        .await?
        .into_iter()
        .find(|c| c.card.last4.as_str() == last4)
        .ok_or_else(|| CliError::Input(format!("{email} has no saved card ending in {last4}")))?;
    let sandbox = SandboxGateway::new(store.clone(), config.load_secret()?, clock);
    let event = sandbox
        .network_update(&card.on_file.token, expiry)
        .await
        .map_err(|e| CliError::Other(format!("sandbox: {e}")))?;
    let url = format!("{}{WEBHOOK_PATH}", config.public_url);
    let client = reqwest::Client::new();
    for _ in 0..if twice { 2 } else { 1 } {
        let answer = client
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Stripe-Signature", &event.signature)
            .body(event.body.clone())
            .send()
            .await
            .map_err(|e| CliError::Other(format!("delivering to {url}: {e}")))?;
        eprintln!("porchlight: {url} answered {}", answer.status().as_u16());
        if !answer.status().is_success() {
            return Err(CliError::Other(format!(
                "the server refused the event (HTTP {})",
                answer.status().as_u16()
            )));
        }
    }
    // The server acknowledges at once and handles the event in the background: wait for it.
    for _ in 0..HANDLED_WAIT_TRIES {
        if store.webhook_event_handled(&event.id).await? == Some(true) {
            eprintln!("porchlight: the server handled event {}", event.id);
            return Ok(());
        }
        tokio::time::sleep(HANDLED_POLL).await;
    }
    Err(CliError::Other(format!(
        "the server recorded event {} but has not handled it yet",
        event.id
    )))
}

/// How often, and how many times, the event's handling is looked for (30 s in all).
const HANDLED_POLL: std::time::Duration = std::time::Duration::from_millis(200);
const HANDLED_WAIT_TRIES: usize = 150;
