use crate::helpers::{TestApp, spawn_app};
use app::domain::{CustomerId, StaffRole};

const PASSWORD: &str = "lantern porch evening";

/// Every office server function with a plausible form.
fn office_calls(customer: CustomerId) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let id = customer.to_string();
    vec![
        ("office/settings", vec![]),
        (
            "office/settings/save",
            vec![
                ("business_name", "X".into()),
                ("reply_to_email", String::new()),
                ("online_payments", "on".into()),
            ],
        ),
        (
            "office/customers",
            vec![("query", String::new()), ("page", "1".into())],
        ),
        ("office/customers/create", customer_form("new@example.com")),
        (
            "office/customers/update",
            [vec![("id", id.clone())], customer_form("maria@example.com")].concat(),
        ),
        ("office/customer", vec![("id", id.clone())]),
        ("office/customers/invite", vec![("id", id.clone())]),
        (
            "office/jobs/create",
            vec![
                ("customer_id", id.clone()),
                ("date", "2026-11-20".into()),
                ("summary", "Tune-up".into()),
                ("technician", "Dave".into()),
                ("status", "completed".into()),
            ],
        ),
        ("office/invoices/create", invoice_form(&id, "100.00")),
        (
            "office/invoices/void",
            vec![("customer_id", id.clone()), ("invoice_id", "1".into())],
        ),
        (
            "office/payment-methods/add",
            vec![
                ("customer_id", id.clone()),
                ("token", "tok_abcdefghijklmnop".into()),
                ("make_primary", "false".into()),
                ("nickname", String::new()),
            ],
        ),
        ("office/staff", vec![]),
        (
            "office/staff/add",
            vec![
                ("name", "Robin".into()),
                ("email", "robin@office.example".into()),
                ("role", "admin".into()),
                ("password", "a long and private phrase".into()),
            ],
        ),
        (
            "office/staff/set-enabled",
            vec![("id", "1".into()), ("enabled", "false".into())],
        ),
    ]
}

/// Office functions anyone may call: signing in and out, and asking who is signed in.
const OPEN_OFFICE_FUNCTIONS: [&str; 3] = ["office/login", "office/logout", "office/me"];

#[test]
fn the_list_covers_every_office_server_function() {
    let listed: Vec<&str> = office_calls(CustomerId::new(1))
        .into_iter()
        .map(|(endpoint, _)| endpoint)
        .collect();
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .filter_map(|(path, _)| path.strip_prefix("/api/"))
        .filter(|p| p.starts_with("office/"))
        .collect();
    for endpoint in &listed {
        assert!(
            registered.contains(endpoint),
            "{endpoint} is not a server function"
        );
    }
    let mut missing: Vec<&str> = registered
        .into_iter()
        .filter(|p| !listed.contains(p) && !OPEN_OFFICE_FUNCTIONS.contains(p))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "not covered by the role tests: {missing:?}"
    );
}

fn customer_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Maria Gonzalez".into()),
        ("email", email.into()),
        ("phone", "(555) 201-4455".into()),
        ("service_address", "14 Orchard Lane".into()),
        ("kind", "residential".into()),
    ]
}

fn invoice_form(customer: &str, price: &str) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("customer_id", customer.to_owned()),
        ("job_id", String::new()),
        ("due_on", "2026-12-31".into()),
    ];
    form.extend([
        ("lines[0][description]", "Furnace tune-up".to_owned()),
        ("lines[0][quantity]", "1".to_owned()),
        ("lines[0][price]", price.to_owned()),
    ]);
    form.extend([
        ("lines[1][description]", String::new()),
        ("lines[1][quantity]", String::new()),
        ("lines[1][price]", String::new()),
        ("lines[2][description]", String::new()),
        ("lines[2][quantity]", String::new()),
        ("lines[2][price]", String::new()),
    ]);
    form
}

async fn call(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, String)],
    session: Option<&str>,
) -> crate::helpers::Answer {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(endpoint, &pairs, session).await
}

