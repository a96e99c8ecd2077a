import { checkResponse, loadApiSpec, type ApiSpec } from '@proving-ground/contract-helpers';
import { postgresService } from '@proving-ground/test-modes';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppLoggerOptions } from '../src/app.ts';
import { deskHttpClient, type DeskRequest, type DeskResponse } from './desk-http.ts';
import { openDatabase, type Database } from '../src/database.ts';
import type { ExportOptions } from '../src/exports.ts';
import { FaqAssistant, type FaqAssistantOptions } from '../src/faq.ts';
import { PaymentsProvider, type PaymentsProviderOptions } from '../src/payments-provider.ts';
import type { ServiceObservability } from '../src/observability/service-observability.ts';
import type { CreateOrderBody, Order } from '../src/orders.ts';
import type { MessageQueue } from '../src/queue/message-queue.ts';
import type { TenantQuotas } from '../src/quotas/tenant-quotas.ts';
import type { RealtimeHub } from '../src/realtime/realtime-hub.ts';
import type { IntentRouter } from '../src/router/intent-router.ts';
import { TENANT_HEADER, type Tenant } from '../src/tenancy.ts';
import type { User } from '../src/users.ts';

/** The service as the journeys drive it: the real app on the real database. */
export interface RunningSupportDesk {
  app: FastifyInstance;
  database: Database;
  /** Send a request over a real connection on 127.0.0.1 (the app listens from the first one on), as `inject` takes it. */
  http(request: DeskRequest): Promise<DeskResponse>;
  /** `POST /tenants`, expecting 201. */
  createTenant(name: string): Promise<Tenant>;
  /** `POST /users` as `tenantId`, expecting 201. */
  createUser(tenantId: string, user: { email: string; name: string }): Promise<User>;
  /** `POST /orders` as `tenantId`, expecting 201. */
  createOrder(tenantId: string, order: CreateOrderBody): Promise<Order>;
  /** Every response so far that broke openapi.yaml (strictly: undeclared fields count), one line each. */
  contractViolations: string[];
  /** Close the app, then the database (and embedded PGlite); fails when any response broke openapi.yaml. */
  close(): Promise<void>;
}

/** The service's OpenAPI document, loaded and checked once per test file. */
export const supportDeskApi: ApiSpec = loadApiSpec(fileURLToPath(new URL('../openapi.yaml', import.meta.url)));

/**
 * Check every response `app` sends against openapi.yaml (status documented for the operation,
 * content type declared, body strict), collecting violations into `violations`. Streamed bodies
 * (server-sent events) are checked for status and content type only.
 */
export function checkEveryResponse(app: FastifyInstance, violations: string[]): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    const headers = Object.fromEntries(
      Object.entries(reply.getHeaders()).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(', ') : String(value),
      ]),
    );
    let body: unknown = text === '' ? undefined : text;
    if (text !== undefined && text !== '' && /json/.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // checkResponse reports a JSON content type with a body that does not parse.
      }
    }
    const path = request.url.split('?')[0]!;
    const check = checkResponse(supportDeskApi, {
      method: request.method,
      path,
      query: undefined,
      status: reply.statusCode,
      headers,
      body,
      text: text ?? '',
    });
    // A journey may probe a route the API does not have: the not-found answer is not an operation's response.
    const unknownRoute = check.operation === undefined && reply.statusCode === 404;
    const found = check.violations.filter((violation) => !unknownRoute && (text !== undefined || violation.kind !== 'body'));
    for (const violation of found) violations.push(`${request.method} ${request.url} -> ${reply.statusCode}: ${violation.message}`);
    return payload;
  });
}

