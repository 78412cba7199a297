//! Confirms the card form with the processor: Porchlight begins a setup (a server function), and
//! the browser sends the card straight to the processor with the setup's secret.

use crate::domain::{
    CustomerId,
    tokenization::{TokenRefusal, TokenRequest},
};

/// Whose card the dialog saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOwner {
    /// The signed-in customer (the portal).
    SignedInCustomer,
    /// A customer the office is adding a card for.
    Customer(CustomerId),
}

fn unreachable() -> TokenRefusal {
    TokenRefusal {
        code: "network".into(),
        field: None,
        message: "We couldn't reach the payment processor. Check your connection and try again."
            .into(),
    }
}

/// The part of the processor's answer the browser reads.
#[cfg(feature = "hydrate")]
#[derive(serde::Deserialize)]
struct Confirmed {
    id: String,
}

/// Begins a setup for `owner` and confirms it with the card (the number and security code go to
/// the processor only); the confirmed setup's id.
#[cfg(feature = "hydrate")]
pub async fn confirm_card(
    owner: CardOwner,
    request: &TokenRequest,
) -> Result<String, TokenRefusal> {
    use crate::domain::tokenization::{SetupConfirmation, confirm_setup_url};
    let setup = match owner {
        CardOwner::SignedInCustomer => {
            crate::portal::payment_methods::api::begin_card_setup().await
        }
        CardOwner::Customer(id) => {
            crate::office::cards::office_begin_card_setup(id.to_string()).await
        }
    }
    .map_err(|e| TokenRefusal {
        code: "setup".into(),
        field: None,
        message: e.to_string(),
    })?;
    let body = SetupConfirmation::new(setup.client_secret, request);
    let response = gloo_net::http::Request::post(&confirm_setup_url(&setup.id))
        .json(&body)
        .map_err(|_| unreachable())?
        .send()
        .await
        .map_err(|_| unreachable())?;
    if response.ok() {
        response
            .json::<Confirmed>()
            .await
            .map(|confirmed| confirmed.id)
            .map_err(|_| unreachable())
    } else {
        Err(response
            .json::<TokenRefusal>()
            .await
            .unwrap_or_else(|_| unreachable()))
    }
}

/// Without the browser build there is nothing to confirm with.
#[cfg(not(feature = "hydrate"))]
pub async fn confirm_card(
    _owner: CardOwner,
    _request: &TokenRequest,
) -> Result<String, TokenRefusal> {
    Err(unreachable())
}

/// (year, month) in the browser, for expiry checks before anything is sent.
#[cfg(feature = "hydrate")]
pub fn this_month() -> (i32, u32) {
    let now = js_sys::Date::new_0();
    (now.get_full_year() as i32, now.get_month() + 1)
}

/// (year, month) when rendering on the server (the form is only used in the browser).
#[cfg(not(feature = "hydrate"))]
pub fn this_month() -> (i32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    crate::domain::Timestamp::from_unix(secs).year_month()
}
