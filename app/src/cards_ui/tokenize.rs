//! Sends the card form straight from the browser to the gateway's token endpoint.

use crate::domain::tokenization::{TokenRefusal, TokenRequest, TokenResponse};

/// The gateway's token endpoint (same origin; the sandbox is served by Porchlight's binary).
const TOKENS_URL: &str = "/gateway/v1/tokens";

fn unreachable() -> TokenRefusal {
    TokenRefusal {
        code: "network".into(),
        field: None,
        message: "We couldn't reach the payment processor. Check your connection and try again."
            .into(),
    }
}

/// Tokenizes a card; the number and security code go to the gateway only.
#[cfg(feature = "hydrate")]
pub async fn tokenize(request: &TokenRequest) -> Result<TokenResponse, TokenRefusal> {
    let response = gloo_net::http::Request::post(TOKENS_URL)
        .json(request)
        .map_err(|_| unreachable())?
        .send()
        .await
        .map_err(|_| unreachable())?;
    if response.ok() {
        response
            .json::<TokenResponse>()
            .await
            .map_err(|_| unreachable())
    } else {
        Err(response
            .json::<TokenRefusal>()
            .await
            .unwrap_or_else(|_| unreachable()))
    }
}

/// Without the browser build there is nothing to tokenize with.
#[cfg(not(feature = "hydrate"))]
pub async fn tokenize(_request: &TokenRequest) -> Result<TokenResponse, TokenRefusal> {
    let _ = TOKENS_URL;
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
