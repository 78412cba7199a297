//! The gateway contract: the same expectations of every [`Gateway`], run against the embedded
//! sandbox (confirming a setup through its HTTP endpoint, as the browser does) and against the
//! Stripe gateway pointed at the fake Stripe API (confirming through the fake's stand-in for
//! Stripe.js).

use crate::fake_stripe::{
    FakeStripe, SECRET_KEY,
    refusals::{Grant, Resource},
};
use crate::helpers::{TestApp, card_form, spawn_app};
use app::{
    backend::gateway::{
        BrowserSources, CardSetup, ChargeOutcome, ChargeRequest, CustomerProfile, Decline, Gateway,
        GatewayError, Mode, ProcessorCustomer, SavedMethod,
        stripe::{ClientSettings, StripeClient, StripeGateway},
    },
    domain::{Cents, CustomerId, InstallId, card::Expiry, tokenization::ProcessorScript},
};
use std::time::Duration;

/// A client's settings for reaching `fake` quickly.
fn settings(fake: &FakeStripe) -> ClientSettings {
    ClientSettings {
        api_url: fake.url.clone(),
        timeout: Duration::from_millis(500),
        backoff: Duration::from_millis(10),
    }
}

/// Stripe.js as a Stripe deployment configures it.
fn stripe_js() -> ProcessorScript {
    ProcessorScript {
        url: "https://js.stripe.com/v3/".into(),
        publishable_key: "pk_test_contract".into(),
    }
}

/// A processor under test and the browser's way of confirming a setup with it.
enum Processor {
    Sandbox(Box<TestApp>),
    Stripe(FakeStripe, StripeGateway),
}

impl Processor {
    /// The sandbox of a fresh app, then Stripe against a fresh fake.
    async fn each() -> [Processor; 2] {
        let fake = FakeStripe::start().await;
        let client = StripeClient::new(settings(&fake), SECRET_KEY).unwrap();
        [
            Processor::Sandbox(Box::new(spawn_app().await)),
            Processor::Stripe(
                fake,
                StripeGateway::new(
                    client,
                    Mode::Test,
                    vec!["whsec_contract".into()],
                    stripe_js(),
                ),
            ),
        ]
    }

    fn gateway(&self) -> &dyn Gateway {
        match self {
            Processor::Sandbox(app) => &app.gateway,
            Processor::Stripe(_, gateway) => gateway,
        }
    }

    /// What the browser does with the card typed into the processor's fields: the HTTP status.
    async fn confirm(&self, setup: &CardSetup, number: &str) -> u16 {
        self.confirm_with_reason(setup, number).await.0
    }

    /// [`Processor::confirm`], with the reason the card was refused, if it was.
    async fn confirm_with_reason(&self, setup: &CardSetup, number: &str) -> (u16, Option<Decline>) {
        let (status, body): (u16, serde_json::Value) = match self {
            Processor::Sandbox(app) => app.confirm_setup(setup, &card_form(number)).await,
            Processor::Stripe(fake, _) => {
                let answer = reqwest::Client::new()
                    .post(format!(
                        "{}/test/setup_intents/{}/confirm",
                        fake.url, setup.id
                    ))
                    .form(&[
                        ("number", number),
                        ("exp_month", "12"),
                        ("exp_year", "2030"),
                        ("zip", "94107"),
                        ("name", "Maria Gonzalez"),
                    ])
                    .send()
                    .await
                    .unwrap();
                (answer.status().as_u16(), answer.json().await.unwrap())
            }
        };
        // Stripe's error body, or the sandbox's refusal (`{code, field, message}`).
        let error = if body["error"].is_object() {
            &body["error"]
        } else {
            &body
        };
        let reason = error["decline_code"]
            .as_str()
            .or(error["code"].as_str())
            .map(|code| match code {
                "generic_decline" | "card_declined" => Decline::Generic,
                "incorrect_cvc" => Decline::IncorrectCvc,
                other => Decline::from_code(other).unwrap_or(Decline::Generic),
            });
        (status, reason)
    }

