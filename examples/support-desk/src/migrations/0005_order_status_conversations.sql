-- Order tracking and customer conversations, pushed live over the realtime endpoint (src/realtime/).
-- An order's status moves forward only (src/realtime/order-status.ts); status_version counts the
-- changes, so a client keeps the highest version it saw whatever order updates arrive in.

ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'placed'
  CHECK (status IN ('placed', 'confirmed', 'shipped', 'out_for_delivery', 'delivered', 'cancelled'));
ALTER TABLE orders ADD COLUMN status_version integer NOT NULL DEFAULT 0 CHECK (status_version >= 0);
ALTER TABLE orders ADD COLUMN status_updated_at timestamptz;

CREATE TABLE conversations (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE conversation_messages (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  conversation_id uuid NOT NULL,
  author text NOT NULL CHECK (author IN ('customer', 'assistant')),
  channel text NOT NULL CHECK (channel IN ('http', 'websocket')),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX conversation_messages_in_order ON conversation_messages (conversation_id, created_at, id);

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversations
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE conversation_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation_messages
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON conversations, conversation_messages TO support_desk_app;
