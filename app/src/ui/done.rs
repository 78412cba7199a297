//! Forms without JavaScript: the server carries a server function's answer over the redirect
//! back to the page (a signed one-time cookie, never the page's address), and the page's action
//! starts with it, so the page says what it says after the same post with JavaScript ("Visa ••••
//! 4242 is now your primary card.", or the refusal next to its field with what was typed). The
//! browser reads the answer from an element the server adds after the app (`DoneElement`) while
//! it hydrates the page, and never after.

use crate::error::AppError;
use leptos::{
    prelude::*,
    server_fn::{ServerFn, error::ServerFnUrlError},
};
use serde::de::DeserializeOwned;

/// The `id` of the element that carries the answer to the browser.
const ELEMENT_ID: &str = "porchlight-done";

/// A form post's answer as the page sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Answer {
    /// Accepted, with the function's JSON answer.
    Done(String),
    /// Refused: the URL-encoded error and what was typed.
    Refused {
        error: String,
        inputs: Vec<(String, String)>,
    },
}

/// A server action for a form: it starts with the answer of a post without JavaScript to its
/// function (if this page load came back from one), as if the post had been made with it.
#[track_caller]
pub fn form_action<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    start_with_answer(true)
}

/// A server action for a form whose success moves to another page: it starts only with a
/// refusal of a post without JavaScript to its function.
#[track_caller]
pub fn refusable_action<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    start_with_answer(false)
}

#[track_caller]
fn start_with_answer<S>(done_too: bool) -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    match answer().filter(|(path, _)| path == S::PATH).map(|(_, a)| a) {
        Some(Answer::Done(json)) if done_too => {
            if let Ok(output) = serde_json::from_slice(json.as_bytes()) {
                action.value().set(Some(Ok(output)));
            }
        }
        Some(Answer::Refused { error, .. }) => {
            let error = ServerFnUrlError::<AppError>::decode_err(&error);
            action.value().set(Some(Err(error)));
        }
        _ => {}
    }
    action
}

/// What was typed into field `name` before a form post without JavaScript was refused (never a
/// password, token or key), so the page can show it again beside the error.
pub fn kept_input(name: &str) -> Option<String> {
    match answer()?.1 {
        Answer::Refused { inputs, .. } => inputs
            .into_iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value),
        Answer::Done(_) => None,
    }
}

/// The answer in the request (the server's middleware put it there after checking its cookie).
#[cfg(feature = "ssr")]
fn answer() -> Option<(String, Answer)> {
    use crate::backend::request::{PostAnswer, PostOutcome};
    let parts = use_context::<http::request::Parts>()?;
    let PostAnswer { path, outcome } = parts.extensions.get::<PostAnswer>()?.clone();
    let answer = match outcome {
        PostOutcome::Done(json) => Answer::Done(json),
        PostOutcome::Refused { error, inputs } => Answer::Refused { error, inputs },
    };
    Some((path, answer))
}

/// The answer in the page, while it is being hydrated.
#[cfg(not(feature = "ssr"))]
fn answer() -> Option<(String, Answer)> {
    #[cfg(feature = "hydrate")]
    {
        let hydrating =
            Owner::current_shared_context().is_some_and(|context| context.during_hydration());
        if !hydrating {
            return None;
        }
        let element = document().get_element_by_id(ELEMENT_ID)?;
        let path = element.get_attribute("data-path")?;
        let answer = match element.get_attribute("data-answer") {
            Some(json) => Answer::Done(json),
            None => Answer::Refused {
                error: element.get_attribute("data-error")?,
                inputs: element
                    .get_attribute("data-inputs")
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default(),
            },
        };
        Some((path, answer))
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
    let answer = None::<(String, Answer)>;
    answer.map(|(path, answer)| match answer {
        Answer::Done(json) => {
            view! { <div id=ELEMENT_ID hidden data-path=path data-answer=json></div> }.into_any()
        }
        Answer::Refused { error, inputs } => {
            let inputs = serde_json::to_string(&inputs).unwrap_or_default();
            view! { <div id=ELEMENT_ID hidden data-path=path data-error=error data-inputs=inputs></div> }
                .into_any()
        }
    })
}