    /// Porchlight customer `n` at the processor.
    async fn customer(&self, n: i64) -> ProcessorCustomer {
        let email = format!("customer{n}@example.com");
        let profile = CustomerProfile {
            id: CustomerId::new(n),
            name: "Maria Gonzalez",
            email: &email,
            install: &INSTALL,
        };
        self.gateway().create_customer(&profile).await.unwrap()
    }

    /// A card saved for `customer` through a confirmed setup.
    async fn save(&self, customer: &ProcessorCustomer, number: &str) -> SavedMethod {
        let setup = self.gateway().begin_setup(customer).await.unwrap();
        assert_eq!(self.confirm(&setup, number).await, 200, "{number}");
        self.gateway()
            .finish_setup(customer, &setup.id)
            .await
            .unwrap()
    }

    /// A card whose charges wait for the bank's check (Stripe's fake also checks it when saved).
    async fn save_needing_check(&self, customer: &ProcessorCustomer) -> SavedMethod {
        let number = "4000002500003155";
        let setup = self.gateway().begin_setup(customer).await.unwrap();
        assert_eq!(self.confirm(&setup, number).await, 200, "{number}");
        if let Processor::Stripe(fake, _) = self {
            let url = format!("{}/test/setup_intents/{}/authenticate", fake.url, setup.id);
            let answer = reqwest::Client::new()
                .post(url)
                .form(&[("result", "complete")])
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 200);
        }
        self.gateway()
            .finish_setup(customer, &setup.id)
            .await
            .unwrap()
    }

    /// The cardholder's answer on the bank's page (as the processor's script sends it).
    async fn answer_check(&self, charge: &str, client_secret: &str, complete: bool) {
        let result = if complete { "complete" } else { "fail" };
        let answer = match self {
            Processor::Sandbox(app) => {
                app.client
                    .post(app.url(&format!(
                        "/gateway/v1/payment_intents/{charge}/authenticate"
                    )))
                    .header("origin", &app.public_url)
                    .json(&serde_json::json!({ "client_secret": client_secret, "result": result }))
                    .send()
                    .await
            }
            Processor::Stripe(fake, _) => {
                reqwest::Client::new()
                    .post(format!(
                        "{}/test/payment_intents/{charge}/authenticate",
                        fake.url
                    ))
                    .form(&[("result", result)])
                    .send()
                    .await
            }
        };
        assert_eq!(answer.unwrap().status(), 200, "{}", self.name());
    }

    /// What the business does in the processor's dashboard: refunds part of a charge, or the
    /// cardholder's bank opens a dispute.
    async fn after_the_fact(&self, charge: &str, refund: Option<i64>) {
        match self {
            Processor::Sandbox(app) => {
                match refund {
                    Some(cents) => app.gateway.refund(charge, Cents::new(cents)).await,
                    None => app.gateway.dispute(charge).await,
                }
                .unwrap();
            }
            Processor::Stripe(fake, _) => {
                let (what, amount) = match refund {
                    Some(cents) => ("refund", cents.to_string()),
                    None => ("dispute", String::new()),
                };
                let answer = reqwest::Client::new()
                    .post(format!("{}/test/charges/{charge}/{what}", fake.url))
                    .form(&[("amount", amount)])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), 200);
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Processor::Sandbox(_) => "sandbox",
            Processor::Stripe(..) => "stripe",
        }
    }
}

fn charge<'a>(
    customer: &'a ProcessorCustomer,
    card: &'a SavedMethod,
    cents: i64,
    key: &'a str,
) -> ChargeRequest<'a> {
    ChargeRequest {
        customer,
        method: &card.method,
        amount: Cents::new(cents),
        idempotency_key: key,
        attempt: 1,
        install: &INSTALL,
    }
}

