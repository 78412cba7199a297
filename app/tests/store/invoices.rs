use app::{
    backend::{
        Store, StoreError,
        store::{
            AttemptDetails, AttemptResult, CustomerKind, InvoiceStatus, JobStatus, NewCustomer,
            NewInvoice, NewInvoiceLine, NewJob, ReserveError,
        },
        testing::fresh_store,
    },
    domain::{
        Cents, CustomerId, EmailAddress, InvoiceId, Timestamp,
        card::{Brand, Last4, MaskedCard},
        tokenization::PaymentToken,
    },
};

const NOW: Timestamp = Timestamp::from_unix(1_790_000_000);

async fn customer(store: &Store) -> CustomerId {
    let new = NewCustomer {
        name: "Riverside Dental".into(),
        email: EmailAddress::parse("office@riverside.example").unwrap(),
        phone: String::new(),
        service_address: String::new(),
        kind: CustomerKind::Commercial,
    };
    store.insert_customer(&new, NOW).await.unwrap()
}

fn invoice(customer_id: CustomerId, lines: &[(i64, i64)]) -> NewInvoice {
    NewInvoice {
        customer_id,
        job_id: None,
        issued_on: NOW,
        due_on: NOW.plus_seconds(30 * 86_400),
        lines: lines
            .iter()
            .map(|&(quantity, cents)| NewInvoiceLine {
                description: "Work".into(),
                quantity,
                unit_price: Cents::new(cents),
            })
            .collect(),
    }
}

#[tokio::test]
async fn an_invoice_total_is_the_sum_of_its_lines_and_it_gets_a_number() {
    let (store, _) = fresh_store().await;
    let customer_id = customer(&store).await;
    let created = store
        .insert_invoice(&invoice(customer_id, &[(2, 240_00), (8, 18_75)]), NOW)
        .await
        .unwrap();
    assert_eq!(created.total, Cents::new(630_00));
    assert_eq!(created.status(), InvoiceStatus::Open);
    let listed = store.invoices_for_customer(customer_id).await.unwrap();
    assert_eq!(listed, vec![created.clone()]);
    assert!(created.number.starts_with("INV-"), "{}", created.number);
}

#[tokio::test]
async fn one_invoice_is_read_only_for_the_customer_it_belongs_to() {
    let (store, _) = fresh_store().await;
    let owner = customer(&store).await;
    let other = store
        .insert_customer(
            &NewCustomer {
                name: "Someone Else".into(),
                email: EmailAddress::parse("else@example.com").unwrap(),
                phone: String::new(),
                service_address: String::new(),
                kind: CustomerKind::Residential,
            },
            NOW,
        )
        .await
        .unwrap();
    let created = store
        .insert_invoice(&invoice(owner, &[(1, 50_00)]), NOW)
        .await
        .unwrap();
    assert_eq!(
        store.invoice_for_customer(owner, created.id).await.unwrap(),
        created
    );
    assert!(matches!(
        store.invoice_for_customer(other, created.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .invoice_for_customer(owner, InvoiceId::new(created.id.get() + 1))
            .await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn invoice_numbers_are_distinct() {
    let (store, _) = fresh_store().await;
    let customer_id = customer(&store).await;
    let a = store
        .insert_invoice(&invoice(customer_id, &[(1, 100)]), NOW)
        .await
        .unwrap();
    let b = store
        .insert_invoice(&invoice(customer_id, &[(1, 100)]), NOW)
        .await
        .unwrap();
    assert_ne!(a.number, b.number);
}

#[tokio::test]
async fn payments_move_the_status_and_can_never_overpay() {
    let (store, _) = fresh_store().await;
    let customer_id = customer(&store).await;
    let inv = store
        .insert_invoice(&invoice(customer_id, &[(1, 100_00)]), NOW)
        .await
        .unwrap();
    store
        .record_offline_payment(inv.id, Cents::new(40_00))
        .await
        .unwrap();
    let over = store
        .record_offline_payment(inv.id, Cents::new(60_01))
        .await;
    assert!(matches!(over, Err(StoreError::NotFound)), "{over:?}");
    let now = &store.invoices_for_customer(customer_id).await.unwrap()[0];
    assert_eq!(
        (now.status(), now.balance()),
        (InvoiceStatus::PartiallyPaid, Cents::new(60_00))
    );
    store
        .record_offline_payment(inv.id, Cents::new(60_00))
        .await
        .unwrap();
    let paid = &store.invoices_for_customer(customer_id).await.unwrap()[0];
    assert_eq!(
        (paid.status(), paid.balance()),
        (InvoiceStatus::Paid, Cents::ZERO)
    );
}

#[tokio::test]
async fn concurrent_payments_never_take_the_balance_below_zero() {
    let (store, _) = fresh_store().await;
    let customer_id = customer(&store).await;
    let inv = store
        .insert_invoice(&invoice(customer_id, &[(1, 100_00)]), NOW)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .record_offline_payment(inv.id, Cents::new(100_00))
                    .await
            })
        })
        .collect();
    let mut succeeded = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            succeeded += 1;
        }
    }
    assert_eq!(succeeded, 1);
    assert_eq!(
        store.invoices_for_customer(customer_id).await.unwrap()[0].balance(),
        Cents::ZERO
    );
}

