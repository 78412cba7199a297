-- Consent to keep a card on file: the business's card-on-file terms, one row per saved version
-- (older texts are kept), and on each card how its holder agreed (the terms version, or spoken
-- consent taken by the office), when, from which address and browser. The history's "added" row
-- carries the same consent.

CREATE TABLE card_terms (
    version  BIGINT PRIMARY KEY,
    body     TEXT   NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by BIGINT REFERENCES staff (id)
);

ALTER TABLE payment_methods ADD COLUMN consent_kind TEXT;
ALTER TABLE payment_methods ADD COLUMN consent_terms_version BIGINT;
ALTER TABLE payment_methods ADD COLUMN consent_at BIGINT;
ALTER TABLE payment_methods ADD COLUMN consent_ip TEXT;
ALTER TABLE payment_methods ADD COLUMN consent_user_agent TEXT;

ALTER TABLE payment_method_events ADD COLUMN consent_kind TEXT;
ALTER TABLE payment_method_events ADD COLUMN consent_terms_version BIGINT;
