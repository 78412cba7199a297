-- Customer portal accounts, one-time tokens, server-side sessions and throttling counters (PostgreSQL).

CREATE TABLE customer_accounts (
    customer_id       BIGINT PRIMARY KEY REFERENCES customers (id),
    password_hash     TEXT   NOT NULL,
    email_verified_at BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    last_sign_in_at   BIGINT
);

-- Invitation and password-reset tokens: only an HMAC of the token is stored.
CREATE TABLE auth_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  TEXT   NOT NULL UNIQUE,
    purpose     TEXT   NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX auth_tokens_by_customer ON auth_tokens (customer_id, purpose, created_at);

-- Sessions for customers and staff; the cookie holds a random id, the table only its hash.
CREATE TABLE sessions (
    id_hash      TEXT   PRIMARY KEY,
    customer_id  BIGINT REFERENCES customers (id),
    staff_id     BIGINT REFERENCES staff (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    CHECK ((customer_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX sessions_by_customer ON sessions (customer_id);
CREATE INDEX sessions_by_staff ON sessions (staff_id);

-- Throttling: one row per counted event (a failed login, a request from an address, ...).
CREATE TABLE throttle_events (
    bucket TEXT   NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX throttle_events_by_bucket ON throttle_events (bucket, at);
