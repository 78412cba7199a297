-- Saved payment methods and the embedded sandbox gateway's own tables (PostgreSQL).
-- No card number or security code is ever stored: only the gateway's token, brand, last 4,
-- expiry and a keyed fingerprint (HMAC of the number) for finding duplicates.

CREATE TABLE payment_methods (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    token       TEXT   NOT NULL UNIQUE,
    fingerprint TEXT   NOT NULL,
    brand       TEXT   NOT NULL,
    last4       TEXT   NOT NULL CHECK (length(last4) = 4),
    exp_month   BIGINT NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year    BIGINT NOT NULL,
    cardholder  TEXT   NOT NULL,
    zip         TEXT   NOT NULL,
    nickname    TEXT   NOT NULL DEFAULT '',
    is_primary  BIGINT NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- One card per number per customer, and at most one primary per customer.
CREATE UNIQUE INDEX payment_methods_one_per_number ON payment_methods (customer_id, fingerprint);
CREATE UNIQUE INDEX payment_methods_one_primary ON payment_methods (customer_id) WHERE is_primary = 1;

-- The sandbox gateway (a stand-in for a processor's test mode). Porchlight never reads these.
CREATE TABLE gateway_tokens (
    token       TEXT   PRIMARY KEY,
    fingerprint TEXT   NOT NULL,
    brand       TEXT   NOT NULL,
    last4       TEXT   NOT NULL,
    exp_month   BIGINT NOT NULL,
    exp_year    BIGINT NOT NULL,
    cardholder  TEXT   NOT NULL,
    zip         TEXT   NOT NULL,
    behaviour   TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    attached_at BIGINT,
    detached_at BIGINT
);

CREATE TABLE gateway_charges (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key TEXT   NOT NULL UNIQUE,
    token           TEXT   NOT NULL,
    amount_cents    BIGINT NOT NULL,
    outcome         TEXT   NOT NULL,
    reference       TEXT   NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE gateway_requests (
    ip_key     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX gateway_requests_by_ip ON gateway_requests (ip_key, created_at);
