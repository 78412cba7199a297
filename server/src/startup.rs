//! Builds the axum application and runs it until SIGINT/SIGTERM.

use crate::caller::{require_sign_in, resolve_caller};
use crate::client_ip::resolve_client_ip;
use crate::deadline::{Deadline, REQUEST_DEADLINE, enforce_deadline};
use crate::middleware::{
    ClientRequestId, Https, TrustedOrigin, api_error_status, reject_cross_site,
    replace_client_request_id, security_headers,
};
use crate::site::{Site, embedded_response};
use app::{
    App,
    backend::{
        AppState,
        gateway::{http as gateway_http, sandbox::SandboxGateway},
        webhooks::WEBHOOK_PATH,
    },
    shell,
};
use axum::{
    Router,
    extract::{Request, State},
    http::{StatusCode, Uri},
    middleware::{from_fn, from_fn_with_state},
    routing::{get, post},
};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::{net::SocketAddr, sync::Arc};
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

/// The largest request body accepted (forms and JSON are far smaller).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole HTTP application for a state, with static files from `site`.
pub fn build_router(state: AppState, site: Site) -> Router {
    build_router_with_routes(state, route_list(), site)
}

/// The app's routes, walked from its route tree. Leptos suppresses resource loading process-wide
/// while it walks, so a process that serves must do this before its first request, not beside
/// one (a page whose data started loading meanwhile would wait forever).
pub fn route_list() -> Vec<AxumRouteListing> {
    generate_route_list(App)
}

/// [`build_router`] with a route list made earlier by [`route_list`] (tests share one).
pub fn build_router_with_routes(
    state: AppState,
    routes: Vec<AxumRouteListing>,
    site: Site,
) -> Router {
    let trusted = TrustedOrigin(Arc::from(state.public.origin()));
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let leptos_options = state.leptos_options.clone();
    let proxies = Arc::new(state.public.trusted_proxies.clone());
    let https = state.public.is_https();
    // Static files from the site folder; anything else renders the app's "not found" page.
    let files_or_page =
        leptos_axum::file_and_error_handler_with_context::<AppState, _>(context.clone(), shell);

    // The embedded sandbox processor answers under its own path, on its own tables.
    let sandbox = SandboxGateway::new(
        state.store.clone(),
        state.secret.clone(),
        state.clock.clone(),
    );

    let router = Router::new()
        .route("/healthz", get(healthz))
        .route(WEBHOOK_PATH, post(crate::webhooks::stripe));
    #[cfg(feature = "bench")]
    let router = router.merge(crate::bench::routes());
    router
        .merge(gateway_http::routes(sandbox))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos_options.clone())
        })
        .fallback(move |uri: Uri, state: State<AppState>, req: Request| {
            let embedded = match site {
                Site::Embedded { files, .. } => {
                    embedded_response(files, req.method(), uri.path(), req.headers())
                }
                Site::Disk => None,
            };
            let from_disk_or_page = files_or_page.clone();
            async move {
                match embedded {
                    Some(response) => response,
                    None => from_disk_or_page(uri, state, req).await,
                }
            }
        })
        .with_state(state.clone())
        // Innermost first: each `.layer` wraps everything above it.
        .layer(from_fn(crate::page_markup::mend_pages))
        .layer(from_fn(require_sign_in))
        .layer(from_fn(crate::refused_forms::keep_refused_input))
        .layer(from_fn_with_state(
            state.clone(),
            crate::form_answers::keep_post_answers,
        ))
        .layer(from_fn_with_state(state, resolve_caller))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn(api_error_status))
        .layer(from_fn_with_state(trusted, reject_cross_site))
        .layer(from_fn_with_state(
            Deadline(REQUEST_DEADLINE),
            enforce_deadline,
        ))
        .layer(from_fn_with_state(proxies, resolve_client_ip))
        .layer(from_fn_with_state(Https(https), security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            let client_id = req
                .extensions()
                .get::<ClientRequestId>()
                .map_or("-", |c| c.0.as_str());
            tracing::info_span!("request", id, client_id, method = %req.method(), path = req.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(from_fn(replace_client_request_id))
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
