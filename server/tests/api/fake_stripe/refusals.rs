//! What Stripe refuses before it does anything: a parameter its API does not have on the endpoint
//! (the lists in `stripe_params.rs`, from stripe-node's types), and a restricted key (`rk_…`)
//! without the permission the endpoint needs (the resources and access levels of the Dashboard's
//! restricted-key form).

use super::{error, stripe_params::ENDPOINTS};
use serde_json::{Value, json};

/// A Stripe resource a restricted key may be given access to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// "Charges".
    Charges,
    /// "Customers".
    Customers,
    /// "PaymentIntents".
    PaymentIntents,
    /// "PaymentMethods".
    PaymentMethods,
    /// "SetupIntents".
    SetupIntents,
}

impl Resource {
    fn name(self) -> &'static str {
        match self {
            Resource::Charges => "charge",
            Resource::Customers => "customer",
            Resource::PaymentIntents => "payment_intent",
            Resource::PaymentMethods => "payment_method",
            Resource::SetupIntents => "setup_intent",
        }
    }
}

/// One permission of a restricted key: read, or write (which includes read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// May read the resource.
    Read(Resource),
    /// May read and change the resource.
    Write(Resource),
}

/// An endpoint's path with the object id as `{id}`, e.g. `/v1/payment_methods/{id}/detach`.
fn template(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    // "", "v1", the resource, then an object's id (or a word such as `search`), then an action.
    if let Some(id) = parts.get_mut(3)
        && *id != "search"
    {
        *id = "{id}";
    }
    parts.join("/")
}

/// The permission an endpoint needs, and whether it writes.
fn needed(method: &str, path: &str) -> Option<(Resource, bool)> {
    let write = method == "POST";
    let resource = match path.split('/').nth(2)? {
        "charges" => Resource::Charges,
        "customers" => Resource::Customers,
        "payment_intents" => Resource::PaymentIntents,
        "payment_methods" => Resource::PaymentMethods,
        "setup_intents" => Resource::SetupIntents,
        _ => return None,
    };
    Some((resource, write))
}

/// Refuses a restricted key the permission the endpoint needs, as Stripe answers: HTTP 403.
pub fn allowed(grants: &[Grant], key: &str, method: &str, path: &str) -> Result<(), (u16, Value)> {
    let Some((resource, write)) = needed(method, path) else {
        return Err(error(
            403,
            "invalid_request_error",
            None,
            "The provided key does not have access to this endpoint.",
        ));
    };
    let granted = grants.iter().any(|g| match *g {
        Grant::Write(r) => r == resource,
        Grant::Read(r) => r == resource && !write,
    });
    if granted {
        return Ok(());
    }
    let level = if write { "write" } else { "read" };
    let shown = format!("{}***{}", &key[..8], &key[key.len() - 4..]);
    Err(error(
        403,
        "invalid_request_error",
        None,
        &format!(
            "The provided key '{shown}' does not have the required permissions for this endpoint on account 'acct_fake'. Having the 'rak_{}_{level}' permission would allow this request to continue.",
            resource.name()
        ),
    ))
}

/// Whether `name` (e.g. `metadata[porchlight_attempt]`, `tax_id_data[0][type]`) matches an
/// allowed path (`metadata[*]`, `tax_id_data[][type]`).
fn matches(name: &str, allowed: &str) -> bool {
    let segments = |s: &str| -> Vec<String> {
        s.split('[')
            .map(|p| p.trim_end_matches(']').to_owned())
            .collect()
    };
    let (got, want) = (segments(name), segments(allowed));
    got.len() == want.len()
        && got.iter().zip(&want).all(|(g, w)| {
            w == "*"
                || g == w
                || (w.is_empty() && !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Refuses an endpoint the client should not call, or a parameter Stripe's API does not have
/// there, as Stripe answers: HTTP 400 `parameter_unknown` naming it.
pub fn check_params(
    method: &str,
    path: &str,
    params: &[(String, String)],
) -> Result<(), (u16, Value)> {
    let endpoint = format!("{method} {}", template(path));
    let Some((_, allowed)) = ENDPOINTS.iter().find(|(e, _)| *e == endpoint) else {
        return Err(error(
            404,
            "invalid_request_error",
            None,
            &format!("Unrecognized request URL ({method}: {path})."),
        ));
    };
    match params
        .iter()
        .find(|(name, _)| !allowed.iter().any(|a| matches(name, a)))
    {
        None => Ok(()),
        Some((name, _)) => {
            let (status, mut body) = error(
                400,
                "invalid_request_error",
                Some("parameter_unknown"),
                &format!("Received unknown parameter: {name}"),
            );
            body["error"]["param"] = json!(name);
            Err((status, body))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_placeholders_and_bracketed_names_match_their_lists() {
        assert_eq!(
            template("/v1/payment_methods/pm_00000000000001Fk/detach"),
            "/v1/payment_methods/{id}/detach"
        );
        assert_eq!(template("/v1/payment_intents"), "/v1/payment_intents");
        assert!(matches("metadata[porchlight_attempt]", "metadata[*]"));
        assert!(matches("tax_id_data[0][type]", "tax_id_data[][type]"));
        assert!(matches("expand[]", "expand[]"));
        assert!(!matches("card[exp_mnth]", "card[exp_month]"));
        assert!(!matches("metadata", "metadata[*]"));
    }
}
