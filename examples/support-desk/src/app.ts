import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { registerApiKeyRoutes } from './api-keys.ts';
import { registerExportRoutes, type ExportOptions } from './exports.ts';
import { registerFaqRoutes, type FaqAssistant } from './faq.ts';
import { registerFaqEntryRoutes } from './faq-entries.ts';
import { registerHealthRoutes } from './health.ts';
import { registerLeadRoutes } from './leads.ts';
import { redactingStream } from './observability/log-redaction.ts';
import { registerMetricsRoute, registerObservability, ServiceObservability } from './observability/service-observability.ts';
import { traceDatabase } from './observability/traced-database.ts';
import { registerOrderRoutes } from './orders.ts';
import { registerPaymentRoutes } from './payments.ts';
import type { PaymentsProvider } from './payments-provider.ts';
import { registerProblemResponses } from './problems.ts';
import { registerTenantQuotas, type TenantQuotas } from './quotas/tenant-quotas.ts';
import type { MessageQueue } from './queue/message-queue.ts';
import { Conversations, registerConversationRoutes } from './realtime/conversations.ts';
import { registerOrderStatusRoutes } from './realtime/order-status.ts';
import { registerRealtimeEndpoint } from './realtime/realtime-endpoint.ts';
import { RealtimeHub } from './realtime/realtime-hub.ts';
import { registerRoutingRoutes } from './router/agent-handoffs.ts';
import { IntentRouter } from './router/intent-router.ts';
import { registerTenantRoutes } from './tenants.ts';
import { registerUserRoutes } from './users.ts';

/** What the HTTP API is built on. */
export interface AppDependencies {
  database: Database;
  assistant: FaqAssistant;
  payments: PaymentsProvider;
  /** Where `POST /orders/export` writes and how its download links are signed; without it, exports answer 404. */
  exports?: ExportOptions | undefined;
  /** Where `order.placed` events go (src/queue/); without it, placing an order publishes nothing. */
  events?: MessageQueue | undefined;
  /**
   * Routes customer messages to an intent (`POST /conversations/:id/route`, src/router/) and hands
   * the conversation to an agent queue when a person must answer; by keyword rules only when left out.
   */
  router?: IntentRouter | undefined;
  /**
   * Fans order status changes and conversation messages out to the realtime sockets (`/realtime`,
   * src/realtime/), with its backpressure limits; a hub with the default limits when left out.
   */
  realtime?: RealtimeHub | undefined;
  /**
   * Per-tenant rate limits and order quotas, sized by each tenant's plan (src/quotas/): 429
   * problem+json with `Retry-After` past them. Without it, nothing is limited.
   */
  quotas?: TenantQuotas | undefined;
  /**
   * Log with Fastify's logger (default false): `true` logs JSON lines to stdout, an object of
   * pino options (a `stream`, a `level`) logs there. Requests are logged by method, URL and id:
   * never client addresses, headers or bodies.
   */
  logger?: boolean | AppLoggerOptions | undefined;
  /**
   * Metrics (`GET /metrics`) and tracing (src/observability/): a server span per request, with
   * children for database statements and upstream calls. A fresh one, tracing to the global
   * OpenTelemetry tracer provider, when left out.
   */
  observability?: ServiceObservability | undefined;
}

/** Where and how much the app logs, when not to stdout. */
export interface AppLoggerOptions {
  /** A pino destination: anything with `write(line)`. */
  stream?: { write(line: string): void } | undefined;
  /** The lowest level logged (default `info`). */
  level?: string | undefined;
}

/** Log a request by what it asked for, never by who asked (addresses) or what it carried (headers, bodies). */
const requestSerializers = {
  req: (request: { method: string; url: string; id: string }) => ({ method: request.method, url: request.url, id: request.id }),
};

function loggerOption(logger: AppDependencies['logger'], observability: ServiceObservability) {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return {
    level: options.level ?? 'info',
    serializers: requestSerializers,
    // Every line is redacted (e-mails, phones, cards, tokens) whatever a message or an error says.
    stream: redactingStream(options.stream ?? process.stdout),
    // Lines logged while a request is handled carry its trace, to find them from a span.
    mixin: () => {
      const span = observability.tracing.activeSpan()?.spanContext();
      return span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId };
    },
  };
}

/**
 * Build the support desk's HTTP API: tenants, users, orders and their payments and exports, leads, the FAQ and the
 * health check, with every error answered
 * as `application/problem+json`. Not listening yet: call `listen()`, or `inject()` in tests.
 *
 * @example
 * const app = buildApp({ database, assistant, payments })
 * await app.listen({ host: '127.0.0.1', port: 3000 })
 */
export function buildApp(appDependencies: AppDependencies): FastifyInstance {
  const observability = appDependencies.observability ?? new ServiceObservability();
  // Every statement the routes run is a span under the request's.
  const dependencies = { ...appDependencies, database: traceDatabase(appDependencies.database, observability.tracing) };
  const app = Fastify({
    logger: loggerOption(dependencies.logger, observability),
    // Fastify's default ajv coerces types: `"3"` would become 3 and `null` a price of 0. A body of
    // the wrong type is refused instead. Route params and headers are strings already (UUIDs here).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  registerProblemResponses(app);
  registerObservability(app, observability);
  const realtime = dependencies.realtime ?? new RealtimeHub();
  const conversations = new Conversations(dependencies.database, realtime, dependencies.assistant, app.log);
  registerRealtimeEndpoint(app, { database: dependencies.database, hub: realtime, conversations });
  // Routes go in a plugin, loaded at `ready()`: hooks the caller adds first (onRoute, onSend) see them all.
  void app.register((api, _options, done) => {
    // First: its hooks refuse a request over its tenant's limits before any route's work.
    registerTenantQuotas(api, dependencies.database, dependencies.quotas);
    registerTenantRoutes(api, dependencies.database);
    registerApiKeyRoutes(api, dependencies.database);
    registerUserRoutes(api, dependencies.database);
    registerOrderRoutes(api, dependencies.database, dependencies.events);
    registerPaymentRoutes(api, dependencies.database, dependencies.payments, observability.tracing);
    registerLeadRoutes(api, dependencies.database);
    registerFaqRoutes(api, dependencies.database, dependencies.assistant, observability);
    registerFaqEntryRoutes(api, dependencies.database);
    registerExportRoutes(api, dependencies.database, dependencies.exports);
    registerHealthRoutes(api, dependencies.database);
    registerMetricsRoute(api, observability);
    registerOrderStatusRoutes(api, dependencies.database, realtime);
    registerConversationRoutes(api, dependencies.database, conversations);
    registerRoutingRoutes(api, dependencies.database, dependencies.router ?? new IntentRouter());
    done();
  });
  return app;
}
