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

/// The client's address as the server decided it: the connection's peer, or behind a trusted
/// proxy the address that proxy forwarded. The server's middleware puts it in every request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The one header a trusted proxy sets with the client's address
/// (`PORCHLIGHT_FORWARDED_HEADER`). Only that header is read: a proxy overwrites (or appends to)
/// the header it sets and passes the other through untouched, so reading both would let a client
/// write its own address into the one the proxy ignores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, …` (nginx, Caddy, most load balancers). The default.
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client;proto=https, for=…` (RFC 7239).
    Forwarded,
}

impl ForwardedHeader {
    /// The header's name, lowercase.
    pub fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }
}

impl std::str::FromStr for ForwardedHeader {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ForwardedHeader::XForwardedFor),
            "forwarded" => Ok(ForwardedHeader::Forwarded),
            _ => Err(format!("expected x-forwarded-for or forwarded, not {s:?}")),
        }
    }
}

/// Reverse proxies whose forwarded header ([`ForwardedHeader`]) is believed
/// (`PORCHLIGHT_TRUSTED_PROXIES`): addresses or CIDR networks. Empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<(IpAddr, u8)>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// Parses "10.0.0.5, 192.168.0.0/16, ::1"; names the first entry it cannot read. The
    /// proxies are taken to set `X-Forwarded-For` ([`TrustedProxies::reading`] to change it).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, bits) = entry.split_once('/').unwrap_or((entry, ""));
            let bad = || format!("{entry} is not an IP address or CIDR network (e.g. 10.0.0.0/8)");
            let ip: IpAddr = addr.parse().map_err(|_| bad())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = if bits.is_empty() {
                max
            } else {
                bits.parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(bad)?
            };
            nets.push((ip, bits));
        }
        Ok(Self {
            nets,
            header: ForwardedHeader::default(),
        })
    }

    /// These proxies, believed only in `header`.
    pub fn reading(mut self, header: ForwardedHeader) -> Self {
        self.header = header;
        self
    }

    /// The one header the trusted proxies set.
    pub fn header(&self) -> ForwardedHeader {
        self.header
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets
            .iter()
            .any(|(net, bits)| match (net.to_canonical(), ip) {
                (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
                (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
                _ => false,
            })
    }

    /// The client behind `peer`: the peer itself unless it is trusted; then the right-most
    /// forwarded address that is not itself a trusted proxy. `values` are the request's values
    /// of [`TrustedProxies::header`] (the caller reads that header only).
    pub fn client_ip(&self, peer: IpAddr, values: &[&str]) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = match self.header {
            ForwardedHeader::Forwarded => values
                .iter()
                .flat_map(|v| v.split(','))
                .filter_map(|element| {
                    element.split(';').find_map(|pair| {
                        let (k, v) = pair.trim().split_once('=')?;
                        k.trim().eq_ignore_ascii_case("for").then_some(v)
                    })
                })
                .collect(),
            ForwardedHeader::XForwardedFor => values.iter().flat_map(|v| v.split(',')).collect(),
        };
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                return nearest;
            };
            if !self.contains(ip) {
                return ip;
            }
            nearest = ip;
        }
        nearest
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = usize::from(bits / 8);
    let rest = bits % 8;
    a[..full] == b[..full] && (rest == 0 || (a[full] ^ b[full]) & (0xffu8 << (8 - rest)) == 0)
}

/// One forwarded address: `1.2.3.4`, `1.2.3.4:5678`, `"[2001:db8::1]:4711"` or `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    hop.parse().ok().or_else(|| {
        hop.rsplit_once(':')
            .and_then(|(ip, _)| ip.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4))
    })
}

/// Who made the request: the session the server's middleware resolved once from the cookie
/// (`None` for a visitor). Guards and server functions read it instead of looking it up again.
#[derive(Clone, Debug)]
pub struct Caller(pub Option<crate::backend::auth::sessions::Session>);

/// What a server function answered to a form post without JavaScript, carried by the server to
/// the page the post returned to in a signed one-time cookie (never in the page's address), so
/// `ui::form_action` starts the page's action with it and `ui::kept_input` fills in what was typed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostAnswer {
    /// The function's path, e.g. `/api/payment-methods/set-primary`.
    pub path: String,
    /// What it answered.
    pub outcome: PostOutcome,
}

/// A form post's answer: done, or refused with what was typed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PostOutcome {
    /// Accepted: its answer as the function encoded it (JSON).
    Done(String),
    /// Refused.
    Refused {
        /// The error as server_fn encodes it for a URL (base64 of the serialized error).
        error: String,
        /// What was typed, field by field (never a password, token or key).
        inputs: Vec<(String, String)>,
    },
}

/// The caller's session cookie and address.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The raw session id from the cookie, if any.
    pub session_id: Option<String>,
    /// The client's address ([`ClientIp`]; the connection's peer when that is missing).
    pub peer_ip: Option<IpAddr>,
    /// The session already resolved for this request, if the middleware did so.
    pub caller: Option<Caller>,
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
        let peer_ip = parts.extensions.get::<ClientIp>().map(|c| c.0).or_else(|| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
        });
        Self {
            session_id,
            peer_ip,
            caller: parts.extensions.get::<Caller>().cloned(),
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
mod tests;
