import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { registerFaqRoutes, type FaqAssistant } from './faq.ts';
import { registerOrderRoutes } from './orders.ts';
import { registerProblemResponses } from './problems.ts';
import { registerTenantRoutes } from './tenants.ts';
import { registerUserRoutes } from './users.ts';

/** What the HTTP API is built on. */
export interface AppDependencies {
  database: Database;
  assistant: FaqAssistant;
  /** Log requests with Fastify's logger (default false). */
  logger?: boolean | undefined;
}

/**
 * Build the support desk's HTTP API: tenants, users, orders and the FAQ, with every error answered
 * as `application/problem+json`. Not listening yet: call `listen()`, or `inject()` in tests.
 *
 * @example
 * const app = buildApp({ database, assistant })
 * await app.listen({ host: '127.0.0.1', port: 3000 })
 */
export function buildApp(dependencies: AppDependencies): FastifyInstance {
  const app = Fastify({
    logger: dependencies.logger ?? false,
    // Fastify's default ajv coerces types: `"3"` would become 3 and `null` a price of 0. A body of
    // the wrong type is refused instead. Route params and headers are strings already (UUIDs here).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  registerProblemResponses(app);
  registerTenantRoutes(app, dependencies.database);
  registerUserRoutes(app, dependencies.database);
  registerOrderRoutes(app, dependencies.database);
  registerFaqRoutes(app, dependencies.database, dependencies.assistant);
  return app;
}
