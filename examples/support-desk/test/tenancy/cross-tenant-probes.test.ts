import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { assertSingleTenant, crossTenant, withTenant, type CreatedOf } from '@proving-ground/factories';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { setupServer, type SetupServer } from 'msw/node';
import { parse } from 'yaml';
import { APP_ROLE } from '../../src/database.ts';
import { DownloadLinks } from '../../src/download-links.ts';
import type { CreatedApiKey } from '../../src/api-keys.ts';
import type { OrderExport } from '../../src/exports.ts';
import { TenantQuotas } from '../../src/quotas/tenant-quotas.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { Lead, Order, Payment, Tenant, User, useSupportDesk } from '../factories/index.ts';
import { streamingChatCompletion } from '../mock-llm.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

/** Not loopback: in mock mode only the msw handler below answers it. */
const LLM_BASE_URL = 'https://llm.cross-tenant.test/v1';
const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Every operation of openapi.yaml, as `METHOD /path/{param}`. */
function specOperations(): string[] {
  const spec = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
    paths: Record<string, Partial<Record<(typeof HTTP_METHODS)[number], unknown>>>;
  };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** What tenant A owns, and what tenant B got back from its own exports. */
interface Fixture {
  tenantA: CreatedOf<typeof Tenant>;
  tenantB: CreatedOf<typeof Tenant>;
  userOfA: CreatedOf<typeof User>;
  orderOfA: CreatedOf<typeof Order>;
  leadOfA: CreatedOf<typeof Lead>;
  conversationOfA: string;
  exportOfA: OrderExport;
  exportOfB: OrderExport;
  apiKeyOfA: CreatedApiKey;
  /**
   * Ids, names and texts of tenant A: none may appear in an answer to tenant B. Not the emails: B
   * reuses them on purpose (they are free in B) and gets its own copies back.
   */
  markers: string[];
}

/**
 * A probe of one operation, acting as tenant B:
 * - `foreign`: the request names one of A's resources (`target`); it must be answered exactly as the
 *   same request naming an id nobody has (status, type, body with the id masked): a 404 that does
 *   not leak existence, never a 403 or a 409;
 * - `own`: the request acts on B's own data only (lists, creations, B's current tenant): it succeeds
 *   and its answer holds none of A's markers;
 * - `public`: no tenant header (health, metrics, tenant creation): its answer holds none of A's markers.
 */
type Probe =
  | { kind: 'foreign'; target: (f: Fixture) => string; request: (id: string, f: Fixture) => InjectOptions; status: number }
  | { kind: 'own'; request: (f: Fixture) => InjectOptions; status: number }
  | { kind: 'public'; request: (f: Fixture) => InjectOptions; status: number };

const asB = (f: Fixture): Record<string, string> => ({ [TENANT_HEADER]: f.tenantB.id });

/**
 * One probe per operation of openapi.yaml: an operation added there without a probe here fails the
 * first test below, so no endpoint ships unprobed.
 */
