import { postgresService } from '@proving-ground/test-modes';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppLoggerOptions } from '../../src/app.ts';
import { openDatabase, type Database } from '../../src/database.ts';
import { FaqAssistant, type FaqAssistantOptions } from '../../src/faq.ts';
import { PaymentsProvider, type PaymentsProviderOptions } from '../../src/payments-provider.ts';
import type { Order } from '../../src/orders.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import type { User } from '../../src/users.ts';
import { checkEveryResponse, type RunningSupportDesk } from '../support-desk.ts';

/** A database for the desks of one test file, on the PostgreSQL test-modes resolves (as startSupportDesk does). */
export interface DeskDatabase {
  database: Database;
  close(): Promise<void>;
}

/** What {@link buildDesk} adds to what startSupportDesk can do. */
export interface DeskHarnessOptions {
  llm?: FaqAssistantOptions;
  payments?: PaymentsProviderOptions;
  /** The app's Fastify logger (`{ stream, level }`), which startSupportDesk leaves off. */
  logger?: AppLoggerOptions;
  /** Runs before `ready()`, after the openapi.yaml check is hooked in: add hooks (onSend...) here. */
  decorate?: (app: FastifyInstance) => void;
}

/**
 * Open the app's database the way startSupportDesk does (`DATABASE_URL`, a container, or embedded
 * PGlite with a pool of one), so several desks of one file can share it.
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

const UNUSED_LLM: FaqAssistantOptions = { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused', maxRetries: 0 };
const UNUSED_PAYMENTS: PaymentsProviderOptions = { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused', retries: 0 };

function expectCreated<T>(response: LightMyRequestResponse, what: string): T {
  if (response.statusCode !== 201) throw new Error(`Failed to create ${what}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
}

/**
 * The app built as startSupportDesk builds it (every response checked against openapi.yaml), on
 * a database the caller owns, with what startSupportDesk cannot give: a logger, and hooks added
 * before `ready()` (Fastify refuses hooks afterwards). `close()` closes the app only, and fails
 * when any response broke openapi.yaml.
 *
 * @example
 * const desk = await buildDesk(db.database, { logger: { stream: logs.stream, level: 'info' } })
 */
export async function buildDesk(database: Database, options: DeskHarnessOptions = {}): Promise<RunningSupportDesk> {
  const app = buildApp({
    database,
    assistant: new FaqAssistant(options.llm ?? UNUSED_LLM),
    payments: new PaymentsProvider(options.payments ?? UNUSED_PAYMENTS),
    logger: options.logger,
  });
  const contractViolations: string[] = [];
  checkEveryResponse(app, contractViolations);
  options.decorate?.(app);
  await app.ready();
  return {
    app,
    database,
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
