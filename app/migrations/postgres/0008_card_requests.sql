-- "Request card on file" from the office (PostgreSQL): who asked which customer, when, and
-- whether the email was an invitation (no portal account yet). Whether a card followed is read
-- from the card history, not stored.

CREATE TABLE card_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    requested_at BIGINT NOT NULL,
    invited      BIGINT NOT NULL CHECK (invited IN (0, 1))
);
CREATE INDEX card_requests_by_customer ON card_requests (customer_id, requested_at);
