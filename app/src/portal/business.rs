//! The business's public identity (its name), shown in the header.

use crate::error::AppError;
use leptos::prelude::*;

/// The name the office set in Settings, shown to customers.
#[server(endpoint = "business-name")]
pub async fn business_name() -> Result<String, AppError> {
    let state = crate::backend::state::app_state()?;
    let settings = state
        .store
        .settings()
        .await
        .map_err(|e| AppError::internal("reading settings for the business name", e))?;
    Ok(settings.business_name)
}

/// The business name, falling back to "Customer Portal" while loading or on error.
#[component]
pub fn BusinessName() -> impl IntoView {
    let name = Resource::new(|| (), |_| business_name());
    view! {
        <Suspense fallback=|| "Customer Portal">
            {move || Suspend::new(async move {
                name.await.unwrap_or_else(|_| "Customer Portal".to_owned())
            })}
        </Suspense>
    }
}
