-- This installation's id: 128 random bits made once, when the database is created (a reset or a
-- fresh database makes a new one). It prefixes every key Porchlight sends to the payment
-- processor (payment and customer idempotency keys), so two installs sharing one processor
-- account, or one install after a reset, never replay each other's requests.

CREATE TABLE installation (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    install_id TEXT   NOT NULL CHECK (length(install_id) = 32)
);
INSERT INTO installation (id, install_id) VALUES (1, replace(gen_random_uuid()::text, '-', ''));
