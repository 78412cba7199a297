-- Porchlight's first schema (PostgreSQL). Flags and timestamps are BIGINT (0/1, Unix seconds) so the
-- same queries decode on SQLite and PostgreSQL through sqlx's Any driver. Money is integer cents.

CREATE TABLE staff (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'accountant')),
    password_hash TEXT    NOT NULL,
    disabled      BIGINT  NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    BIGINT  NOT NULL
);

CREATE TABLE settings (
    id                      BIGINT PRIMARY KEY CHECK (id = 1),
    online_payments_enabled BIGINT NOT NULL DEFAULT 0 CHECK (online_payments_enabled IN (0, 1)),
    saved_payments_enabled  BIGINT NOT NULL DEFAULT 0 CHECK (saved_payments_enabled IN (0, 1)),
    business_name           TEXT   NOT NULL,
    reply_to_email          TEXT   NOT NULL DEFAULT '',
    updated_at              BIGINT NOT NULL
);
INSERT INTO settings (id, business_name, updated_at) VALUES (1, 'Your Business', 0);

CREATE TABLE settings_audit (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id   BIGINT REFERENCES staff (id),
    changed_at BIGINT NOT NULL,
    setting    TEXT   NOT NULL,
    old_value  TEXT   NOT NULL,
    new_value  TEXT   NOT NULL
);

CREATE TABLE customers (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT   NOT NULL,
    email           TEXT   NOT NULL UNIQUE,
    phone           TEXT   NOT NULL DEFAULT '',
    service_address TEXT   NOT NULL DEFAULT '',
    kind            TEXT   NOT NULL CHECK (kind IN ('residential', 'commercial')),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    scheduled_on BIGINT NOT NULL,
    summary      TEXT   NOT NULL,
    technician   TEXT   NOT NULL DEFAULT '',
    status       TEXT   NOT NULL CHECK (status IN ('scheduled', 'completed', 'cancelled')),
    created_at   BIGINT NOT NULL
);
CREATE INDEX jobs_by_customer ON jobs (customer_id, scheduled_on);

CREATE TABLE invoices (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    job_id      BIGINT REFERENCES jobs (id),
    number      TEXT   NOT NULL UNIQUE,
    issued_on   BIGINT NOT NULL,
    due_on      BIGINT NOT NULL,
    total_cents BIGINT NOT NULL CHECK (total_cents >= 0),
    paid_cents  BIGINT NOT NULL DEFAULT 0 CHECK (paid_cents >= 0 AND paid_cents <= total_cents),
    voided      BIGINT NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    created_at  BIGINT NOT NULL
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, issued_on);

CREATE TABLE invoice_lines (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id       BIGINT NOT NULL REFERENCES invoices (id),
    position         BIGINT NOT NULL,
    description      TEXT   NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_cents BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    UNIQUE (invoice_id, position)
);

-- Append-only history of a customer's payment methods, shown by the office's "View History".
-- Written by the saved-cards feature; brand and last 4 are copied so history outlives the card.
CREATE TABLE payment_method_events (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id       BIGINT NOT NULL REFERENCES customers (id),
    payment_method_id BIGINT,
    action            TEXT   NOT NULL CHECK (action IN ('added', 'set_primary', 'updated', 'deleted', 'used_for_payment')),
    brand             TEXT   NOT NULL,
    last4             TEXT   NOT NULL CHECK (length(last4) = 4),
    actor_kind        TEXT   NOT NULL CHECK (actor_kind IN ('customer', 'staff')),
    actor_staff_id    BIGINT REFERENCES staff (id),
    occurred_at       BIGINT NOT NULL,
    request_id        TEXT   NOT NULL DEFAULT '',
    CHECK ((actor_kind = 'staff') = (actor_staff_id IS NOT NULL))
);
CREATE INDEX payment_method_events_by_customer ON payment_method_events (customer_id, occurred_at);
