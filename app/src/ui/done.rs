//! Forms that worked without JavaScript: the server carries a server function's answer over the
//! redirect back to the page (`DonePost`), and the page's action starts with it, so the page says
//! what it says after the same post with JavaScript ("Visa •••• 4242 is now your primary card.").

use crate::error::AppError;
use leptos::{prelude::*, server_fn::ServerFn};
use serde::de::DeserializeOwned;

/// The answer of the post this page load came back from (server only): the function's path and
/// its JSON. Every action for that function reads it: a page's views may be rendered more than
/// once on the server before the one that is sent.
#[derive(Clone)]
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
struct DoneAnswer(Option<(String, String)>);

/// Makes the answer of the post this page load came back from available to the page's actions.
pub fn provide_done_post() {
    #[cfg(feature = "ssr")]
    {
        let answer = use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .extensions
                .get::<crate::backend::request::DonePost>()
                .map(|done| (done.path.clone(), done.output.clone()))
        });
        provide_context(DoneAnswer(answer));
    }
}

/// A server action for a form: it starts with the answer of a post without JavaScript to its
/// function (if this page load came back from one), as if the post had been made with it.
#[track_caller]
pub fn form_action<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    // Read on the server; read back from the page when hydrating (only this function's answer
    // goes into the page).
    let answer = SharedValue::new(|| {
        use_context::<DoneAnswer>()
            .and_then(|DoneAnswer(answer)| answer)
            .and_then(|(path, json)| (path == S::PATH).then_some(json))
    })
    .into_inner();
    if let Some(output) = answer.and_then(|json| serde_json::from_str::<S::Output>(&json).ok()) {
        action.value().set(Some(Ok(output)));
    }
    action
}