/// The installation the contract's requests come from.
static INSTALL: std::sync::LazyLock<InstallId> =
    std::sync::LazyLock::new(|| InstallId::parse("0123456789abcdef0123456789abcdef").unwrap());

#[tokio::test]
async fn the_connection_check_passes_with_good_credentials_and_fails_with_a_wrong_key() {
    for p in Processor::each().await {
        assert!(p.gateway().check().await.is_ok(), "{}", p.name());
    }
    let fake = FakeStripe::start().await;
    let client = StripeClient::new(settings(&fake), "sk_test_notTheRightKey0000").unwrap();
    let wrong = StripeGateway::new(client, Mode::Test, Vec::new(), stripe_js());
    let answer = wrong.check().await;
    assert!(
        matches!(answer, Err(GatewayError::Unavailable(_))),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_processor_customer_is_created_once_per_porchlight_customer() {
    for p in Processor::each().await {
        let first = p.customer(7).await;
        assert_eq!(p.customer(7).await, first, "{}", p.name());
        assert_ne!(p.customer(8).await, first, "{}", p.name());
    }
}

#[tokio::test]
async fn a_confirmed_setup_saves_the_card_as_display_data_and_a_fingerprint() {
    for p in Processor::each().await {
        let who = p.name();
        let maria = p.customer(1).await;
        let visa = p.save(&maria, "4242424242424242").await;
        let details = &visa.details;
        assert_eq!(details.brand.name(), "Visa", "{who}");
        assert_eq!(details.last4.as_str(), "4242", "{who}");
        assert_eq!(details.expiry.month, 12, "{who}");
        assert_eq!(details.zip, "94107", "{who}");
        assert!(!details.fingerprint.contains("4242424242424242"), "{who}");
        let again = p.save(&maria, "4242424242424242").await;
        assert_eq!(again.details.fingerprint, details.fingerprint, "{who}");
        assert_ne!(again.method, visa.method, "{who}");
        let mastercard = p.save(&maria, "5555555555554444").await;
        assert_eq!(mastercard.details.brand.name(), "Mastercard", "{who}");
        assert_ne!(mastercard.details.fingerprint, details.fingerprint, "{who}");
    }
}

#[tokio::test]
async fn a_setup_saves_nothing_for_another_customer_or_before_it_is_confirmed() {
    for p in Processor::each().await {
        let who = p.name();
        let (maria, james) = (p.customer(1).await, p.customer(2).await);
        let setup = p.gateway().begin_setup(&maria).await.unwrap();
        let early = p.gateway().finish_setup(&maria, &setup.id).await;
        assert!(
            matches!(early, Err(GatewayError::InvalidToken)),
            "{who}: {early:?}"
        );
        assert_eq!(p.confirm(&setup, "4242424242424242").await, 200, "{who}");
        let stolen = p.gateway().finish_setup(&james, &setup.id).await;
        assert!(
            matches!(stolen, Err(GatewayError::InvalidToken)),
            "{who}: {stolen:?}"
        );
        let unknown = p
            .gateway()
            .finish_setup(&maria, "seti_nonexistent0000")
            .await;
        assert!(
            matches!(unknown, Err(GatewayError::InvalidToken)),
            "{who}: {unknown:?}"
        );
        assert!(
            p.gateway().finish_setup(&maria, &setup.id).await.is_ok(),
            "{who}"
        );
    }
}

#[tokio::test]
async fn cards_refused_when_saved_never_confirm_and_say_why() {
    for p in Processor::each().await {
        let maria = p.customer(1).await;
        for (number, reason) in [
            ("4000000000000069", Decline::ExpiredCard),
            ("4000000000000127", Decline::IncorrectCvc),
            ("4000000000000119", Decline::ProcessingError),
            // Declined by the bank when the setup checks the card, as Stripe documents.
            ("4000000000000002", Decline::Generic),
            ("4000000000009995", Decline::InsufficientFunds),
            ("4000000000009987", Decline::LostCard),
            ("4000000000009979", Decline::StolenCard),
        ] {
            let setup = p.gateway().begin_setup(&maria).await.unwrap();
            assert_eq!(
                p.confirm_with_reason(&setup, number).await,
                (402, Some(reason)),
                "{}: {number}",
                p.name()
            );
            let finished = p.gateway().finish_setup(&maria, &setup.id).await;
            assert!(finished.is_err(), "{}: {number}: {finished:?}", p.name());
        }
    }
}

#[tokio::test]
async fn a_charge_happens_once_per_key_and_the_key_with_another_amount_is_refused() {
    for p in Processor::each().await {
        let who = p.name();
        let maria = p.customer(1).await;
        let visa = p.save(&maria, "4242424242424242").await;
        let first = p
            .gateway()
            .charge(&charge(&maria, &visa, 25_00, "contract-key-0000001"))
            .await
            .unwrap();
        assert!(
            matches!(first, ChargeOutcome::Approved { .. }),
            "{who}: {first:?}"
        );
        let again = p
            .gateway()
            .charge(&charge(&maria, &visa, 25_00, "contract-key-0000001"))
            .await
            .unwrap();
        assert_eq!(again, first, "{who}: a retry answers as the first try");
        let other = p
            .gateway()
            .charge(&charge(&maria, &visa, 30_00, "contract-key-0000001"))
            .await;
        assert!(
            matches!(other, Err(GatewayError::KeyReuse)),
            "{who}: {other:?}"
        );
        let next = p
            .gateway()
            .charge(&charge(&maria, &visa, 30_00, "contract-key-0000002"))
            .await
            .unwrap();
        assert_ne!(next, first, "{who}: a new key is a new charge");
    }
}

#[tokio::test]
async fn only_the_card_that_declines_on_charge_saves_and_then_every_charge_is_declined() {
    for p in Processor::each().await {
        let who = p.name();
        let maria = p.customer(1).await;
        let card = p.save(&maria, "4000000000000341").await;
        for key in ["decline-key-0000000001", "decline-key-0000000002"] {
            let outcome = p.gateway().charge(&charge(&maria, &card, 10_00, key)).await;
            assert_eq!(
                outcome.unwrap(),
                ChargeOutcome::Declined(Decline::Generic),
                "{who}: {key}"
            );
        }
    }
}

#[tokio::test]
async fn a_card_is_updated_made_the_default_and_once_detached_never_charged() {
    for p in Processor::each().await {
        let who = p.name();
        let (maria, james) = (p.customer(1).await, p.customer(2).await);
        let visa = p.save(&maria, "4242424242424242").await;
        let expiry = Expiry {
            year: 2031,
            month: 3,
        };
        let updated = p
            .gateway()
            .update(&visa.method, expiry, "10001")
            .await
            .unwrap();
        assert_eq!(
            (updated.expiry, updated.zip.as_str()),
            (expiry, "10001"),
            "{who}"
        );
        p.gateway().set_default(&maria, &visa.method).await.unwrap();
        let foreign = p.gateway().set_default(&james, &visa.method).await;
        assert!(
            matches!(foreign, Err(GatewayError::InvalidToken)),
            "{who}: {foreign:?}"
        );
        let not_hers = p
            .gateway()
            .charge(&charge(&james, &visa, 10_00, "foreign-key-00000001"))
            .await;
        assert!(
            matches!(not_hers, Err(GatewayError::InvalidToken)),
            "{who}: {not_hers:?}"
        );

        p.gateway().detach(&visa.method).await.unwrap();
        p.gateway().detach(&visa.method).await.unwrap();
        let after = p
            .gateway()
            .charge(&charge(&maria, &visa, 10_00, "detached-key-0000001"))
            .await;
        assert!(
            matches!(after, Err(GatewayError::InvalidToken)),
            "{who}: {after:?}"
        );
    }
}

#[tokio::test]
async fn a_setup_names_the_script_that_shows_the_card_form_and_pages_allow_only_its_origins() {
    for p in Processor::each().await {
        let customer = p.customer(1).await;
        let setup = p.gateway().begin_setup(&customer).await.unwrap();
        let sources = p.gateway().browser_sources();
        match p {
            Processor::Sandbox(_) => {
                assert_eq!(setup.script, ProcessorScript::sandbox());
                assert_eq!(sources, BrowserSources::default(), "sandbox: 'self' only");
            }
            Processor::Stripe(..) => {
                assert_eq!(setup.script, stripe_js());
                assert_eq!(
                    sources.script,
                    ["https://js.stripe.com", "https://*.js.stripe.com"]
                );
                assert_eq!(
                    sources.frame,
                    [
                        "https://js.stripe.com",
                        "https://*.js.stripe.com",
                        "https://hooks.stripe.com"
                    ]
                );
                assert_eq!(sources.connect, ["https://api.stripe.com"]);
            }
        }
    }
}

/// The charge waiting for the bank: its id and client secret.
fn waiting(outcome: Result<ChargeOutcome, GatewayError>, who: &str) -> (String, String) {
    match outcome {
        Ok(ChargeOutcome::RequiresAction {
            charge,
            client_secret,
        }) => (charge, client_secret),
        other => panic!("{who}: expected a charge waiting for the bank, got {other:?}"),
    }
}

#[tokio::test]
async fn a_charge_the_bank_must_confirm_waits_and_then_ends_as_the_cardholder_answered() {
    for p in Processor::each().await {
        let who = p.name();
        let maria = p.customer(1).await;
        let card = p.save_needing_check(&maria).await;
        let g = p.gateway();

        // Confirmed: approved, read by the charge's id.
        let (pi, secret) = waiting(g.charge(&charge(&maria, &card, 50_00, "3ds-a")).await, who);
        assert!(secret.starts_with(&format!("{pi}_secret_")), "{who}");
        waiting(g.charge_status(&pi).await, who);
        p.answer_check(&pi, &secret, true).await;
        assert!(
            matches!(
                g.charge_status(&pi).await,
                Ok(ChargeOutcome::Approved { .. })
            ),
            "{who}"
        );

        // Failed: declined with the bank's reason.
        let (pi, secret) = waiting(g.charge(&charge(&maria, &card, 50_00, "3ds-b")).await, who);
        p.answer_check(&pi, &secret, false).await;
        assert!(
            matches!(
                g.charge_status(&pi).await,
                Ok(ChargeOutcome::Declined(Decline::AuthenticationFailed))
            ),
            "{who}"
        );

        // Given up: canceled, never approved after; canceling twice is fine.
        let (pi, _) = waiting(g.charge(&charge(&maria, &card, 50_00, "3ds-c")).await, who);
        g.cancel_charge(&pi).await.unwrap();
        assert!(
            matches!(g.charge_status(&pi).await, Ok(ChargeOutcome::Declined(_))),
            "{who}"
        );
        g.cancel_charge(&pi).await.unwrap();
    }
}

#[tokio::test]
async fn an_approved_charge_reports_its_refunds_and_dispute() {
    for p in Processor::each().await {
        let who = p.name();
        let maria = p.customer(1).await;
        let visa = p.save(&maria, "4242424242424242").await;
        let g = p.gateway();
        let Ok(ChargeOutcome::Approved { reference }) = g
            .charge(&charge(&maria, &visa, 80_00, "refund-key-0000001"))
            .await
        else {
            panic!("{who}: expected an approval");
        };
        let fresh = g.charge_record(&reference).await.unwrap();
        assert_eq!(
            (fresh.refunded, fresh.disputed),
            (Cents::ZERO, false),
            "{who}"
        );
        p.after_the_fact(&reference, Some(30_00)).await;
        p.after_the_fact(&reference, Some(20_00)).await;
        p.after_the_fact(&reference, None).await;
        let later = g.charge_record(&reference).await.unwrap();
        assert_eq!(
            (later.refunded, later.disputed),
            (Cents::new(50_00), true),
            "{who}"
        );
    }
}

/// The permissions README's "Going live with Stripe" lists for a restricted key.
const DOCUMENTED_PERMISSIONS: [Grant; 5] = [
    Grant::Write(Resource::Customers),
    Grant::Write(Resource::SetupIntents),
    Grant::Write(Resource::PaymentMethods),
    Grant::Write(Resource::PaymentIntents),
    Grant::Read(Resource::Charges),
];

#[tokio::test]
async fn a_restricted_key_with_the_documented_permissions_passes_the_connection_check_and_every_call()
 {
    let fake = FakeStripe::start().await;
    let key = "rk_test_51RestrictedKey0000";
    fake.restricted_key(key, &DOCUMENTED_PERMISSIONS);
    let client = StripeClient::new(settings(&fake), key).unwrap();
    let p = Processor::Stripe(
        fake.clone(),
        StripeGateway::new(client, Mode::Test, Vec::new(), stripe_js()),
    );
    let g = p.gateway();
    let checked = g.check().await;
    assert!(checked.is_ok(), "Test connection: {checked:?}");

    let maria = p.customer(1).await;
    let visa = p.save(&maria, "4242424242424242").await;
    g.set_default(&maria, &visa.method).await.unwrap();
    let expiry = Expiry {
        year: 2031,
        month: 3,
    };
    g.update(&visa.method, expiry, "10001").await.unwrap();
    assert!(g.card(&visa.method).await.unwrap().is_some());
    let Ok(ChargeOutcome::Approved { reference }) = g
        .charge(&charge(&maria, &visa, 25_00, "restricted-key-000001"))
        .await
    else {
        panic!("expected an approval");
    };
    g.charge_record(&reference).await.unwrap();
    let card = p.save_needing_check(&maria).await;
    let (pi, _) = waiting(
        g.charge(&charge(&maria, &card, 50_00, "restricted-key-000002"))
            .await,
        "stripe",
    );
    waiting(g.charge_status(&pi).await, "stripe");
    g.cancel_charge(&pi).await.unwrap();
    g.detach(&visa.method).await.unwrap();

    // A key without them fails the check instead of failing at the first payment.
    let thin = "rk_test_51ThinKey00000000";
    fake.restricted_key(thin, &[Grant::Write(Resource::Customers)]);
    let client = StripeClient::new(settings(&fake), thin).unwrap();
    let thin = StripeGateway::new(client, Mode::Test, Vec::new(), stripe_js());
    assert!(matches!(
        thin.check().await,
        Err(GatewayError::Unavailable(_))
    ));
}

#[tokio::test]
async fn an_attempt_s_charge_is_found_without_creating_one_and_only_once_it_was_made() {
    for p in Processor::each().await {
        let who = p.name();
        let maria = p.customer(1).await;
        let visa = p.save(&maria, "4242424242424242").await;
        let g = p.gateway();
        let request = charge(&maria, &visa, 40_00, "find-key-000000000001");
        assert_eq!(g.find_charge(&request).await.unwrap(), None, "{who}");
        assert_eq!(
            g.find_charge(&request).await.unwrap(),
            None,
            "{who}: still none"
        );
        let made = g.charge(&request).await.unwrap();
        assert!(
            matches!(made, ChargeOutcome::Approved { .. }),
            "{who}: {made:?}"
        );
        assert_eq!(g.find_charge(&request).await.unwrap(), Some(made), "{who}");
        // Another card or amount under the same attempt is not this attempt's charge.
        let other = charge(&maria, &visa, 41_00, "find-key-000000000002");
        assert!(!matches!(g.find_charge(&other).await, Ok(Some(_))), "{who}");
    }
}
