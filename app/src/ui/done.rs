//! Forms that worked without JavaScript: the server carries a server function's answer over the
//! redirect back to the page (`DonePost`), and the page's action starts with it, so the page says
//! what it says after the same post with JavaScript ("Visa •••• 4242 is now your primary card.").
//! The browser reads the answer from an element the server adds after the app (`DoneElement`)
//! while it hydrates the page, and never after.

use crate::error::AppError;
use leptos::{prelude::*, server_fn::ServerFn};
use serde::de::DeserializeOwned;

/// The `id` of the element that carries the answer to the browser.
const ELEMENT_ID: &str = "porchlight-done";

/// A server action for a form: it starts with the answer of a post without JavaScript to its
/// function (if this page load came back from one), as if the post had been made with it.
#[track_caller]
pub fn form_action<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    if let Some(output) =
        answer_for(S::PATH).and_then(|json| serde_json::from_slice(json.as_bytes()).ok())
    {
        action.value().set(Some(Ok(output)));
    }
    action
}

/// The JSON answer of the post this page load came back from, if it was made to `path`.
fn answer_for(path: &str) -> Option<String> {
    let (done, json) = answer()?;
    (done == path).then_some(json)
}

/// The answer in the request (the server's middleware put it there).
#[cfg(feature = "ssr")]
fn answer() -> Option<(String, String)> {
    let parts = use_context::<http::request::Parts>()?;
    let done = parts
        .extensions
        .get::<crate::backend::request::DonePost>()?;
    Some((done.path.clone(), done.output.clone()))
}

/// The answer in the page, while it is being hydrated.
#[cfg(not(feature = "ssr"))]
fn answer() -> Option<(String, String)> {
    #[cfg(feature = "hydrate")]
    {
        let hydrating =
            Owner::current_shared_context().is_some_and(|context| context.during_hydration());
        if !hydrating {
            return None;
        }
        let element = document().get_element_by_id(ELEMENT_ID)?;
        Some((
            element.get_attribute("data-path")?,
            element.get_attribute("data-answer")?,
        ))
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// After the app, outside what the browser hydrates: the answer for the page's actions to start
/// with (nothing when the page load did not come back from a post).
#[component]
pub fn DoneElement() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let answer = answer();
    #[cfg(not(feature = "ssr"))]
    let answer = None::<(String, String)>;
    answer.map(|(path, json)| {
        view! { <div id=ELEMENT_ID hidden data-path=path data-answer=json></div> }
    })
}
