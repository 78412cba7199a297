//! What a server function knows about the HTTP request it serves.

use crate::error::AppError;
use std::{
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Instant,
};

/// The session cookie's name: `__Host-` prefixed when served over https.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-porchlight_session"
    } else {
        "porchlight_session"
    }
}

/// The caller's session cookie and address.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The raw session id from the cookie, if any.
    pub session_id: Option<String>,
    /// The peer address of the connection (never `X-Forwarded-For`).
    pub peer_ip: Option<IpAddr>,
}

impl RequestMeta {
    /// Reads the current request from Leptos context.
    pub fn current(https: bool) -> Result<Self, AppError> {
        let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or_else(|| {
            AppError::internal("request metadata", "request parts missing from context")
        })?;
        Ok(Self::from_parts(&parts, https))
    }

    /// Reads a request's cookie header and connection info.
    pub fn from_parts(parts: &http::request::Parts, https: bool) -> Self {
        let name = session_cookie_name(https);
        let session_id = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
            .filter(|v| !v.is_empty());
        let peer_ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Self {
            session_id,
            peer_ip,
        }
    }

    /// A throttling key for the peer address: the IPv4 address, or the IPv6 /64 network
    /// (one subscriber usually holds a whole /64).
    pub fn ip_key(&self) -> String {
        match self.peer_ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            None => "unknown".to_owned(),
        }
    }
}

/// The current request's id (as on its log lines), or "" outside a request.
pub fn request_id() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The steps a request is in the middle of, named for the log line written when it misses its
/// deadline. The deadline middleware puts one in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<Mutex<ProgressInner>>);

#[derive(Debug, Default)]
struct ProgressInner {
    next_id: u64,
    open: Vec<(u64, &'static str, Instant)>,
}

impl Progress {
    /// Marks `what` as started; it ends when the returned [`Step`] is dropped.
    pub fn begin(&self, what: &'static str) -> Step {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        inner.next_id += 1;
        let id = inner.next_id;
        inner.open.push((id, what, Instant::now()));
        Step(Some((self.clone(), id)))
    }

    /// The open steps, oldest first, e.g. "reading the session (4.9 s)"; "" when none is open.
    pub fn describe(&self) -> String {
        let inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .open
            .iter()
            .map(|(_, what, since)| format!("{what} ({:.1} s)", since.elapsed().as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One open step of a request; dropping it ends the step.
#[derive(Debug)]
#[must_use = "a step ends when this is dropped"]
pub struct Step(Option<(Progress, u64)>);

impl Drop for Step {
    fn drop(&mut self) {
        if let Some((progress, id)) = self.0.take() {
            let mut inner = progress.0.lock().unwrap_or_else(|p| p.into_inner());
            inner.open.retain(|(open, _, _)| *open != id);
        }
    }
}

/// Marks `what` as started for the current request (a no-op outside a request).
pub fn step(what: &'static str) -> Step {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Progress>().map(|p| p.begin(what)))
        .unwrap_or(Step(None))
}

/// Adds a `Set-Cookie` header to the current response.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lists_the_steps_still_open() {
        let progress = Progress::default();
        let session = progress.begin("reading the session");
        let cards = progress.begin("reading cards");
        assert!(progress.describe().starts_with("reading the session ("));
        drop(session);
        let left = progress.describe();
        assert!(
            left.starts_with("reading cards (") && !left.contains("session"),
            "{left}"
        );
        drop(cards);
        assert_eq!(progress.describe(), "");
    }

    #[test]
    fn ipv6_peers_are_grouped_by_their_64_prefix_and_mapped_ipv4_stays_ipv4() {
        let key = |ip: &str| {
            RequestMeta {
                session_id: None,
                peer_ip: Some(ip.parse().unwrap()),
            }
            .ip_key()
        };
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
    }
}
