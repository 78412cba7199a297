-- Refunds and disputes reported by the processor: a payment keeps how much of it was refunded
-- (the invoice's paid amount goes down by as much) and when it was disputed. The sandbox keeps
-- the same on its charges.

ALTER TABLE payments ADD COLUMN refunded_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN disputed_at BIGINT;
CREATE INDEX payments_by_reference ON payments (reference);

ALTER TABLE gateway_charges ADD COLUMN refunded_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE gateway_charges ADD COLUMN disputed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX gateway_charges_by_reference ON gateway_charges (reference);
