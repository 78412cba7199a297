use crate::helpers::{Callable, PASSWORD, STAFF_PASSWORD, TestApp, spawn_app};
use app::{
    AppError,
    domain::{CustomerId, PortalStatus, StaffRole, invoice::LineInput, status::InvoiceStatus},
    office::{
        auth::{CurrentStaff, OfficeLogin, OfficeLogout},
        billing::{CreateInvoice, CreateJob, VoidInvoice},
        call_booking::{CreateCustomer, CustomerForm, UpdateCustomer},
        card_terms::{CardTermsSettings, SaveCardTerms},
        cards::{OfficeAddPaymentMethod, OfficeBeginCardSetup},
        customers::SearchCustomers,
        password_reset::{OfficeForgotPassword, OfficeResetPassword, OfficeResetStatus},
        record::api::{CustomerRecord, InviteCustomer, RequestCardOnFile},
        settings::{OnlinePaymentsSettings, SaveOnlinePayments, TestProcessorConnection},
        staff::{AddStaffMember, SetStaffEnabled, StaffList},
    },
    portal::dashboard::DashboardSummary,
};
use leptos::server_fn::ServerFn as _;
use std::{future::Future, pin::Pin};

/// A call in flight, its output dropped.
type Pending<'a> = Pin<Box<dyn Future<Output = Result<(), AppError>> + 'a>>;

/// A server function with its arguments, of whichever type: for running many in a loop.
trait AnyCall {
    /// The function's path.
    fn path(&self) -> &'static str;
    /// Calls it with a copy of the arguments.
    fn call<'a>(&'a self, app: &'a TestApp, session: Option<&'a str>) -> Pending<'a>;
}

impl<F: Callable + Clone + 'static> AnyCall for F {
    fn path(&self) -> &'static str {
        F::PATH
    }

    fn call<'a>(&'a self, app: &'a TestApp, session: Option<&'a str>) -> Pending<'a> {
        Box::pin(async move { app.call(self.clone(), session).await.map(drop) })
    }
}

/// Every office server function with plausible arguments.
fn office_calls(customer: CustomerId) -> Vec<Box<dyn AnyCall>> {
    let id = customer.to_string();
    vec![
        Box::new(OnlinePaymentsSettings {}),
        Box::new(TestProcessorConnection {}),
        Box::new(CardTermsSettings {}),
        Box::new(SaveCardTerms {
            text: "Office-written terms long enough to be accepted as a version.".into(),
        }),
        Box::new(SaveOnlinePayments {
            online_payments: Some("on".into()),
            saved_payments: None,
            business_name: "X".into(),
            reply_to_email: String::new(),
        }),
        Box::new(SearchCustomers {
            query: String::new(),
            page: 1,
        }),
        Box::new(customer_form("new@example.com")),
        Box::new(update_form(&id, "maria@example.com")),
        Box::new(record(&id)),
        Box::new(InviteCustomer { id: id.clone() }),
        Box::new(RequestCardOnFile { id: id.clone() }),
        Box::new(CreateJob {
            customer_id: id.clone(),
            date: "2026-11-20".into(),
            summary: "Tune-up".into(),
            technician: "Dave".into(),
            status: "completed".into(),
        }),
        Box::new(invoice_form(&id, "100.00")),
        Box::new(VoidInvoice {
            customer_id: id.clone(),
            invoice_id: "1".into(),
        }),
        Box::new(OfficeBeginCardSetup {
            customer_id: id.clone(),
        }),
        Box::new(OfficeAddPaymentMethod {
            customer_id: id.clone(),
            setup_intent: "seti_abcdefghijklmnop".into(),
            make_primary: false,
            nickname: String::new(),
            spoken_consent: true,
        }),
        Box::new(StaffList {}),
        Box::new(AddStaffMember {
            name: "Robin".into(),
            email: "robin@office.example".into(),
            role: "admin".into(),
            password: "a long and private phrase".into(),
        }),
        Box::new(SetStaffEnabled {
            id: "1".into(),
            enabled: false,
        }),
    ]
}

/// Office functions anyone may call: signing in and out, asking who is signed in, and the
/// password reset by email link.
fn open_office_functions() -> [&'static str; 6] {
    [
        OfficeLogin::PATH,
        OfficeLogout::PATH,
        CurrentStaff::PATH,
        OfficeForgotPassword::PATH,
        OfficeResetStatus::PATH,
        OfficeResetPassword::PATH,
    ]
}

#[test]
fn the_list_covers_every_office_server_function() {
    let listed: Vec<&str> = office_calls(CustomerId::new(1))
        .iter()
        .map(|call| call.path())
        .collect();
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|p| p.starts_with("/api/office/"))
        .collect();
    for path in &listed {
        assert!(registered.contains(path), "{path} is not a server function");
    }
    let mut missing: Vec<&str> = registered
        .into_iter()
        .filter(|p| !listed.contains(p) && !open_office_functions().contains(p))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "not covered by the role tests: {missing:?}"
    );
}

