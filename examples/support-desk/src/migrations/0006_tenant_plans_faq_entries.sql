-- Multi-tenant safety (src/quotas/, src/faq-entries.ts): each tenant's plan, which sets its quotas,
-- and each tenant's own FAQ knowledge-base entries, isolated by row level security like every
-- other tenant table.

ALTER TABLE tenants ADD COLUMN plan text NOT NULL DEFAULT 'starter' CHECK (plan IN ('starter', 'growth', 'enterprise'));

CREATE TABLE faq_entries (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
  keywords text[] NOT NULL CHECK (cardinality(keywords) BETWEEN 1 AND 20),
  answer text NOT NULL CHECK (length(answer) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (tenant_id, id)
);

CREATE INDEX faq_entries_by_tenant ON faq_entries (tenant_id, created_at, id);

ALTER TABLE faq_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE faq_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON faq_entries
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON faq_entries TO support_desk_app;