#[tokio::test]
async fn jobs_are_listed_newest_first() {
    let (store, _) = fresh_store().await;
    let customer_id = customer(&store).await;
    for (days, summary) in [(10, "older"), (1, "newer")] {
        let job = NewJob {
            customer_id,
            scheduled_on: NOW.plus_seconds(-days * 86_400),
            summary: summary.into(),
            technician: "Dave".into(),
            status: JobStatus::Completed,
        };
        store.insert_job(&job, NOW).await.unwrap();
    }
    let jobs = store.jobs_for_customer(customer_id).await.unwrap();
    let summaries: Vec<_> = jobs.iter().map(|j| j.summary.as_str()).collect();
    assert_eq!(summaries, ["newer", "older"]);
}

fn attempt(
    customer_id: CustomerId,
    invoice_id: InvoiceId,
    key: &str,
    cents: i64,
) -> AttemptDetails {
    AttemptDetails {
        key: key.into(),
        customer_id,
        invoice_id,
        payment_method_id: None,
        token: PaymentToken::parse("tok_abcdefghijklmnop").unwrap(),
        card: MaskedCard {
            brand: Brand::Visa,
            last4: Last4::try_from("4242".to_owned()).unwrap(),
        },
        amount: Cents::new(cents),
    }
}

#[tokio::test]
async fn an_invoice_cannot_be_voided_while_a_payment_on_it_is_in_progress() {
    let (store, _) = fresh_store().await;
    let customer_id = customer(&store).await;
    let inv = store
        .insert_invoice(&invoice(customer_id, &[(1, 100_00)]), NOW)
        .await
        .unwrap();
    let pending = store
        .reserve_attempt(&attempt(customer_id, inv.id, "key-1", 100_00), NOW)
        .await
        .unwrap()
        .attempt;
    let refused = store.void_invoice(customer_id, inv.id).await;
    assert!(
        matches!(refused, Err(StoreError::PaymentInProgress)),
        "{refused:?}"
    );
    assert!(!store.invoices_for_customer(customer_id).await.unwrap()[0].voided);

    // Once the processor has answered (declined here), the invoice can be voided, and then a
    // retry under the same key takes no money.
    store
        .finish_attempt(
            &pending,
            &AttemptResult::Declined("card_declined".into()),
            NOW,
            "",
        )
        .await
        .unwrap();
    store.void_invoice(customer_id, inv.id).await.unwrap();
    let retry = store
        .reserve_attempt(&attempt(customer_id, inv.id, "key-1", 100_00), NOW)
        .await;
    assert!(matches!(retry, Err(ReserveError::Void)), "{retry:?}");
    let void = &store.invoices_for_customer(customer_id).await.unwrap()[0];
    assert_eq!((void.voided, void.paid), (true, Cents::ZERO));
}
