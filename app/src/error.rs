//! The one error type every server function returns: plain sentences for people, causes in the log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What went wrong, in words a customer or office worker can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// An input was refused; `field` names the form field it belongs to, if any.
    #[error("{message}")]
    Invalid {
        /// The form field the message belongs next to.
        field: Option<String>,
        /// What to fix.
        message: String,
    },
    /// Several form fields were refused at once: (field, message) pairs.
    #[error("Please correct the highlighted fields.")]
    Fields(Vec<(String, String)>),
    /// The thing does not exist or is not the caller's (the two are never told apart).
    #[error("We couldn't find that. It may have been removed.")]
    NotFound,
    /// No valid session.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Signed in, but this role may not do this.
    #[error("You don't have permission to do that.")]
    Forbidden,
    /// The request clashes with the current state (e.g. a duplicate).
    #[error("{0}")]
    Conflict(String),
    /// The business has switched this feature off (a settled choice, not a failure: 409).
    #[error("{0}")]
    SwitchedOff(String),
    /// A service we depend on (the payment processor) cannot be reached just now.
    #[error("{0}")]
    Unavailable(String),
    /// Too many attempts; try again later.
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    TooManyRequests,
    /// The browser could not reach the server.
    #[error("We couldn't reach Porchlight. Check your connection and try again.")]
    Network,
    /// The request itself was malformed (stale page, tampered form).
    #[error("That request could not be understood. Please reload the page and try again.")]
    BadRequest,
    /// Our fault; the cause is in the server log, never here.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    /// An input error shown next to a form field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// The field this error belongs to, if it is a field error.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The message to show next to `field`, if this error concerns it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f == field => Some(message.clone()),
            AppError::Fields(list) => list
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, m)| m.clone()),
            _ => None,
        }
    }

    /// Collects field errors: `Ok(())` when there are none.
    pub fn from_fields(list: Vec<(&str, String)>) -> Result<(), AppError> {
        if list.is_empty() {
            Ok(())
        } else {
            Err(AppError::Fields(
                list.into_iter().map(|(f, m)| (f.to_owned(), m)).collect(),
            ))
        }
    }

    /// The HTTP status that matches this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } | AppError::Fields(_) | AppError::BadRequest => 400,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) | AppError::SwitchedOff(_) => 409,
            AppError::TooManyRequests => 429,
            AppError::Network => 502,
            AppError::Unavailable(_) => 503,
            AppError::Internal => 500,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an internal failure with its cause and returns the plain [`AppError::Internal`].
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "{context}");
        AppError::Internal
    }
}

/// Server-side failures as the one [`AppError`], with what was being done written to the log.
#[cfg(feature = "ssr")]
pub trait Context<T> {
    /// Any failure is ours: logs `doing` with the cause and answers [`AppError::Internal`].
    fn context(self, doing: &str) -> Result<T, AppError>;
}

#[cfg(feature = "ssr")]
impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    fn context(self, doing: &str) -> Result<T, AppError> {
        self.map_err(|cause| AppError::internal(doing, cause))
    }
}

/// Store results where a missing row is the caller's [`AppError::NotFound`], not our failure.
#[cfg(feature = "ssr")]
pub trait FoundContext<T> {
    /// A missing row answers "not found"; anything else is logged with `doing` as internal.
    fn found(self, doing: &str) -> Result<T, AppError>;
}

#[cfg(feature = "ssr")]
impl<T> FoundContext<T> for Result<T, crate::backend::StoreError> {
    fn found(self, doing: &str) -> Result<T, AppError> {
        self.map_err(|e| match e {
            crate::backend::StoreError::NotFound => AppError::NotFound,
            other => AppError::internal(doing, other),
        })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Only the kind: decoding errors quote the submitted values (a card number, a password).
        #[cfg(feature = "ssr")]
        tracing::warn!(
            kind = transport_error_kind(&value),
            "server function transport error"
        );
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            ServerFnErrorErr::Registration(_) | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::NotFound
            }
            ServerFnErrorErr::ServerError(_) => AppError::Internal,
            _ => AppError::BadRequest,
        }
    }
}

/// The kind of a transport error, without its text.
#[cfg(any(feature = "ssr", test))]
fn transport_error_kind(err: &ServerFnErrorErr) -> &'static str {
    match err {
        ServerFnErrorErr::Registration(_) => "unknown server function",
        ServerFnErrorErr::UnsupportedRequestMethod(_) => "unsupported method",
        ServerFnErrorErr::Request(_) => "request failed",
        ServerFnErrorErr::ServerError(_) => "server error",
        ServerFnErrorErr::MiddlewareError(_) => "middleware error",
        ServerFnErrorErr::Deserialization(_) => "unreadable body",
        ServerFnErrorErr::Serialization(_) => "unserializable answer",
        ServerFnErrorErr::Args(_) => "unreadable arguments",
        ServerFnErrorErr::MissingArg(_) => "missing argument",
        ServerFnErrorErr::Response(_) => "response failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoding_error_is_logged_by_kind_without_the_submitted_values() {
        let quoted = "invalid type: string \"4242424242424242\", expected u32";
        for err in [
            ServerFnErrorErr::Args(quoted.into()),
            ServerFnErrorErr::Deserialization(quoted.into()),
            ServerFnErrorErr::MissingArg(quoted.into()),
        ] {
            let kind = transport_error_kind(&err);
            assert!(!kind.contains("4242"), "{kind}");
        }
    }

    #[test]
    fn transport_errors_never_carry_their_internal_text() {
        let secret = "sqlx: relation \"cards\" does not exist at 10.0.0.5";
        for err in [
            ServerFnErrorErr::ServerError(secret.into()),
            ServerFnErrorErr::Deserialization(secret.into()),
            ServerFnErrorErr::Request(secret.into()),
            ServerFnErrorErr::Args(secret.into()),
        ] {
            let app = AppError::from_server_fn_error(err);
            assert!(!app.to_string().contains("sqlx"), "{app}");
            let wire = String::from_utf8(app.ser().to_vec()).unwrap();
            assert!(!wire.contains("sqlx"), "{wire}");
        }
    }

    #[test]
    fn errors_survive_the_wire_unchanged() {
        let err = AppError::invalid("email", "Enter an email address.");
        assert_eq!(AppError::de(err.ser()), err);
        assert_eq!(err.field(), Some("email"));
        assert_eq!(err.status(), 400);
    }
}
