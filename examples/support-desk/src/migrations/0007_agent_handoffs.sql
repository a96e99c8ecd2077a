-- Agent hand-offs (src/router/): a conversation the intent router gives to a person waits in an
-- agent queue. At most one hand-off per conversation waits at a time.

CREATE TABLE agent_handoffs (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  conversation_id uuid NOT NULL,
  intent text NOT NULL,
  queue text NOT NULL CHECK (queue IN ('billing', 'sales', 'customer_care')),
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting')),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX agent_handoffs_one_waiting ON agent_handoffs (conversation_id) WHERE status = 'waiting';
CREATE INDEX agent_handoffs_by_queue ON agent_handoffs (tenant_id, queue, created_at, id);

ALTER TABLE agent_handoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_handoffs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_handoffs
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON agent_handoffs TO support_desk_app;
