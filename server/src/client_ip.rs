//! Who the client is: the connection's peer, or behind a trusted reverse proxy the address that
//! proxy forwarded in the one header it is configured to set (`PORCHLIGHT_FORWARDED_HEADER`).
//! Every per-address limit keys on the result.

use app::backend::request::{ClientIp, TrustedProxies};
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use std::{net::SocketAddr, sync::Arc};

/// Puts the request's [`ClientIp`] in its extensions.
pub async fn resolve_client_ip(
    State(trusted): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        // Only the header the proxy is configured to set: a client can write the other one.
        let values: Vec<&str> = req
            .headers()
            .get_all(trusted.header().name())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let client = trusted.client_ip(peer, &values);
        req.extensions_mut().insert(ClientIp(client));
    }
    next.run(req).await
}
