//! Who the client is: the connection's peer, or behind a trusted reverse proxy the address that
//! proxy forwarded. Every per-address limit keys on the result.

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
        let values = |name| {
            req.headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
        };
        let client = trusted.client_ip(peer, &values("x-forwarded-for"), &values("forwarded"));
        req.extensions_mut().insert(ClientIp(client));
    }
    next.run(req).await
}
