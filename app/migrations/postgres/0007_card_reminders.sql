-- Expiry reminders (PostgreSQL): one row per card, expiry date and reminder, claimed before the email is
-- sent and marked sent after, so several servers on one database send each reminder once.
-- A claim that was never marked sent (the server stopped in between) may be taken again after
-- a while. Rows of a deleted card are deleted with it.

CREATE TABLE card_reminders (
    payment_method_id BIGINT NOT NULL,
    exp_year          BIGINT NOT NULL,
    exp_month         BIGINT NOT NULL,
    kind              TEXT   NOT NULL CHECK (kind IN ('expires_soon', 'expired')),
    claimed_at        BIGINT NOT NULL,
    sent_at           BIGINT,
    PRIMARY KEY (payment_method_id, exp_year, exp_month, kind)
);