const PROBES: Record<string, Probe> = {
  'POST /tenants': { kind: 'public', status: 201, request: () => ({ method: 'POST', url: '/tenants', payload: { name: 'Probe C' } }) },
  'GET /tenants/current': { kind: 'own', status: 200, request: (f) => ({ method: 'GET', url: '/tenants/current', headers: asB(f) }) },
  'GET /tenants/current/quotas': {
    kind: 'own',
    status: 200,
    request: (f) => ({ method: 'GET', url: '/tenants/current/quotas', headers: asB(f) }),
  },
  'POST /tenants/current/api-keys': {
    kind: 'own',
    status: 201,
    request: (f) => ({ method: 'POST', url: '/tenants/current/api-keys', headers: asB(f), payload: { name: 'B deploy key' } }),
  },
  'GET /tenants/current/api-keys': {
    kind: 'own',
    status: 200,
    request: (f) => ({ method: 'GET', url: '/tenants/current/api-keys', headers: asB(f) }),
  },
  'DELETE /tenants/current/api-keys/{id}': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.apiKeyOfA.id,
    request: (id, f) => ({ method: 'DELETE', url: `/tenants/current/api-keys/${id}`, headers: asB(f) }),
  },
  'POST /users': {
    kind: 'own',
    status: 201,
    // A's user's email is free in B: a 409 would tell B that A has that user.
    request: (f) => ({ method: 'POST', url: '/users', headers: asB(f), payload: { email: f.userOfA.email, name: 'Same Email' } }),
  },
  'GET /users': { kind: 'own', status: 200, request: (f) => ({ method: 'GET', url: '/users', headers: asB(f) }) },
  'GET /users/{id}': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.userOfA.id,
    request: (id, f) => ({ method: 'GET', url: `/users/${id}`, headers: asB(f) }),
  },
  'POST /orders': {
    kind: 'foreign',
    status: 422,
    target: (f) => f.userOfA.id,
    request: (id, f) => {
      // Built on purpose across tenants: B's order for A's user (withTenant alone refuses to build it).
      const user = id === f.userOfA.id ? f.userOfA : id;
      const intruder = crossTenant(() => withTenant(f.tenantB, () => Order.build({ userId: user })));
      return {
        method: 'POST',
        url: '/orders',
        headers: asB(f),
        payload: { userId: intruder.userId, currency: intruder.currency, lines: intruder.lines },
      };
    },
  },
  'GET /orders': { kind: 'own', status: 200, request: (f) => ({ method: 'GET', url: '/orders', headers: asB(f) }) },
  'POST /orders/export': { kind: 'own', status: 201, request: (f) => ({ method: 'POST', url: '/orders/export', headers: asB(f) }) },
  'GET /exports/{id}': {
    kind: 'foreign',
    status: 403,
    target: (f) => f.exportOfA.id,
    // B's own signed link, pointed at A's export: the link names the export it was signed for.
    request: (id, f) => ({ method: 'GET', url: f.exportOfB.download.url.replace(f.exportOfB.id, id) }),
  },
  'GET /health': { kind: 'public', status: 200, request: () => ({ method: 'GET', url: '/health' }) },
  'GET /metrics': { kind: 'public', status: 200, request: () => ({ method: 'GET', url: '/metrics' }) },
  'GET /orders/{id}': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.orderOfA.id,
    request: (id, f) => ({ method: 'GET', url: `/orders/${id}`, headers: asB(f) }),
  },
  'GET /orders/{id}/status': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.orderOfA.id,
    request: (id, f) => ({ method: 'GET', url: `/orders/${id}/status`, headers: asB(f) }),
  },
  'POST /orders/{id}/status': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.orderOfA.id,
    request: (id, f) => ({ method: 'POST', url: `/orders/${id}/status`, headers: asB(f), payload: { status: 'cancelled' } }),
  },
  'POST /conversations': {
    kind: 'foreign',
    status: 422,
    target: (f) => f.userOfA.id,
    request: (id, f) => ({ method: 'POST', url: '/conversations', headers: asB(f), payload: { userId: id } }),
  },
  'POST /conversations/{id}/messages': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.conversationOfA,
    request: (id, f) => ({ method: 'POST', url: `/conversations/${id}/messages`, headers: asB(f), payload: { text: 'Hello?' } }),
  },
  'GET /conversations/{id}/messages': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.conversationOfA,
    request: (id, f) => ({ method: 'GET', url: `/conversations/${id}/messages`, headers: asB(f) }),
  },
  'POST /conversations/{id}/route': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.conversationOfA,
    request: (id, f) => ({ method: 'POST', url: `/conversations/${id}/route`, headers: asB(f), payload: { text: 'I want a human.' } }),
  },
  'GET /handoffs': { kind: 'own', status: 200, request: (f) => ({ method: 'GET', url: '/handoffs', headers: asB(f) }) },
  'POST /orders/{id}/payments': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.orderOfA.id,
    request: (id, f) => ({ method: 'POST', url: `/orders/${id}/payments`, headers: asB(f), payload: { token: 'tok_visa' } }),
  },
  'GET /orders/{id}/payments': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.orderOfA.id,
    request: (id, f) => ({ method: 'GET', url: `/orders/${id}/payments`, headers: asB(f) }),
  },
  'POST /leads': {
    kind: 'own',
    status: 201,
    request: (f) => ({
      method: 'POST',
      url: '/leads',
      headers: asB(f),
      payload: { email: f.leadOfA.email, name: 'Same Lead', source: 'web' },
    }),
  },
  'GET /leads': { kind: 'own', status: 200, request: (f) => ({ method: 'GET', url: '/leads', headers: asB(f) }) },
  'GET /leads/{id}': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.leadOfA.id,
    request: (id, f) => ({ method: 'GET', url: `/leads/${id}`, headers: asB(f) }),
  },
  'PATCH /leads/{id}': {
    kind: 'foreign',
    status: 404,
    target: (f) => f.leadOfA.id,
    request: (id, f) => ({ method: 'PATCH', url: `/leads/${id}`, headers: asB(f), payload: { status: 'lost' } }),
  },
  'POST /faq/entries': {
    kind: 'own',
    status: 201,
    request: (f) => ({
      method: 'POST',
      url: '/faq/entries',
      headers: asB(f),
      payload: { question: 'Do you gift-wrap?', keywords: ['gift'], answer: 'Yes, for free.' },
    }),
  },
  'GET /faq/entries': { kind: 'own', status: 200, request: (f) => ({ method: 'GET', url: '/faq/entries', headers: asB(f) }) },
  'POST /faq': {
    kind: 'own',
    status: 200,
    // The question matches A's entry word for word: neither the prompt nor the answer may carry it.
    request: (f) => ({
      method: 'POST',
      url: '/faq',
      headers: { ...asB(f), accept: 'application/json' },
      payload: { question: 'Where is the zeppelin hangar?' },
    }),
  },
};

