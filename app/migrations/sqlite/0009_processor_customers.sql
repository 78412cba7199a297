-- Processor-shaped cards: each customer's record at the payment processor (one per processor
-- account: the sandbox, a Stripe test account, a Stripe live account), and the sandbox's own
-- customers and card setups (shaped like Stripe's Customers and SetupIntents).

CREATE TABLE processor_customers (
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    account     TEXT   NOT NULL,
    reference   TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (customer_id, account)
);

-- The sandbox gateway (a stand-in for a processor's test mode). Porchlight never reads these.
CREATE TABLE gateway_customers (
    id              TEXT   PRIMARY KEY,
    idempotency_key TEXT   NOT NULL UNIQUE,
    email           TEXT   NOT NULL,
    default_method  TEXT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE gateway_setups (
    id            TEXT   PRIMARY KEY,
    secret_hash   TEXT   NOT NULL,
    customer      TEXT   NOT NULL,
    token         TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX gateway_setups_by_time ON gateway_setups (created_at);

-- The customer a card token was saved for (NULL for tokens saved before this migration).
ALTER TABLE gateway_tokens ADD COLUMN customer TEXT;
