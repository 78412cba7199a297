//! The pages' Content-Security-Policy: our own resources, this response's nonce, and what the
//! payment processor's browser script needs (none beyond 'self' for the sandbox; for Stripe,
//! the sources Stripe documents, see [`crate::backend::gateway::stripe`]).

use crate::backend::gateway::BrowserSources;
use leptos::prelude::*;

/// The policy of a page whose scripts carry `nonce`, allowing the processor's `sources`; with
/// `reload`, also `cargo leptos watch`'s websocket (development only).
pub fn policy(nonce: &str, sources: &BrowserSources, reload: bool) -> String {
    let extra =
        |origins: &[String]| -> String { origins.iter().map(|o| format!(" {o}")).collect() };
    let (script, frame, connect) = (
        extra(&sources.script),
        extra(&sources.frame),
        extra(&sources.connect),
    );
    // The page may be opened as localhost or 127.0.0.1 while developing, so any ws: host.
    let reload = if reload { " ws:" } else { "" };
    // Stripe.js draws the Payment Element and the bank's check (3-D Secure) inside its own
    // frames and sizes them through the CSSOM, which style-src does not govern: no style source
    // beyond 'self' is needed (Stripe documents none for Stripe.js).
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{script}; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{connect}{reload}; \
         frame-src 'self'{frame}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; \
         object-src 'none'"
    )
}

/// Sends the page's [`policy`] with this response's nonce and the running processor's sources.
pub fn set_content_security_policy(options: &LeptosOptions) {
    use http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let reload = std::env::var_os("LEPTOS_WATCH").is_some() && options.reload_port != 0;
    let sources = use_context::<crate::backend::AppState>()
        .map(|state| state.gateway.browser_sources())
        .unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&policy(&nonce, &sources, reload)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::gateway::{
        Gateway, Mode, ProcessorScript,
        stripe::{ClientSettings, DEFAULT_JS_URL, StripeClient, StripeGateway},
    };
    use std::collections::HashMap;

    /// What Stripe's security guide ("Content Security Policy", Stripe.js; docs.stripe.com/
    /// security/guide) lists for Stripe.js with the Payment Element and cards that may need
    /// 3-D Secure: (directive, source).
    const STRIPE_DOCUMENTS: &[(&str, &str)] = &[
        ("script-src", "https://js.stripe.com"),
        ("script-src", "https://*.js.stripe.com"),
        ("frame-src", "https://js.stripe.com"),
        ("frame-src", "https://*.js.stripe.com"),
        // "If you're using a payment method with redirect functions (for example, cards that
        // might require 3D Secure …), include https://hooks.stripe.com as a frame-src."
        ("frame-src", "https://hooks.stripe.com"),
        ("connect-src", "https://api.stripe.com"),
    ];

    /// Sources the guide lists for what Porchlight does not use, kept out on purpose: Google
    /// Maps is for the Address Element with one's own Maps key, and its JSONP callbacks would
    /// let injected markup run script past the policy.
    const NOT_USED: &[(&str, &str)] = &[
        ("script-src", "https://maps.googleapis.com"),
        ("connect-src", "https://maps.googleapis.com"),
        ("script-src", "https://checkout.stripe.com"),
        ("frame-src", "https://connect-js.stripe.com"),
    ];

    fn stripe(js_url: &str) -> StripeGateway {
        let client = StripeClient::new(
            ClientSettings::new("https://api.stripe.com"),
            "sk_test_cspOnly0000",
        )
        .unwrap();
        StripeGateway::new(
            client,
            Mode::Test,
            vec!["whsec_cspOnly".into()],
            ProcessorScript {
                url: js_url.into(),
                publishable_key: "pk_test_cspOnly".into(),
            },
        )
    }

    /// A policy's directives: name → its sources.
    fn directives(policy: &str) -> HashMap<String, Vec<String>> {
        policy
            .split(';')
            .filter_map(|d| {
                let mut words = d.split_whitespace();
                let name = words.next()?.to_owned();
                Some((name, words.map(str::to_owned).collect()))
            })
            .collect()
    }

    fn allows(policy: &HashMap<String, Vec<String>>, directive: &str, source: &str) -> bool {
        policy
            .get(directive)
            .is_some_and(|sources| sources.iter().any(|s| s == source))
    }

    #[test]
    fn with_stripe_pages_allow_every_source_stripe_documents_for_the_payment_element_and_3ds() {
        let policy = directives(&policy(
            "n0nce",
            &stripe(DEFAULT_JS_URL).browser_sources(),
            false,
        ));
        let missing: Vec<_> = STRIPE_DOCUMENTS
            .iter()
            .filter(|(directive, source)| !allows(&policy, directive, source))
            .collect();
        assert!(missing.is_empty(), "missing {missing:?} in {policy:?}");
        let unused: Vec<_> = NOT_USED
            .iter()
            .filter(|(directive, source)| allows(&policy, directive, source))
            .collect();
        assert!(unused.is_empty(), "allows {unused:?}");
    }

    #[test]
    fn with_stripe_styles_images_and_everything_else_stay_our_own() {
        let policy = directives(&policy(
            "n0nce",
            &stripe(DEFAULT_JS_URL).browser_sources(),
            false,
        ));
        assert_eq!(policy["style-src"], ["'self'"]);
        assert_eq!(policy["img-src"], ["'self'", "data:"]);
        assert_eq!(policy["default-src"], ["'self'"]);
        assert_eq!(policy["frame-ancestors"], ["'none'"]);
        assert_eq!(policy["object-src"], ["'none'"]);
        for sources in policy.values() {
            for source in sources {
                assert!(
                    !matches!(
                        source.as_str(),
                        "*" | "https:" | "http:" | "'unsafe-inline'" | "'unsafe-eval'"
                    ),
                    "{source} in {policy:?}"
                );
            }
        }
        assert_eq!(
            policy["script-src"][..3],
            ["'self'", "'nonce-n0nce'", "'wasm-unsafe-eval'"]
        );
    }

    #[test]
    fn a_stand_in_for_stripe_js_is_allowed_where_stripe_js_is() {
        let policy = directives(&policy(
            "n0nce",
            &stripe("http://127.0.0.1:4242/gateway/js/v3/stripe.js").browser_sources(),
            false,
        ));
        for directive in ["script-src", "frame-src", "connect-src"] {
            assert!(
                allows(&policy, directive, "http://127.0.0.1:4242"),
                "{directive}"
            );
        }
        assert!(allows(&policy, "frame-src", "https://hooks.stripe.com"));
    }

    #[test]
    fn with_the_sandbox_pages_load_only_their_own_resources() {
        let policy = directives(&policy("n0nce", &BrowserSources::default(), false));
        assert_eq!(
            policy["script-src"],
            ["'self'", "'nonce-n0nce'", "'wasm-unsafe-eval'"]
        );
        assert_eq!(policy["frame-src"], ["'self'"]);
        assert_eq!(policy["connect-src"], ["'self'"]);
    }

    #[test]
    fn only_cargo_leptos_watch_may_open_a_websocket() {
        let quiet = directives(&policy("n0nce", &BrowserSources::default(), false));
        let watching = directives(&policy("n0nce", &BrowserSources::default(), true));
        assert_eq!(quiet["connect-src"], ["'self'"]);
        assert_eq!(watching["connect-src"], ["'self'", "ws:"]);
    }
}