#[tokio::test]
async fn every_office_function_refuses_anonymous_callers_and_customer_sessions() {
    let app = spawn_app().await;
    let (customer, customer_session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    for (endpoint, form) in office_calls(customer) {
        let anonymous = call(&app, endpoint, &form, None).await;
        assert_eq!(
            anonymous.status, 401,
            "{endpoint} anonymous: {}",
            anonymous.body
        );
        let as_customer = call(&app, endpoint, &form, Some(&customer_session)).await;
        assert_eq!(
            as_customer.status, 401,
            "{endpoint} as a customer: {}",
            as_customer.body
        );
    }
    assert_eq!(
        app.store.settings().await.unwrap().business_name,
        "Your Business",
        "nothing changed"
    );
    assert!(
        app.store.list_staff().await.unwrap().is_empty(),
        "no staff member was added"
    );
}

#[tokio::test]
async fn admin_only_functions_are_forbidden_for_an_accountant() {
    let app = spawn_app().await;
    let customer = app.add_customer("Maria", "maria@example.com").await;
    let accountant = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    let admin_only = [
        "office/settings",
        "office/settings/save",
        "office/staff",
        "office/staff/add",
        "office/staff/set-enabled",
    ];
    for (endpoint, form) in office_calls(customer) {
        let answer = call(&app, endpoint, &form, Some(&accountant)).await;
        if admin_only.contains(&endpoint) {
            assert_eq!(answer.status, 403, "{endpoint}: {}", answer.body);
        } else {
            assert_ne!(answer.status, 401, "{endpoint} should accept an accountant");
            assert_ne!(answer.status, 403, "{endpoint} should accept an accountant");
        }
    }
    assert_eq!(
        app.store.settings().await.unwrap().business_name,
        "Your Business"
    );
}

#[tokio::test]
async fn a_staff_session_is_not_a_customer_login() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    assert_eq!(app.whoami(&admin).await, None);
    assert_eq!(app.call("dashboard", &[], Some(&admin)).await.status, 401);
}

#[tokio::test]
async fn a_duplicate_customer_email_in_another_case_is_refused_next_to_the_email_field() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let first = call(
        &app,
        "office/customers/create",
        &customer_form("maria@example.com"),
        Some(&admin),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let again = call(
        &app,
        "office/customers/create",
        &customer_form("MARIA@Example.COM"),
        Some(&admin),
    )
    .await;
    assert_eq!(again.status, 400);
    let err: app::AppError = serde_json::from_str(&again.body).unwrap();
    assert_eq!(
        err.message_for("email").as_deref(),
        Some("Another customer already has this email address.")
    );
    assert_eq!(
        app.store.search_customers("", 10, 0).await.unwrap().total,
        1
    );
}

