-- Phone digits for partial phone search; lower-cased names for case-insensitive search.
ALTER TABLE customers ADD COLUMN phone_digits TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN name_lower TEXT NOT NULL DEFAULT '';
UPDATE customers SET name_lower = lower(name);
CREATE INDEX customers_by_name ON customers (name_lower);