/** The LLM settings of a desk whose test does not ask the FAQ: nothing listens there. */
const UNUSED_LLM: FaqAssistantOptions = { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused', maxRetries: 0 };

/** The payments provider of a desk whose test takes no payment: nothing listens there. */
const UNUSED_PAYMENTS: PaymentsProviderOptions = { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused', retries: 0 };

function expectCreated<T>(response: LightMyRequestResponse, what: string): T {
  if (response.statusCode !== 201) throw new Error(`Failed to create ${what}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
}

/** A database for the desks of one test file, on the PostgreSQL test-modes resolves. */
export interface DeskDatabase {
  database: Database;
  /** Close the pool, then stop the service (embedded PGlite or a container). */
  close(): Promise<void>;
}

/** How a desk is built. */
export interface DeskOptions {
  /** Where the FAQ assistant asks; nothing listens there by default. */
  llm?: FaqAssistantOptions;
  /** The payments provider orders are paid through; nothing listens there by default. */
  payments?: PaymentsProviderOptions;
  /** Where order exports go and how their links are signed; exports answer 404 without it. */
  exports?: ExportOptions;
  /** The realtime hub (`/realtime`) with its backpressure limits; one with the default limits by default. */
  realtime?: RealtimeHub;
  /** Per-tenant rate limits and order quotas (src/quotas/); nothing is limited by default. */
  quotas?: TenantQuotas;
  /** Where `order.placed` events go (src/queue/); none by default. */
  events?: MessageQueue;
  /** Routes `POST /conversations/:id/route` (src/router/); keyword rules only by default. */
  router?: IntentRouter;
  /** The app's Fastify logger (`{ stream, level }`); off by default. */
  logger?: AppLoggerOptions;
  /** The app's metrics and tracing (a tracer provider with an in-memory exporter); a fresh one by default. */
  observability?: ServiceObservability;
  /** Runs before `ready()`, after the openapi.yaml check is hooked in: add hooks (onSend...) here. */
  decorate?: (app: FastifyInstance) => void;
}

/**
 * Resolve a PostgreSQL through test-modes (`DATABASE_URL`, else a container when Docker answers,
 * else PGlite served on 127.0.0.1, one connection since it is one session) and open the app's
 * database on it, so several desks of one file can share it.
 *
 * @example
 * const db = await openDeskDatabase()
 * afterAll(() => db.close())
 */
export async function openDeskDatabase(): Promise<DeskDatabase> {
  const postgres = postgresService();
  const service = await postgres.start();
  const database = await openDatabase({ url: service.url, poolSize: service.kind === 'embedded' ? 1 : undefined });
  return {
    database,
    async close() {
      await database.close();
      await postgres.stop();
    },
  };
}

/**
 * Build the app on `database` with every response checked against openapi.yaml. `close()` closes
 * the app only, and fails when any response broke openapi.yaml.
 *
 * @example
 * const desk = await buildDesk(db.database, { logger: { stream: logs.stream, level: 'info' } })
 */
export async function buildDesk(database: Database, options: DeskOptions = {}): Promise<RunningSupportDesk> {
  const app = buildApp({
    database,
    assistant: new FaqAssistant(options.llm ?? UNUSED_LLM),
    payments: new PaymentsProvider(options.payments ?? UNUSED_PAYMENTS),
    exports: options.exports,
    events: options.events,
    realtime: options.realtime,
    quotas: options.quotas,
    router: options.router,
    logger: options.logger,
    observability: options.observability,
  });
  const contractViolations: string[] = [];
  checkEveryResponse(app, contractViolations);
  options.decorate?.(app);
  await app.ready();
  return {
    app,
    database,
    http: deskHttpClient(app),
    contractViolations,
    async createTenant(name) {
      return expectCreated<Tenant>(await app.inject({ method: 'POST', url: '/tenants', payload: { name } }), `tenant ${name}`);
    },
    async createUser(tenantId, user) {
      const response = await app.inject({ method: 'POST', url: '/users', headers: { [TENANT_HEADER]: tenantId }, payload: user });
      return expectCreated<User>(response, 'a user');
    },
    async createOrder(tenantId, order) {
      const response = await app.inject({ method: 'POST', url: '/orders', headers: { [TENANT_HEADER]: tenantId }, payload: order });
      return expectCreated<Order>(response, 'order');
    },
    async close() {
      await app.close();
      if (contractViolations.length > 0) {
        throw new Error(
          `[support-desk] ${contractViolations.length} responses broke openapi.yaml:\n${contractViolations.map((line) => `  ${line}`).join('\n')}`,
        );
      }
    },
  };
}

/**
 * A desk on a database of its own ({@link openDeskDatabase} then {@link buildDesk}); `close()`
 * closes both, and fails when any response broke openapi.yaml.
 *
 * @param options - `llm`: where the FAQ assistant asks; `payments`: the payments provider orders are paid through
 * @example
 * const desk = await startSupportDesk()
 * afterAll(() => desk.close())
 */
export async function startSupportDesk(options: DeskOptions = {}): Promise<RunningSupportDesk> {
  const db = await openDeskDatabase();
  let desk: RunningSupportDesk;
  try {
    desk = await buildDesk(db.database, options);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    ...desk,
    async close() {
      try {
        await desk.close();
      } finally {
        await db.close();
      }
    },
  };
}
