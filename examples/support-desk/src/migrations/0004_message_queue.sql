-- The message queue (src/queue/): the embedded queue's messages, and what consumers have processed.
--
-- queue_messages is the embedded queue (OutboxQueue) itself: the service's own bookkeeping,
-- written and read by the schema owner only (Database.withService), so it has no tenant policy
-- and support_desk_app has no grant on it. A message's id is its key within its queue: publishing
-- the same id again changes nothing, and a processed message stays ('done') so it never comes back.
CREATE TABLE queue_messages (
  queue text NOT NULL,
  id text NOT NULL,
  seq bigserial NOT NULL,
  subject text NOT NULL,
  tenant_id uuid NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'done', 'dead')),
  deliveries integer NOT NULL DEFAULT 0 CHECK (deliveries >= 0),
  available_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_error text,
  published_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (queue, id)
);

CREATE INDEX queue_messages_ready ON queue_messages (queue, status, available_at, seq);

-- Consumer-side deduplication, for both queues: a handler's effects and the row saying it ran
-- commit in one tenant transaction, so a message delivered again (at least once) is handled once.
CREATE TABLE processed_messages (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  consumer text NOT NULL,
  message_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (consumer, message_id)
);

-- The effect of the order.placed consumer: one notification per order. Deliberately no unique
-- constraint on the order: a duplicate delivery would show here as a second row.
CREATE TABLE order_notifications (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  order_id uuid NOT NULL,
  message_id text NOT NULL,
  total_cents bigint NOT NULL CHECK (total_cents >= 0),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);

CREATE INDEX order_notifications_by_order ON order_notifications (order_id);

ALTER TABLE processed_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE processed_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON processed_messages
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE order_notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_notifications
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT ON processed_messages, order_notifications TO support_desk_app;
