//! The fake's endpoints: customers, SetupIntents, PaymentMethods, PaymentIntents, and the `/test/`
//! stand-ins for what Stripe.js does in the browser.

use super::objects::{Behaviour, card_error, metadata, payment_method, test_card};
use super::{Books, error};
use axum::http::Method;
use serde_json::{Value, json};

type Answer = (u16, Value);

/// A request's form parameters.
#[derive(Clone, Copy)]
struct Form<'a>(&'a [(String, String)]);

impl<'a> Form<'a> {
    fn get(self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Answers one request.
pub fn route(b: &mut Books, method: &Method, path: &str, params: &[(String, String)]) -> Answer {
    let form = Form(params);
    let param = |name: &str| form.get(name);
    // Parameters Stripe's API does not have (`payment_method_types` on intents since
    // 2026-09-30.endive, a misspelling) were refused before routing (`refusals::check_params`).
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["v1", "customers"]) => {
            let id = b.id("cus");
            let customer = json!({
                "id": id, "object": "customer", "email": param("email"), "name": param("name"),
                "metadata": metadata(params), "invoice_settings": { "default_payment_method": null },
            });
            b.customers.insert(id, customer.clone());
            (200, customer)
        }
        ("GET", ["v1", "customers", id]) => found(b.customers.get(*id), "customer", id),
        ("POST", ["v1", "customers", id]) => {
            let Some(pm) = param("invoice_settings[default_payment_method]") else {
                return found(b.customers.get(*id), "customer", id);
            };
            let attached = b
                .payment_methods
                .get(pm)
                .map(|p| p["customer"] == json!(id));
            if attached != Some(true) {
                return error(
                    400,
                    "invalid_request_error",
                    Some("resource_missing"),
                    &format!("No such PaymentMethod: '{pm}'"),
                );
            }
            match b.customers.get_mut(*id) {
                Some(c) => {
                    c["invoice_settings"]["default_payment_method"] = json!(pm);
                    (200, c.clone())
                }
                None => missing("customer", id),
            }
        }
        ("POST", ["v1", "setup_intents"]) => {
            let customer = param("customer").unwrap_or_default().to_owned();
            if !b.customers.contains_key(&customer) {
                return missing("customer", &customer);
            }
            let id = b.id("seti");
            let intent = json!({
                "id": id, "object": "setup_intent", "status": "requires_payment_method",
                "client_secret": format!("{id}_secret_fake{}", b.id("s")),
                "customer": customer, "usage": param("usage").unwrap_or("off_session"),
                "payment_method": null, "last_setup_error": null,
                "payment_method_types": ["card"],
            });
            b.setup_intents.insert(id, intent.clone());
            (200, intent)
        }
        ("GET", ["v1", "setup_intents", id]) => {
            let Some(mut intent) = b.setup_intents.get(*id).cloned() else {
                return missing("setup_intent", id);
            };
            if params
                .iter()
                .any(|(k, v)| k == "expand[]" && v == "payment_method")
                && let Some(pm) = intent["payment_method"].as_str()
            {
                intent["payment_method"] = b.payment_methods[pm].clone();
            }
            (200, intent)
        }
        ("GET", ["v1", "payment_methods", id]) => {
            found(b.payment_methods.get(*id), "payment_method", id)
        }
        ("POST", ["v1", "payment_methods", id]) => update_card(b, id, form),
        ("POST", ["v1", "payment_methods", id, "detach"]) => match b.payment_methods.get_mut(*id) {
            Some(pm) if !pm["customer"].is_null() => {
                pm["customer"] = Value::Null;
                (200, pm.clone())
            }
            Some(_) => error(
                400,
                "invalid_request_error",
                None,
                "The payment method you provided is not attached to a customer so detachment is impossible.",
            ),
            None => missing("payment_method", id),
        },
        ("POST", ["v1", "payment_intents"]) => create_payment_intent(b, form),
        ("GET", ["v1", "payment_intents"]) => list_payment_intents(b, form),
        ("GET", ["v1", "payment_intents", id]) => {
            found(b.payment_intents.get(*id), "payment_intent", id)
        }
        ("POST", ["v1", "payment_intents", id, "cancel"]) => {
            let Some(intent) = b.payment_intents.get_mut(*id) else {
                return missing("payment_intent", id);
            };
            if intent["status"] == json!("succeeded") || intent["status"] == json!("canceled") {
                return error(
                    400,
                    "invalid_request_error",
                    Some("payment_intent_unexpected_state"),
                    "You cannot cancel this PaymentIntent because it has a status of succeeded.",
                );
            }
            intent["status"] = json!("canceled");
            intent["next_action"] = Value::Null;
            (200, intent.clone())
        }
        ("POST", ["test", "setup_intents", id, "confirm"]) => confirm_setup(b, id, form),
        ("POST", ["test", "setup_intents", id, "authenticate"]) => {
            let complete = param("result") == Some("complete");
            let Some(intent) = b.setup_intents.get_mut(*id) else {
                return missing("setup_intent", id);
            };
            if complete {
                intent["status"] = json!("succeeded");
            } else {
                intent["status"] = json!("requires_payment_method");
                intent["last_setup_error"] = card_error(
                    "setup_intent_authentication_failure",
                    None,
                    "We are unable to authenticate your payment method.",
                );
                intent["payment_method"] = Value::Null;
            }
            (200, intent.clone())
        }
        ("GET", ["v1", "charges", id]) => found(b.charges.get(*id), "charge", id),
        ("POST", ["test", "charges", id, "refund"]) => {
            let amount: i64 = param("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
            let Some(charge) = b.charges.get_mut(*id) else {
                return missing("charge", id);
            };
            let refunded = charge["amount_refunded"].as_i64().unwrap_or(0) + amount;
            charge["amount_refunded"] = json!(refunded);
            charge["refunded"] = json!(Some(refunded) == charge["amount"].as_i64());
            (200, charge.clone())
        }
        ("POST", ["test", "charges", id, "dispute"]) => match b.charges.get_mut(*id) {
            Some(charge) => {
                charge["disputed"] = json!(true);
                (200, charge.clone())
            }
            None => missing("charge", id),
        },
        ("POST", ["test", "payment_intents", id, "settle"]) => {
            let amount = b
                .payment_intents
                .get(*id)
                .map(|i| i["amount"].clone())
                .unwrap_or_default();
            let charge = b.charge_for(id, &amount);
            match b.payment_intents.get_mut(*id) {
                Some(intent) if intent["status"] == json!("processing") => {
                    intent["status"] = json!("succeeded");
                    intent["latest_charge"] = json!(charge);
                    (200, intent.clone())
                }
                Some(_) => error(400, "invalid_request_error", None, "Not processing."),
                None => missing("payment_intent", id),
            }
        }
        ("POST", ["test", "payment_intents", id, "authenticate"]) => {
            let complete = param("result") == Some("complete");
            let amount = b
                .payment_intents
                .get(*id)
                .map(|i| i["amount"].clone())
                .unwrap_or_default();
            let charge = b.charge_for(id, &amount);
            let Some(intent) = b.payment_intents.get_mut(*id) else {
                return missing("payment_intent", id);
            };
            if complete {
                intent["status"] = json!("succeeded");
                intent["latest_charge"] = json!(charge);
                intent["next_action"] = Value::Null;
            } else {
                intent["status"] = json!("requires_payment_method");
                intent["last_payment_error"] = card_error(
                    "payment_intent_authentication_failure",
                    None,
                    "We are unable to authenticate your payment method.",
                );
            }
            (200, intent.clone())
        }
        _ => error(
            404,
            "invalid_request_error",
            None,
            &format!("Unrecognized request URL ({method}: {path})."),
        ),
    }
}

fn found(object: Option<&Value>, kind: &str, id: &str) -> Answer {
    object.map_or_else(|| missing(kind, id), |o| (200, o.clone()))
}

fn missing(kind: &str, id: &str) -> Answer {
    error(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such {kind}: '{id}'"),
    )
}

/// What Stripe.js's `confirmSetup` does with the card typed into the Payment Element.
fn confirm_setup(b: &mut Books, id: &str, form: Form) -> Answer {
    let param = |name: &str| form.get(name);
    let number = param("number").unwrap_or_default().to_owned();
    let exp = (
        param("exp_month")
            .and_then(|m| m.parse().ok())
            .unwrap_or(12),
        param("exp_year")
            .and_then(|y| y.parse().ok())
            .unwrap_or(2034),
    );
    let Some(customer) = b.setup_intents.get(id).map(|i| i["customer"].clone()) else {
        return missing("setup_intent", id);
    };
    let (behaviour, _) = test_card(&number);
    if let Behaviour::RefuseOnSave(code, decline) = behaviour {
        let intent = b.setup_intents.get_mut(id).expect("looked up above");
        intent["last_setup_error"] = card_error(code, decline, "Your card was declined.");
        return (402, json!({ "error": intent["last_setup_error"].clone() }));
    }
    let pm_id = b.id("pm");
    let mut pm = payment_method(
        &pm_id,
        &number,
        exp,
        param("zip").unwrap_or(""),
        param("name").unwrap_or(""),
    );
    pm["customer"] = customer;
    b.payment_methods.insert(pm_id.clone(), pm);
    b.numbers.insert(pm_id.clone(), number);
    let intent = b.setup_intents.get_mut(id).expect("looked up above");
    intent["payment_method"] = json!(pm_id);
    intent["last_setup_error"] = Value::Null;
    intent["status"] = json!(if behaviour == Behaviour::Authenticate {
        "requires_action"
    } else {
        "succeeded"
    });
    (200, intent.clone())
}

fn update_card(b: &mut Books, id: &str, form: Form) -> Answer {
    let param = |name: &str| form.get(name);
    let Some(pm) = b.payment_methods.get_mut(id) else {
        return missing("payment_method", id);
    };
    if let Some(year) = param("card[exp_year]") {
        match year.parse::<i32>() {
            Ok(y) if y >= 2026 => pm["card"]["exp_year"] = json!(y),
            _ => {
                return error(
                    400,
                    "card_error",
                    Some("invalid_expiry_year"),
                    "Your card's expiration year is invalid.",
                );
            }
        }
    }
    if let Some(month) = param("card[exp_month]") {
        match month.parse::<u32>() {
            Ok(m) if (1..=12).contains(&m) => pm["card"]["exp_month"] = json!(m),
            _ => {
                return error(
                    400,
                    "card_error",
                    Some("invalid_expiry_month"),
                    "Your card's expiration month is invalid.",
                );
            }
        }
    }
    if let Some(zip) = param("billing_details[address][postal_code]") {
        pm["billing_details"]["address"]["postal_code"] = json!(zip);
    }
    (200, pm.clone())
}

fn create_payment_intent(b: &mut Books, form: Form) -> Answer {
    let param = |name: &str| form.get(name);
    let params = form.0;
    let amount: i64 = param("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    if amount < 50 {
        return error(
            400,
            "invalid_request_error",
            Some("amount_too_small"),
            "Amount must be at least $0.50 usd",
        );
    }
    let customer = param("customer").unwrap_or_default().to_owned();
    let pm_id = param("payment_method").unwrap_or_default().to_owned();
    let attached = b
        .payment_methods
        .get(&pm_id)
        .map(|p| p["customer"] == json!(customer));
    if attached != Some(true) {
        return error(
            400,
            "invalid_request_error",
            Some("resource_missing"),
            &format!("No such PaymentMethod: '{pm_id}'"),
        );
    }
    let id = b.id("pi");
    b.clock += 1;
    let mut intent = json!({
        "id": id, "object": "payment_intent", "amount": amount, "created": b.clock,
        "currency": param("currency").unwrap_or("usd"), "customer": customer,
        "payment_method": pm_id, "client_secret": format!("{id}_secret_fake{}", b.id("s")),
        "metadata": metadata(params), "latest_charge": null, "last_payment_error": null,
        "next_action": null, "status": "requires_confirmation",
    });
    let (behaviour, _) = test_card(&b.numbers[&pm_id]);
    let off_session = param("off_session") == Some("true");
    let confirm = param("confirm") == Some("true");
    // A server-side confirm that may need the bank's check must say how the customer gets
    // through it: Stripe.js handles the next action (`use_stripe_sdk`), or a page to return to.
    if confirm
        && !off_session
        && param("use_stripe_sdk") != Some("true")
        && param("return_url").is_none()
    {
        return error(
            400,
            "invalid_request_error",
            Some("parameter_missing"),
            "A PaymentIntent confirmed on the server that may require the customer to authenticate needs `use_stripe_sdk=true` (Stripe.js handles the next action) or a `return_url`.",
        );
    }
    let mut declined = None;
    if confirm {
        match behaviour {
            Behaviour::Approve | Behaviour::RefuseOnSave(..) if b.processing => {
                intent["status"] = json!("processing");
            }
            Behaviour::Approve | Behaviour::RefuseOnSave(..) => {
                intent["status"] = json!("succeeded");
                intent["latest_charge"] = json!(b.charge_for(&id, &json!(amount)));
            }
            Behaviour::DeclineOnCharge(code, decline) => {
                declined = Some(card_error(code, decline, "Your card was declined."));
            }
            Behaviour::Authenticate if off_session => {
                declined = Some(card_error(
                    "authentication_required",
                    Some("authentication_required"),
                    "Your card was declined. This transaction requires authentication.",
                ));
            }
            Behaviour::Authenticate => {
                intent["status"] = json!("requires_action");
                intent["next_action"] = json!({ "type": "use_stripe_sdk", "use_stripe_sdk": {} });
            }
        }
    }
    if let Some(mut err) = declined {
        intent["status"] = json!("requires_payment_method");
        intent["last_payment_error"] = err.clone();
        b.payment_intents.insert(id, intent.clone());
        err["payment_intent"] = intent;
        return (402, json!({ "error": err }));
    }
    b.payment_intents.insert(id, intent.clone());
    (200, intent)
}

/// `GET /v1/payment_intents`: a customer's (or every) intent, newest first, a page at a time.
fn list_payment_intents(b: &mut Books, form: Form) -> Answer {
    let customer = form.get("customer");
    let limit: usize = form.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
    let mut all: Vec<&Value> = b
        .payment_intents
        .values()
        .filter(|i| customer.is_none_or(|c| i["customer"] == json!(c)))
        .collect();
    all.sort_by_key(|i| std::cmp::Reverse(i["created"].as_i64().unwrap_or(0)));
    let start = form
        .get("starting_after")
        .and_then(|after| all.iter().position(|i| i["id"] == json!(after)))
        .map_or(0, |p| p + 1);
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|i| (*i).clone())
        .collect();
    let has_more = all.len() > start + page.len();
    (
        200,
        json!({ "object": "list", "url": "/v1/payment_intents", "has_more": has_more, "data": page }),
    )
}