fn customer_form(email: &str) -> CreateCustomer {
    CreateCustomer {
        customer: CustomerForm {
            name: "Maria Gonzalez".into(),
            email: email.into(),
            phone: "(555) 201-4455".into(),
            service_address: "14 Orchard Lane".into(),
            kind: "residential".into(),
        },
    }
}

fn update_form(id: &str, email: &str) -> UpdateCustomer {
    UpdateCustomer {
        id: id.into(),
        customer: customer_form(email).customer,
    }
}

/// One invoice line at `price` and the form's two blank lines.
fn invoice_form(customer: &str, price: &str) -> CreateInvoice {
    CreateInvoice {
        customer_id: customer.into(),
        job_id: String::new(),
        due_on: "2026-12-31".into(),
        lines: vec![
            LineInput {
                description: "Furnace tune-up".into(),
                quantity: "1".into(),
                price: price.into(),
            },
            LineInput::default(),
            LineInput::default(),
        ],
    }
}

fn record(id: &str) -> CustomerRecord {
    CustomerRecord {
        id: id.into(),
        payments_page: None,
    }
}

fn search(query: &str) -> SearchCustomers {
    SearchCustomers {
        query: query.into(),
        page: 1,
    }
}

#[tokio::test]
async fn every_office_function_refuses_anonymous_callers_and_customer_sessions() {
    let app = spawn_app().await;
    let (customer, customer_session) = app
        .customer_with_account("Maria", "maria@example.com", PASSWORD)
        .await;
    for call in office_calls(customer) {
        let path = call.path();
        let anonymous = call.call(&app, None).await;
        assert_eq!(
            anonymous,
            Err(AppError::Unauthenticated),
            "{path} anonymous"
        );
        let as_customer = call.call(&app, Some(&customer_session)).await;
        assert_eq!(
            as_customer,
            Err(AppError::Unauthenticated),
            "{path} as a customer"
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
        OnlinePaymentsSettings::PATH,
        TestProcessorConnection::PATH,
        CardTermsSettings::PATH,
        SaveCardTerms::PATH,
        SaveOnlinePayments::PATH,
        StaffList::PATH,
        AddStaffMember::PATH,
        SetStaffEnabled::PATH,
    ];
    for call in office_calls(customer) {
        let path = call.path();
        let answer = call.call(&app, Some(&accountant)).await;
        if admin_only.contains(&path) {
            assert_eq!(answer, Err(AppError::Forbidden), "{path}");
        } else {
            assert!(
                !matches!(answer, Err(AppError::Unauthenticated | AppError::Forbidden)),
                "{path} should accept an accountant: {answer:?}"
            );
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
    let dashboard = DashboardSummary {
        visits_page: None,
        paid_page: None,
    };
    assert_eq!(
        app.call(dashboard, Some(&admin)).await,
        Err(AppError::Unauthenticated)
    );
}

#[tokio::test]
async fn a_duplicate_customer_email_in_another_case_is_refused_next_to_the_email_field() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    app.call(customer_form("maria@example.com"), Some(&admin))
        .await
        .unwrap();
    let err = app
        .call(customer_form("MARIA@Example.COM"), Some(&admin))
        .await
        .unwrap_err();
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
    form.customer.phone = "555-12".into();
    let err = app.call(form, Some(&admin)).await.unwrap_err();
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
        let err = app
            .call(invoice_form(&customer.to_string(), price), Some(&admin))
            .await
            .unwrap_err();
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
    app.call(
        invoice_form(&customer.to_string(), "1,250.50"),
        Some(&admin),
    )
    .await
    .unwrap();
    let file = app
        .call(record(&customer.to_string()), Some(&admin))
        .await
        .unwrap();
    assert_eq!(file.balance_due.get(), 125_050);
    assert_eq!(file.invoices[0].status, InvoiceStatus::Open);
    assert_eq!(
        app.call(record("999999"), Some(&admin)).await,
        Err(AppError::NotFound)
    );
}

#[tokio::test]
async fn settings_changes_are_listed_with_the_staff_member_and_old_and_new_values() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let save = SaveOnlinePayments {
        online_payments: Some("on".into()),
        saved_payments: Some("on".into()),
        business_name: "Brightside".into(),
        reply_to_email: String::new(),
    };
    app.call(save, Some(&admin)).await.unwrap();
    let view = app
        .call(OnlinePaymentsSettings {}, Some(&admin))
        .await
        .unwrap();
    assert!(view.online_payments);
    assert_eq!(
        (view.processor.as_str(), view.test_mode),
        ("Porchlight sandbox", true)
    );
    assert_eq!(view.audit.len(), 3);
    let online = view
        .audit
        .iter()
        .find(|r| r.setting == "Enable online payments")
        .unwrap();
    assert_eq!(
        (
            online.who.as_str(),
            online.old_value.as_str(),
            online.new_value.as_str()
        ),
        ("admin person", "false", "true")
    );

    let bad = SaveOnlinePayments {
        online_payments: None,
        saved_payments: None,
        business_name: String::new(),
        reply_to_email: "nope".into(),
    };
    let err = app.call(bad, Some(&admin)).await.unwrap_err();
    assert_eq!(err.status(), 400, "{err:?}");
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
        app.call(search(""), Some(&session)).await,
        Err(AppError::Unauthenticated)
    );
    let again = OfficeLogin {
        email: "sam@office.example".into(),
        password: STAFF_PASSWORD.into(),
        next: None,
    };
    let err = app.call(again, None).await.unwrap_err();
    assert!(
        err.to_string().contains("Email or password is incorrect."),
        "{err:?}"
    );
}

