use app::{
    backend::{
        Store, StoreError,
        store::{
            CustomerKind, InvoiceStatus, JobStatus, NewCustomer, NewInvoice, NewInvoiceLine, NewJob,
        },
        testing::fresh_store,
    },
    domain::{Cents, CustomerId, EmailAddress, Timestamp},
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
