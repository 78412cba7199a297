//! `porchlight demo`: a small heating-and-plumbing business to try the portal with.

mod data;

use crate::cli::{CliError, add_staff};
use app::{
    backend::{
        Clock, PasswordHasher, Store,
        gateway::{Gateway, SavedMethod, sandbox::SandboxGateway},
        processor::ensure_processor_customer,
        store::{
            Actor, CardOnFile, ChangeContext, ConsentGiven, NewCustomer, NewInvoice,
            NewInvoiceLine, NewJob, Settings,
        },
    },
    domain::{
        Cents, CustomerId, EmailAddress, Password, Timestamp,
        card::{Expiry, MaskedCard},
        tokenization::{SetupConfirmation, TokenRequest},
    },
};
use data::CUSTOMERS;
use std::fmt;

/// The demo office admin's sign-in.
pub const ADMIN_EMAIL: &str = "admin@brightside.example";
/// The demo office admin's password (demo data only).
pub const ADMIN_PASSWORD: &str = "brightside-admin-demo";
/// The demo accountant's sign-in.
pub const ACCOUNTANT_EMAIL: &str = "accounts@brightside.example";
/// The demo accountant's password (demo data only).
pub const ACCOUNTANT_PASSWORD: &str = "brightside-accounts-demo";

/// The demo customer who already has a portal account.
pub const CUSTOMER_EMAIL: &str = "maria.gonzalez@example.com";
/// Her portal password (demo data only).
pub const CUSTOMER_PASSWORD: &str = "brightside-maria-demo";
/// A second portal login, with no saved cards yet.
pub const SECOND_CUSTOMER_EMAIL: &str = "linh.tran@example.com";
/// Its password.
pub const SECOND_CUSTOMER_PASSWORD: &str = "brightside-linh-demo";
/// A third portal login, whose primary card expired last month.
pub const THIRD_CUSTOMER_EMAIL: &str = "maintenance@lakesidepm.example";
/// Its password.
pub const THIRD_CUSTOMER_PASSWORD: &str = "brightside-lakeside-demo";

/// What the operator needs to try the demo.
#[derive(Debug, Clone)]
pub struct DemoLogins {
    /// Business name.
    pub business: String,
    /// Customers created.
    pub customers: usize,
    /// Invoices created.
    pub invoices: usize,
}

impl fmt::Display for DemoLogins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Demo business \"{}\" loaded: {} customers, {} invoices.",
            self.business, self.customers, self.invoices
        )?;
        writeln!(f, "Office logins (demo only):")?;
        writeln!(f, "  admin       {ADMIN_EMAIL}  /  {ADMIN_PASSWORD}")?;
        writeln!(
            f,
            "  accountant  {ACCOUNTANT_EMAIL}  /  {ACCOUNTANT_PASSWORD}"
        )?;
        writeln!(f, "Customer Portal logins (demo only):")?;
        writeln!(
            f,
            "  customer    {CUSTOMER_EMAIL}  /  {CUSTOMER_PASSWORD}  (two saved cards)"
        )?;
        writeln!(
            f,
            "  customer    {SECOND_CUSTOMER_EMAIL}  /  {SECOND_CUSTOMER_PASSWORD}  (no cards yet)"
        )?;
        write!(
            f,
            "  customer    {THIRD_CUSTOMER_EMAIL}  /  {THIRD_CUSTOMER_PASSWORD}  (primary card expired)"
        )
    }
}

/// Saves a sandbox test card for a customer through a setup, as the portal does (the last one
/// saved is primary); an `expired` one is stored as expiring last month (the sandbox would
/// refuse it as such).
async fn add_demo_card(
    store: &Store,
    gateway: &SandboxGateway,
    customer_id: CustomerId,
    name: &str,
    (number, expired): (&str, bool),
    now: Timestamp,
) -> Result<(), CliError> {
    let fail = |what: &str| CliError::Other(format!("demo card: {what}"));
    let at_processor = ensure_processor_customer(store, gateway, customer_id, now)
        .await
        .map_err(|e| fail(&e.to_string()))?;
    let setup = gateway
        .begin_setup(&at_processor)
        .await
        .map_err(|e| fail(&e.to_string()))?;
    let year = now.date().0 + 3;
    let request = TokenRequest {
        number: number.into(),
        expiry: format!("12/{:02}", year % 100),
        cvc: "123".into(),
        zip: "94107".into(),
        name: name.into(),
    };
    let confirmation = SetupConfirmation::new(setup.client_secret, &request);
    gateway
        .confirm_setup(&setup.id, &confirmation, "demo")
        .await
        .map_err(|_| fail("the sandbox refused a test card"))?;
    let SavedMethod {
        method: token,
        details,
    } = gateway
        .finish_setup(&at_processor, &setup.id)
        .await
        .map_err(|e| fail(&e.to_string()))?;
    let card = CardOnFile {
        customer_id,
        token,
        fingerprint: details.fingerprint,
        card: MaskedCard {
            brand: details.brand,
            last4: details.last4,
        },
        expiry: if expired {
            last_month(now)
        } else {
            details.expiry
        },
        cardholder: details.cardholder,
        zip: details.zip,
        nickname: String::new(),
    };
    let ctx = ChangeContext {
        actor: Actor::Customer,
        at: now,
        request_id: "demo".into(),
    };
    // The demo's customers agreed to the business's first (default) terms.
    let consent = ConsentGiven {
        consent: app::domain::consent::CardConsent::Terms(1),
        ip: "127.0.0.1".into(),
        user_agent: "porchlight demo".into(),
    };
    store.add_card(&card, true, &consent, &ctx).await?;
    Ok(())
}

