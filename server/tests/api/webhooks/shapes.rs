//! What a signed event may look like: every correctly signed event is acknowledged (Stripe
//! retries anything else for days), even one whose object has no id or whose metadata is null;
//! only a bad signature or a body that is no event at all is refused. A refund's own events name
//! their charge through the Refund object.

use super::{deliver, handled, invoice_paid, maria_paid_in_full, pass};
use crate::helpers::spawn_app;
use app::{
    backend::gateway::{Gateway as _, events::sign, sandbox::SignedEvent},
    domain::Cents,
};
use serde_json::json;

#[tokio::test]
async fn every_signed_event_is_acknowledged_even_one_porchlight_cannot_act_on() {
    let app = spawn_app().await;
    let shapes = [
        // Stripe's Balance object has no id.
        (
            "balance.available",
            json!({
                "object": "balance",
                "available": [{ "amount": 0, "currency": "usd", "source_types": { "card": 0 } }],
                "livemode": false,
                "pending": [{ "amount": 0, "currency": "usd" }],
            }),
        ),
        (
            "payment_intent.succeeded",
            json!({ "id": "pi_3Nabcdefgh", "object": "payment_intent", "metadata": null }),
        ),
        (
            "customer.updated",
            json!({ "id": "cus_123", "object": "customer", "metadata": null }),
        ),
        // Types Porchlight acts on, missing what it would act on.
        (
            "payment_method.updated",
            json!({ "object": "payment_method" }),
        ),
        (
            "charge.dispute.created",
            json!({ "id": "dp_123", "object": "dispute" }),
        ),
    ];
    for (kind, object) in &shapes {
        let event = app.gateway.signed_event(kind, object);
        assert_eq!(deliver(&app, &event).await, 200, "{kind}");
    }
    assert_eq!(pass(&app).await, handled(shapes.len()));

    // Refused: a signature that does not match, and signed bodies that are no event.
    let secret = app.gateway.webhook_secrets()[0].clone();
    let now = app.clock.now().unix();
    for body in [
        &b"not json"[..],
        br#"{"type":"balance.available","data":{"object":{}}}"#,
        br#"{"id":"evt_123","data":{"object":{}}}"#,
    ] {
        let event = SignedEvent {
            id: String::new(),
            signature: sign(body, &secret, now),
            body: body.to_vec(),
        };
        assert_eq!(
            deliver(&app, &event).await,
            400,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let forged = SignedEvent {
        signature: sign(b"{}", "whsec_not_the_secret", now),
        ..app.gateway.signed_event("balance.available", &shapes[0].1)
    };
    assert_eq!(deliver(&app, &forged).await, 400);
    assert_eq!(pass(&app).await, handled(0));
}

#[tokio::test]
async fn a_refund_updated_event_is_read_through_its_refunds_charge() {
    let app = spawn_app().await;
    let (maria, _, invoice, charge) = maria_paid_in_full(&app).await;
    // Refunded in the processor's dashboard; only the refund's own event is delivered.
    let _unsent = app
        .gateway
        .refund(&charge, Cents::new(30_00))
        .await
        .unwrap();
    let event = app.gateway.signed_event(
        "charge.refund.updated",
        &json!({
            "id": "re_3Nabcdefgh",
            "object": "refund",
            "amount": 30_00,
            "charge": charge,
            "status": "succeeded",
        }),
    );
    assert_eq!(deliver(&app, &event).await, 200);
    assert_eq!(pass(&app).await, handled(1));
    assert_eq!(invoice_paid(&app, maria, invoice).await, 70_00);
}
