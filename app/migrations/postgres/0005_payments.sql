-- Online payments (PostgreSQL). An attempt is stored, with its idempotency key, before the gateway is
-- called; a payment row exists only for an approved attempt (one per attempt).

CREATE TABLE payment_attempts (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key   TEXT   NOT NULL UNIQUE,
    customer_id       BIGINT NOT NULL REFERENCES customers (id),
    invoice_id        BIGINT NOT NULL REFERENCES invoices (id),
    payment_method_id BIGINT,
    token             TEXT   NOT NULL,
    brand             TEXT   NOT NULL,
    last4             TEXT   NOT NULL CHECK (length(last4) = 4),
    amount_cents      BIGINT NOT NULL CHECK (amount_cents > 0),
    status            TEXT   NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'failed')),
    decline_code      TEXT   NOT NULL DEFAULT '',
    reference         TEXT   NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX payment_attempts_pending ON payment_attempts (invoice_id, status);

CREATE TABLE payments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_id   BIGINT NOT NULL UNIQUE REFERENCES payment_attempts (id),
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    brand        TEXT   NOT NULL,
    last4        TEXT   NOT NULL,
    reference    TEXT   NOT NULL,
    paid_at      BIGINT NOT NULL
);
CREATE INDEX payments_by_invoice ON payments (invoice_id);