#[tokio::test]
async fn customers_are_found_by_partial_name_email_or_phone() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    app.call(customer_form("maria.gonzalez@example.com"), Some(&admin))
        .await
        .unwrap();
    for query in ["gonz", "MARIA.G", "201-44", "5552014"] {
        let found = app.call(search(query), Some(&admin)).await.unwrap();
        assert_eq!(found.total, 1, "{query}");
    }
    let none = app.call(search("%"), Some(&admin)).await.unwrap();
    assert_eq!(none.total, 0, "% is literal");
}

#[tokio::test]
async fn an_admin_adds_staff_and_disabling_them_ends_their_sessions() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let add = |password: &str| AddStaffMember {
        email: "sam@office.example".into(),
        name: "Sam".into(),
        role: "accountant".into(),
        password: password.into(),
    };
    let weak = app.call(add("password1"), Some(&admin)).await.unwrap_err();
    assert!(
        weak.message_for("password")
            .is_some_and(|m| m.contains("too common")),
        "{weak:?}"
    );
    app.call(add("ledger and pencil"), Some(&admin))
        .await
        .unwrap();
    let sam_login = OfficeLogin {
        email: "sam@office.example".into(),
        password: "ledger and pencil".into(),
        next: None,
    };
    let sam_session = app
        .call_answer(sam_login, None)
        .await
        .session
        .expect("Sam can sign in");

    let sam = app
        .store
        .staff_by_email(&app::domain::EmailAddress::parse("sam@office.example").unwrap())
        .await
        .unwrap();
    let disable = |id: String| SetStaffEnabled { id, enabled: false };
    app.call(disable(sam.id.to_string()), Some(&admin))
        .await
        .unwrap();
    assert_eq!(
        app.call(CurrentStaff {}, Some(&sam_session)).await,
        Ok(None),
        "Sam's session ended"
    );

    let me = app
        .store
        .staff_by_email(&app::domain::EmailAddress::parse("alex@office.example").unwrap())
        .await
        .unwrap();
    let myself = app
        .call(disable(me.id.to_string()), Some(&admin))
        .await
        .unwrap_err();
    assert!(
        myself.to_string().contains("your own account"),
        "{myself:?}"
    );
}

#[tokio::test]
async fn the_office_invites_a_customer_and_edits_their_details() {
    let app = spawn_app().await;
    let admin = app
        .staff_session(StaffRole::Accountant, "sam@office.example")
        .await;
    let customer = app.add_customer("Maria", "maria@example.com").await;
    let id = customer.to_string();
    app.call(InviteCustomer { id: id.clone() }, Some(&admin))
        .await
        .unwrap();
    assert!(
        app.email(1).await.contains("/verify?token="),
        "the same invitation as the portal's"
    );
    let file = app.call(record(&id), Some(&admin)).await.unwrap();
    assert_eq!(file.portal, PortalStatus::InvitationSent);

    app.call(update_form(&id, "maria.g@example.com"), Some(&admin))
        .await
        .unwrap();
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
    app.call(invoice_form(&maria.to_string(), "50"), Some(&admin))
        .await
        .unwrap();
    let invoice = app.store.invoices_for_customer(maria).await.unwrap()[0]
        .id
        .to_string();
    let void = |customer: CustomerId| VoidInvoice {
        customer_id: customer.to_string(),
        invoice_id: invoice.clone(),
    };
    let wrong = app.call(void(james), Some(&admin)).await;
    assert!(matches!(wrong, Err(AppError::Conflict(_))), "{wrong:?}");
    assert!(!app.store.invoices_for_customer(maria).await.unwrap()[0].voided);
    app.call(void(maria), Some(&admin)).await.unwrap();
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
    let form = update_form(&customer.to_string(), "someone.else@example.com");
    app.call(form, Some(&staff)).await.unwrap();
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
    four.lines.push(LineInput {
        description: "Extra".into(),
        quantity: "1".into(),
        price: "5".into(),
    });
    assert_eq!(
        app.call(four, Some(&admin)).await,
        Err(AppError::BadRequest)
    );
    let mut bad = invoice_form(&customer.to_string(), "x");
    bad.job_id = "999999".into();
    let err = app.call(bad, Some(&admin)).await.unwrap_err();
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
    let err = app
        .call(invoice_form(&customer.to_string(), "0"), Some(&admin))
        .await
        .unwrap_err();
    assert_eq!(
        err.message_for("price_1").as_deref(),
        Some("An invoice must be for more than $0.00.")
    );
    let mut past = invoice_form(&customer.to_string(), "10");
    past.due_on = "2001-01-01".into();
    let err = app.call(past, Some(&admin)).await.unwrap_err();
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
