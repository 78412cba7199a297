-- Every table that only grows until the background purge deletes from it gets an index on its
-- time column, so the purge is cheap and never scans under the write lock.
CREATE INDEX throttle_events_by_time ON throttle_events (at);
CREATE INDEX sessions_by_last_use ON sessions (last_seen_at);
CREATE INDEX sessions_by_start ON sessions (created_at);
CREATE INDEX auth_tokens_by_expiry ON auth_tokens (expires_at);
CREATE INDEX gateway_tokens_by_time ON gateway_tokens (created_at);
CREATE INDEX gateway_requests_by_time ON gateway_requests (created_at);
