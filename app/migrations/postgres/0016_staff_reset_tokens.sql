-- "Forgot password?" for office staff: one-time reset links, stored only as HMACs, like the
-- customers' (auth_tokens), but naming a staff member.
CREATE TABLE staff_reset_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  TEXT   NOT NULL UNIQUE,
    staff_id    BIGINT NOT NULL REFERENCES staff (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX staff_reset_tokens_by_staff ON staff_reset_tokens (staff_id, used_at);
CREATE INDEX staff_reset_tokens_by_expiry ON staff_reset_tokens (expires_at);
