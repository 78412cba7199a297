-- Webhooks (SQLite): each processor event is recorded once by its id, and the card history can
-- name the processor (a card updated or removed outside Porchlight) as the one who acted.

CREATE TABLE webhook_events (
    id           TEXT   PRIMARY KEY,
    kind         TEXT   NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX webhook_events_by_time ON webhook_events (received_at);

-- SQLite cannot change a CHECK constraint, so the history table is rebuilt with 'processor'.
CREATE TABLE payment_method_events_new (
    id                INTEGER PRIMARY KEY,
    customer_id       BIGINT NOT NULL REFERENCES customers (id),
    payment_method_id BIGINT,
    action            TEXT   NOT NULL CHECK (action IN ('added', 'set_primary', 'updated', 'deleted', 'used_for_payment')),
    brand             TEXT   NOT NULL,
    last4             TEXT   NOT NULL CHECK (length(last4) = 4),
    actor_kind        TEXT   NOT NULL CHECK (actor_kind IN ('customer', 'staff', 'processor')),
    actor_staff_id    BIGINT REFERENCES staff (id),
    occurred_at       BIGINT NOT NULL,
    request_id        TEXT   NOT NULL DEFAULT '',
    CHECK ((actor_kind = 'staff') = (actor_staff_id IS NOT NULL))
);
INSERT INTO payment_method_events_new
    SELECT id, customer_id, payment_method_id, action, brand, last4, actor_kind, actor_staff_id,
           occurred_at, request_id
    FROM payment_method_events;
DROP TABLE payment_method_events;
ALTER TABLE payment_method_events_new RENAME TO payment_method_events;
CREATE INDEX payment_method_events_by_customer ON payment_method_events (customer_id, occurred_at);
