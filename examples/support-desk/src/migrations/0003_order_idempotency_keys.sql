-- Idempotency keys of POST /orders: a retried request with the same key finds the order its
-- first attempt placed instead of placing a second one. NULL keys are distinct, so orders placed
-- without a key never collide.

ALTER TABLE orders ADD COLUMN idempotency_key text;
ALTER TABLE orders ADD COLUMN request_fingerprint text;
ALTER TABLE orders ADD CONSTRAINT orders_idempotency_key UNIQUE (tenant_id, idempotency_key);
