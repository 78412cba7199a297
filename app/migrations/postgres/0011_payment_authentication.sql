-- 3-D Secure: a payment the card's bank must confirm keeps the processor's charge id, so its
-- outcome is read from the processor (not by replaying the creating request, whose answer the
-- processor keeps as it first was).

ALTER TABLE payment_attempts ADD COLUMN processor_charge TEXT;
