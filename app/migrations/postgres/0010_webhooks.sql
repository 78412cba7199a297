-- Webhooks (PostgreSQL): each processor event is recorded once by its id, and the card history
-- can name the processor (a card updated or removed outside Porchlight) as the one who acted.

CREATE TABLE webhook_events (
    id           TEXT   PRIMARY KEY,
    kind         TEXT   NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX webhook_events_by_time ON webhook_events (received_at);

ALTER TABLE payment_method_events DROP CONSTRAINT payment_method_events_actor_kind_check;
ALTER TABLE payment_method_events ADD CONSTRAINT payment_method_events_actor_kind_check
    CHECK (actor_kind IN ('customer', 'staff', 'processor'));