fn last_month(now: Timestamp) -> Expiry {
    match now.year_month() {
        (year, 1) => Expiry {
            year: year - 1,
            month: 12,
        },
        (year, month) => Expiry {
            year,
            month: month - 1,
        },
    }
}

/// Loads the demo business into an empty database and returns what to tell the operator.
pub async fn load(
    store: &Store,
    hasher: &PasswordHasher,
    clock: &Clock,
    gateway: &SandboxGateway,
) -> Result<DemoLogins, CliError> {
    let now = clock.now();
    let business = "Brightside Heating & Plumbing".to_owned();
    store
        .update_settings(
            &Settings {
                online_payments_enabled: true,
                saved_payments_enabled: true,
                business_name: business.clone(),
                reply_to_email: "office@brightside.example".into(),
            },
            None,
            now,
        )
        .await?;
    add_staff(
        store,
        hasher,
        ADMIN_EMAIL,
        "Alex Rivera",
        "admin",
        ADMIN_PASSWORD,
    )
    .await?;
    add_staff(
        store,
        hasher,
        ACCOUNTANT_EMAIL,
        "Sam Patel",
        "accountant",
        ACCOUNTANT_PASSWORD,
    )
    .await?;

    let today = {
        let (y, m, d) = now.date();
        Timestamp::from_date(y, m, d)
    };
    let mut invoices = 0;
    for customer in CUSTOMERS {
        let email =
            EmailAddress::parse(customer.email).map_err(|e| CliError::Other(e.to_string()))?;
        let customer_id = store
            .insert_customer(
                &NewCustomer {
                    name: customer.name.into(),
                    email,
                    phone: customer.phone.into(),
                    service_address: customer.address.into(),
                    kind: customer.kind,
                },
                now,
            )
            .await?;
        let login = match customer.email {
            CUSTOMER_EMAIL => Some(CUSTOMER_PASSWORD),
            SECOND_CUSTOMER_EMAIL => Some(SECOND_CUSTOMER_PASSWORD),
            THIRD_CUSTOMER_EMAIL => Some(THIRD_CUSTOMER_PASSWORD),
            _ => None,
        };
        if let Some(password) = login {
            let password = Password::parse(password).map_err(|e| CliError::Other(e.to_string()))?;
            let hash = hasher
                .hash(&password)
                .await
                .map_err(|e| CliError::Other(e.to_string()))?;
            store.create_account(customer_id, &hash, now).await?;
        }
        // Sandbox test cards, saved through the gateway like the portal does.
        let cards: &[(&str, bool)] = match customer.email {
            CUSTOMER_EMAIL => &[
                ("5555 5555 5555 4444", false),
                ("4242 4242 4242 4242", false),
            ],
            THIRD_CUSTOMER_EMAIL => &[
                ("5555 5555 5555 4444", false),
                ("4242 4242 4242 4242", true),
            ],
            _ => &[],
        };
        for &card in cards {
            add_demo_card(store, gateway, customer_id, customer.name, card, now).await?;
        }
        for &(days_ago, summary, technician, status, lines, paid_percent) in customer.visits {
            let day = today.plus_seconds(-days_ago * 86_400);
            let job_id = store
                .insert_job(
                    &NewJob {
                        customer_id,
                        scheduled_on: day,
                        summary: summary.into(),
                        technician: technician.into(),
                        status,
                    },
                    now,
                )
                .await?;
            if lines.is_empty() {
                continue;
            }
            let invoice = store
                .insert_invoice(
                    &NewInvoice {
                        customer_id,
                        job_id: Some(job_id),
                        issued_on: day,
                        due_on: day.plus_seconds(30 * 86_400),
                        lines: lines
                            .iter()
                            .map(|&(description, quantity, cents)| NewInvoiceLine {
                                description: description.into(),
                                quantity,
                                unit_price: Cents::new(cents),
                            })
                            .collect(),
                    },
                    now,
                )
                .await?;
            invoices += 1;
            let paid = Cents::new(invoice.total.get() * paid_percent / 100);
            if paid > Cents::ZERO {
                store.record_offline_payment(invoice.id, paid).await?;
            }
        }
    }
    Ok(DemoLogins {
        business,
        customers: CUSTOMERS.len(),
        invoices,
    })
}
