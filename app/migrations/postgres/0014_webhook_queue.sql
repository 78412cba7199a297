-- Webhook queue (PostgreSQL): a signed event is recorded with what handling needs (its type and the parsed
-- action with the one reference it names: a payment method, an attempt or a charge; never card
-- data) and answered at once; a background pass handles it from here. A pass claims an event
-- (claim, claimed_at) before acting; a claim older than the lease is taken to be abandoned (its
-- server stopped) and taken again. A failed attempt gives the event back with a later due_at.
-- Events recorded before this version and never finished kept no action: they are forgotten, so
-- the processor's next retry of them is recorded afresh.
DELETE FROM webhook_events WHERE processed_at IS NULL;
ALTER TABLE webhook_events ADD COLUMN action TEXT NOT NULL DEFAULT 'ignored';
ALTER TABLE webhook_events ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_events ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN claim TEXT;
ALTER TABLE webhook_events ADD COLUMN claimed_at BIGINT;
CREATE INDEX webhook_events_due ON webhook_events (due_at) WHERE processed_at IS NULL;

-- A card edit Porchlight is making (the expiry it asked the processor for), written before the
-- processor is called and removed when the edit is stored: the processor's own event about the
-- edit, if handled in between, is recognised as Porchlight's and not as the card network's.
CREATE TABLE card_edits (
    token      TEXT   PRIMARY KEY,
    exp_month  BIGINT NOT NULL,
    exp_year   BIGINT NOT NULL,
    started_at BIGINT NOT NULL
);