/** `text` with every occurrence of `id` replaced, so two answers naming different ids compare equal. */
function masked(response: LightMyRequestResponse, id: string): { status: number; type: string | undefined; body: string } {
  return {
    status: response.statusCode,
    type: response.headers['content-type'],
    body: response.body.replaceAll(id, '<id>'),
  };
}

function leakedMarkers(text: string, markers: readonly string[]): string[] {
  return markers.filter((marker) => text.includes(marker));
}

describe('cross-tenant probes', () => {
  const directory = mkdtempSync(join(tmpdir(), 'support-desk-probes-'));
  const prompts: unknown[] = [];
  let msw: SetupServer;
  let desk: RunningSupportDesk;
  let f: Fixture;

  beforeAll(async () => {
    msw = setupServer(streamingChatCompletion(LLM_BASE_URL, { pieces: ['Ask ', 'an agent.'] }, prompts));
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    desk = await startSupportDesk({
      llm: { baseURL: LLM_BASE_URL, apiKey: 'test-key', maxRetries: 0 },
      exports: { directory, links: new DownloadLinks({ secret: randomBytes(32) }) },
      // Limits far above what the probes send: this file is about isolation, not rate limits.
      quotas: new TenantQuotas({ limits: { starter: { ordersPerDay: 1_000, requestsPerSecond: 1_000, burst: 1_000 } } }),
    });
    useSupportDesk(desk);
    const tenantA = await Tenant.create({ name: `Zeppelin Works ${randomUUID().slice(0, 8)}` });
    const tenantB = await Tenant.create();
    // Every row of A's graph is created inside A's scope, checked by the factories to stay in A.
    const { userOfA, orderOfA, leadOfA } = await withTenant(tenantA, async () => {
      const user = await User.create();
      const order = await Order.create({ userId: user, lines: [{ sku: 'ZEPPELIN-SECRET', quantity: 2, unitPriceCents: 4242 }] });
      await Payment.create({ orderId: order, amountCents: 100 }, { traits: ['declined'] });
      return { userOfA: user, orderOfA: order, leadOfA: await Lead.create({ name: 'Zelda Zeppelin' }, { traits: ['qualified'] }) };
    });
    assertSingleTenant([userOfA, orderOfA, leadOfA], tenantA.id);
    const asA = { [TENANT_HEADER]: tenantA.id };
    const conversation = await desk.app.inject({ method: 'POST', url: '/conversations', headers: asA, payload: { userId: userOfA.id } });
    const entry = await desk.app.inject({
      method: 'POST',
      url: '/faq/entries',
      headers: asA,
      payload: { question: 'Where is the zeppelin hangar?', keywords: ['zeppelin', 'hangar'], answer: 'Hangar 7, gate ZULU-ONLY.' },
    });
    const apiKeyOfA = (
      await desk.app.inject({ method: 'POST', url: '/tenants/current/api-keys', headers: asA, payload: { name: 'A production key' } })
    ).json<CreatedApiKey>();
    const exportOfA = (await desk.app.inject({ method: 'POST', url: '/orders/export', headers: asA })).json<OrderExport>();
    const exportOfB = (
      await desk.app.inject({ method: 'POST', url: '/orders/export', headers: { [TENANT_HEADER]: tenantB.id } })
    ).json<OrderExport>();
    if (conversation.statusCode !== 201 || entry.statusCode !== 201) {
      throw new Error(`Failed to set up tenant A: ${conversation.body} ${entry.body}`);
    }
    const conversationOfA = conversation.json<{ id: string }>().id;
    f = {
      tenantA,
      tenantB,
      userOfA,
      orderOfA,
      leadOfA,
      conversationOfA,
      exportOfA,
      exportOfB,
      apiKeyOfA,
      markers: [
        apiKeyOfA.id,
        apiKeyOfA.key,
        'A production key',
        tenantA.id,
        tenantA.name,
        userOfA.id,
        userOfA.name,
        orderOfA.id,
        'ZEPPELIN-SECRET',
        leadOfA.id,
        'Zelda Zeppelin',
        conversationOfA,
        entry.json<{ id: string }>().id,
        'ZULU-ONLY',
        exportOfA.id,
      ],
    };
  });

  afterAll(async () => {
    await desk?.close();
    msw?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** What tenant A sees of its own data, to show the probes changed none of it. */
  async function viewOfA(): Promise<string[]> {
    const asA = { [TENANT_HEADER]: f.tenantA.id };
    const urls = ['/users', '/orders', `/orders/${f.orderOfA.id}`, `/orders/${f.orderOfA.id}/status`, `/orders/${f.orderOfA.id}/payments`];
    const more = ['/tenants/current/api-keys', '/leads', '/faq/entries', `/conversations/${f.conversationOfA}/messages`];
    const answers = await Promise.all([...urls, ...more].map((url) => desk.app.inject({ method: 'GET', url, headers: asA })));
    return answers.map((answer) => `${answer.statusCode} ${answer.body}`);
  }

  it('should have a probe for every operation of openapi.yaml, and none for an operation it does not have', () => {
    expect(Object.keys(PROBES).toSorted()).toEqual(specOperations().toSorted());
  });

  it("should answer tenant B about each of A's resources exactly as about one that does not exist", async () => {
    const before = await viewOfA();
    const results: Record<string, unknown> = {};
    for (const [operation, probe] of Object.entries(PROBES)) {
      if (probe.kind !== 'foreign') continue;
      const target = probe.target(f);
      const absent = randomUUID();
      const foreign = await desk.app.inject(probe.request(target, f));
      const missing = await desk.app.inject(probe.request(absent, f));
      const seen = masked(foreign, target);
      results[operation] = {
        status: seen.status,
        problem: /problem\+json/.test(seen.type ?? ''),
        sameAsMissing: JSON.stringify(seen) === JSON.stringify(masked(missing, absent)),
        leaked: leakedMarkers(seen.body, f.markers),
      };
    }

    expect(results).toEqual(
      Object.fromEntries(
        Object.entries(PROBES)
          .filter(([, probe]) => probe.kind === 'foreign')
          .map(([operation, probe]) => [operation, { status: probe.status, problem: true, sameAsMissing: true, leaked: [] }]),
      ),
    );
    expect(await viewOfA()).toEqual(before);
  });

  it('should show tenant B only its own data on every list, creation and tenantless route, whatever it asks', async () => {
    const before = await viewOfA();
    const results: Record<string, unknown> = {};
    for (const [operation, probe] of Object.entries(PROBES)) {
      if (probe.kind === 'foreign') continue;
      const answer = await desk.app.inject(probe.request(f));
      results[operation] = { status: answer.statusCode, leaked: leakedMarkers(answer.body, f.markers) };
    }
    const prompt = JSON.stringify(prompts);

    expect(results).toEqual(
      Object.fromEntries(
        Object.entries(PROBES)
          .filter(([, probe]) => probe.kind !== 'foreign')
          .map(([operation, probe]) => [operation, { status: probe.status, leaked: [] }]),
      ),
    );
    // The chat model was asked for B with B's knowledge base: the shared entries, none of A's.
    expect(prompts).toHaveLength(1);
    expect(leakedMarkers(prompt, f.markers)).toEqual([]);
    expect(prompt).toContain('Refunds are available within 30 days');
    expect(await viewOfA()).toEqual(before);
  });

  it("should refuse A's API key for B, a key forged for B with A's secret, and accept A's key for A alone", async () => {
    const secretOfA = f.apiKeyOfA.key.split('_').slice(2).join('_');
    const forged = `sdk_${f.tenantB.id.replaceAll('-', '')}_${secretOfA}`;
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const answers = await Promise.all([
      desk.app.inject({ method: 'GET', url: '/orders', headers: { ...asB(f), ...bearer(f.apiKeyOfA.key) } }),
      desk.app.inject({ method: 'GET', url: '/orders', headers: bearer(forged) }),
      desk.app.inject({ method: 'GET', url: '/orders', headers: { ...asB(f), authorization: 'Bearer not-a-key' } }),
      desk.app.inject({ method: 'GET', url: `/orders/${f.orderOfA.id}`, headers: bearer(f.apiKeyOfA.key) }),
    ]);

    expect(answers.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 200]);
    for (const refused of answers.slice(0, 3)) {
      expect(refused.json()).toMatchObject({ type: 'https://support-desk.example/problems/invalid-credentials' });
      expect(leakedMarkers(refused.body, f.markers)).toEqual([]);
    }
  });

  it("should download tenant B's export without any of A's orders", async () => {
    const download = await desk.app.inject({ method: 'GET', url: f.exportOfB.download.url });
    const ofA = await desk.app.inject({ method: 'GET', url: f.exportOfA.download.url });

    expect(download.statusCode).toBe(200);
    expect(leakedMarkers(download.body, f.markers)).toEqual([]);
    expect(ofA.body).toContain(f.orderOfA.id);
  });
});

describe('row level security under queries that forget the tenant', () => {
  let desk: RunningSupportDesk;
  let tenantA: CreatedOf<typeof Tenant>;
  let tenantB: CreatedOf<typeof Tenant>;

  beforeAll(async () => {
    desk = await startSupportDesk();
    useSupportDesk(desk);
    [tenantA, tenantB] = (await Tenant.createList(2)) as [CreatedOf<typeof Tenant>, CreatedOf<typeof Tenant>];
    await withTenant(tenantA, async () => {
      const order = await Order.create();
      await Payment.create({ orderId: order, amountCents: 100 });
      await Lead.create();
    });
    await withTenant(tenantB, () => User.create());
    await desk.app.inject({
      method: 'POST',
      url: '/faq/entries',
      headers: { [TENANT_HEADER]: tenantA.id },
      payload: { question: 'Secret?', keywords: ['secret'], answer: 'Only for A.' },
    });
  });

  afterAll(async () => {
    await desk?.close();
  });

  /** Every table with a tenant column (and `tenants` itself), found in the catalog: a new table is probed too. */
  async function tenantTables(): Promise<{ table: string; column: string; rls: boolean; forced: boolean; appMayRead: boolean }[]> {
    // The catalog is readable by every role: the app role's own view of it is what counts.
    return desk.database.withTenant(tenantB.id, async (sql) => {
      const found = await sql.query<{ table: string; column: string; rls: boolean; forced: boolean; appMayRead: boolean }>(
        `SELECT c.relname AS table, a.attname AS column, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                has_table_privilege($1, c.oid, 'SELECT') AS "appMayRead"
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          WHERE c.relkind = 'r' AND ((c.relname = 'tenants' AND a.attname = 'id') OR a.attname = 'tenant_id')
          ORDER BY c.relname`,
        [APP_ROLE],
      );
      return found.rows;
    });
  }

  it('should force row level security on every table the app role can read that holds tenant rows', async () => {
    const tables = await tenantTables();

    expect(tables.length).toBeGreaterThanOrEqual(10);
    expect(tables.filter((table) => table.appMayRead && !(table.rls && table.forced)).map((table) => table.table)).toEqual([]);
  });

  it("should return none of A's rows to tenant B from a query on any tenant table that names A outright", async () => {
    const tables = (await tenantTables()).filter((table) => table.appMayRead);
    const count = (tenantId: string, table: { table: string; column: string }) =>
      desk.database.withTenant(tenantId, async (sql) => {
        const found = await sql.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table.table} WHERE ${table.column} = $1`, [
          tenantA.id,
        ]);
        return found.rows[0]!.n;
      });
    const seenByB: Record<string, number> = {};
    const seenByA: Record<string, number> = {};
    for (const table of tables) {
      seenByB[table.table] = await count(tenantB.id, table);
      seenByA[table.table] = await count(tenantA.id, table);
    }

    expect(Object.values(seenByB).every((n) => n === 0)).toBe(true);
    // The probe is not vacuous: A has rows in these tables, which A itself sees.
    expect(seenByA).toMatchObject({ tenants: 1, users: 1, orders: 1, order_lines: 2, payments: 1, leads: 1, faq_entries: 1 });
  });

  it("should neither update nor delete A's rows from B with statements that have no WHERE clause", async () => {
    const changed = await desk.database.withTenant(tenantB.id, async (sql) => ({
      leads: (await sql.query("UPDATE leads SET status = 'lost'")).rowCount,
      faq: (await sql.query('DELETE FROM faq_entries')).rowCount,
      payments: (await sql.query('DELETE FROM payments')).rowCount,
    }));
    const stillThere = await desk.database.withTenant(tenantA.id, async (sql) => ({
      leads: (await sql.query("SELECT 1 FROM leads WHERE status <> 'lost'")).rowCount,
      faq: (await sql.query('SELECT 1 FROM faq_entries')).rowCount,
      payments: (await sql.query('SELECT 1 FROM payments')).rowCount,
    }));

    expect(changed).toEqual({ leads: 0, faq: 0, payments: 0 });
    expect(stillThere).toEqual({ leads: 1, faq: 1, payments: 1 });
  });

  it("should refuse a tenant B transaction that writes a row into A's knowledge base", async () => {
    const write = desk.database.withTenant(tenantB.id, (sql) =>
      sql.query("INSERT INTO faq_entries (tenant_id, question, keywords, answer) VALUES ($1, 'Q', '{q}', 'A')", [tenantA.id]),
    );

    await expect(write).rejects.toThrow('new row violates row-level security policy for table "faq_entries"');
  });
});