#[tokio::test]
async fn bad_email_phone_and_amount_each_get_a_specific_message_and_write_nothing() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let mut form = customer_form("not-an-email");
    form[2].1 = "555-12".into();
    let answer = call(&app, "office/customers/create", &form, Some(&admin)).await;
    assert_eq!(answer.status, 400);
    let err: app::AppError = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(
        err.message_for("email").as_deref(),
        Some("Enter an email address like name@example.com.")
    );
    assert!(
        err.message_for("phone")
            .unwrap()
            .contains("10 to 15 digits")
    );
    assert_eq!(
        app.store.search_customers("", 10, 0).await.unwrap().total,
        0
    );

    let customer = app.add_customer("Maria", "maria@example.com").await;
    for (price, message) in [
        ("12.345", "Enter an amount like 125.50."),
        ("-5", "The amount cannot be negative."),
        ("", "Enter an amount."),
    ] {
        let answer = call(
            &app,
            "office/invoices/create",
            &invoice_form(&customer.to_string(), price),
            Some(&admin),
        )
        .await;
        assert_eq!(answer.status, 400, "{price}");
        let err: app::AppError = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(
            err.message_for("price_1").as_deref(),
            Some(message),
            "{price}"
        );
    }
    assert!(
        app.store
            .invoices_for_customer(customer)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_invoice_created_by_the_office_shows_on_the_record_with_its_balance() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let customer = app.add_customer("Maria", "maria@example.com").await;
    let created = call(
        &app,
        "office/invoices/create",
        &invoice_form(&customer.to_string(), "1,250.50"),
        Some(&admin),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let record = app
        .call(
            "office/customer",
            &[("id", &customer.to_string())],
            Some(&admin),
        )
        .await;
    let value: serde_json::Value = serde_json::from_str(&record.body).unwrap();
    assert_eq!(value["balance_due"], 125_050);
    assert_eq!(value["invoices"][0]["status"], "open");
    let other = app
        .call("office/customer", &[("id", "999999")], Some(&admin))
        .await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn settings_changes_are_listed_with_the_staff_member_and_old_and_new_values() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let saved = app
        .call(
            "office/settings/save",
            &[
                ("online_payments", "on"),
                ("saved_payments", "on"),
                ("business_name", "Brightside"),
                ("reply_to_email", ""),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let view: serde_json::Value =
        serde_json::from_str(&app.call("office/settings", &[], Some(&admin)).await.body).unwrap();
    assert_eq!(view["online_payments"], true);
    let audit = view["audit"].as_array().unwrap();
    assert_eq!(audit.len(), 3);
    let online = audit
        .iter()
        .find(|r| r["setting"] == "Enable online payments")
        .unwrap();
    assert_eq!(
        (
            online["who"].as_str(),
            online["old_value"].as_str(),
            online["new_value"].as_str()
        ),
        (Some("admin person"), Some("false"), Some("true"))
    );

    let bad = app
        .call(
            "office/settings/save",
            &[("business_name", ""), ("reply_to_email", "nope")],
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        app.store.settings().await.unwrap().online_payments_enabled,
        "a refused save changes nothing"
    );
}

#[tokio::test]
async fn a_disabled_staff_member_is_signed_out_and_cannot_sign_in() {
    let app = spawn_app().await;
    let session = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    let sam = app
        .store
        .staff_by_email(&app::domain::EmailAddress::parse("sam@office.example").unwrap())
        .await
        .unwrap();
    app.store.set_staff_disabled(sam.id, true).await.unwrap();
    assert_eq!(
        app.call(
            "office/customers",
            &[("query", ""), ("page", "1")],
            Some(&session)
        )
        .await
        .status,
        401
    );
    let again = app
        .call(
            "office/login",
            &[
                ("email", "sam@office.example"),
                ("password", "office desk lamp"),
            ],
            None,
        )
        .await;
    assert!(
        again.body.contains("Email or password is incorrect."),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn customers_are_found_by_partial_name_email_or_phone() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    call(
        &app,
        "office/customers/create",
        &customer_form("maria.gonzalez@example.com"),
        Some(&admin),
    )
    .await;
    for query in ["gonz", "MARIA.G", "201-44", "5552014"] {
        let found = app
            .call(
                "office/customers",
                &[("query", query), ("page", "1")],
                Some(&admin),
            )
            .await;
        let value: serde_json::Value = serde_json::from_str(&found.body).unwrap();
        assert_eq!(value["total"], 1, "{query}");
    }
    let none = app
        .call(
            "office/customers",
            &[("query", "%"), ("page", "1")],
            Some(&admin),
        )
        .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&none.body).unwrap()["total"],
        0,
        "% is literal"
    );
}

#[tokio::test]
async fn an_admin_adds_staff_and_disabling_them_ends_their_sessions() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let weak = app
        .call(
            "office/staff/add",
            &[
                ("email", "sam@office.example"),
                ("name", "Sam"),
                ("role", "accountant"),
                ("password", "password1"),
            ],
            Some(&admin),
        )
        .await;
    assert!(weak.body.contains("too common"), "{}", weak.body);
    let added = app
        .call(
            "office/staff/add",
            &[
                ("email", "sam@office.example"),
                ("name", "Sam"),
                ("role", "accountant"),
                ("password", "ledger and pencil"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let sam_login = app
        .call(
            "office/login",
            &[
                ("email", "sam@office.example"),
                ("password", "ledger and pencil"),
            ],
            None,
        )
        .await;
    let sam_session = sam_login.session.expect("Sam can sign in");

    let sam = app
        .store
        .staff_by_email(&app::domain::EmailAddress::parse("sam@office.example").unwrap())
        .await
        .unwrap();
    let disabled = app
        .call(
            "office/staff/set-enabled",
            &[("id", &sam.id.to_string()), ("enabled", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    assert_eq!(
        app.call("office/me", &[], Some(&sam_session)).await.body,
        "null",
        "Sam's session ended"
    );

    let me = app
        .store
        .staff_by_email(&app::domain::EmailAddress::parse("alex@office.example").unwrap())
        .await
        .unwrap();
    let myself = app
        .call(
            "office/staff/set-enabled",
            &[("id", &me.id.to_string()), ("enabled", "false")],
            Some(&admin),
        )
        .await;
    assert!(myself.body.contains("your own account"), "{}", myself.body);
}

#[tokio::test]
async fn the_office_invites_a_customer_and_edits_their_details() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    let customer = app.add_customer("Maria", "maria@example.com").await;
    let id = customer.to_string();
    let invited = app
        .call("office/customers/invite", &[("id", &id)], Some(&admin))
        .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    assert!(
        app.email(1).await.contains("/verify?token="),
        "the same invitation as the portal's"
    );
    let record: serde_json::Value = serde_json::from_str(
        &app.call("office/customer", &[("id", &id)], Some(&admin))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(record["portal"], "InvitationSent");

    let mut form = customer_form("maria.g@example.com");
    form.insert(0, ("id", id.clone()));
    let updated = call(&app, "office/customers/update", &form, Some(&admin)).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(
        app.store.customer(customer).await.unwrap().email.as_str(),
        "maria.g@example.com"
    );
}

#[tokio::test]
async fn an_invoice_of_another_customer_cannot_be_voided_through_this_one() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let maria = app.add_customer("Maria", "maria@example.com").await;
    let james = app.add_customer("James", "james@example.com").await;
    call(
        &app,
        "office/invoices/create",
        &invoice_form(&maria.to_string(), "50"),
        Some(&admin),
    )
    .await;
    let invoice = app.store.invoices_for_customer(maria).await.unwrap()[0]
        .id
        .to_string();
    let wrong = app
        .call(
            "office/invoices/void",
            &[
                ("customer_id", &james.to_string()),
                ("invoice_id", &invoice),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(wrong.status, 409);
    assert!(!app.store.invoices_for_customer(maria).await.unwrap()[0].voided);
    let right = app
        .call(
            "office/invoices/void",
            &[
                ("customer_id", &maria.to_string()),
                ("invoice_id", &invoice),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(right.status, 200, "{}", right.body);
    assert!(app.store.invoices_for_customer(maria).await.unwrap()[0].voided);
}

#[tokio::test]
async fn changing_a_portal_customers_email_signs_them_out_and_tells_the_old_address() {
    let app = spawn_app().await;
    let (customer, session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    let staff = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    let mut form = customer_form("someone.else@example.com");
    form.insert(0, ("id", customer.to_string()));
    assert_eq!(
        call(&app, "office/customers/update", &form, Some(&staff))
            .await
            .status,
        200
    );
    assert_eq!(app.whoami(&session).await, None);
    let notice = app.email(2).await;
    assert!(
        notice.contains("To: Maria <maria@example.com>")
            && notice.contains("someone.else@example.com"),
        "{notice}"
    );
}

#[tokio::test]
async fn an_invoice_with_more_lines_than_the_form_has_and_a_stranger_job_is_refused_whole() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let customer = app.add_customer("Maria", "maria@example.com").await;
    let mut four = invoice_form(&customer.to_string(), "10");
    four.extend([
        ("lines[3][description]", "Extra".to_owned()),
        ("lines[3][quantity]", "1".to_owned()),
        ("lines[3][price]", "5".to_owned()),
    ]);
    let answer = call(&app, "office/invoices/create", &four, Some(&admin)).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    let mut bad = invoice_form(&customer.to_string(), "x");
    bad[1].1 = "999999".into();
    let err: app::AppError = serde_json::from_str(
        &call(&app, "office/invoices/create", &bad, Some(&admin))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(
        err.message_for("job_id").as_deref(),
        Some("Choose one of this customer's jobs.")
    );
    assert!(err.message_for("price_1").is_some(), "{err:?}");
    assert!(
        app.store
            .invoices_for_customer(customer)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_zero_invoice_and_a_due_date_in_the_past_are_refused() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let customer = app.add_customer("Maria", "maria@example.com").await;
    let zero = call(
        &app,
        "office/invoices/create",
        &invoice_form(&customer.to_string(), "0"),
        Some(&admin),
    )
    .await;
    let err: app::AppError = serde_json::from_str(&zero.body).unwrap();
    assert_eq!(
        err.message_for("price_1").as_deref(),
        Some("An invoice must be for more than $0.00.")
    );
    let mut past = invoice_form(&customer.to_string(), "10");
    past[2].1 = "2001-01-01".into();
    let err: app::AppError = serde_json::from_str(
        &call(&app, "office/invoices/create", &past, Some(&admin))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(
        err.message_for("due_on").as_deref(),
        Some("The due date can't be before today.")
    );
    assert!(
        app.store
            .invoices_for_customer(customer)
            .await
            .unwrap()
            .is_empty()
    );
}
