/**
 * Run the support desk: `node src/main.ts` (Node 24 runs TypeScript as is). See README.md for
 * the environment variables.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleSpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { buildApp } from './app.ts';
import { openDatabase } from './database.ts';
import { DownloadLinks } from './download-links.ts';
import { FaqAssistant } from './faq.ts';
import { ServiceObservability } from './observability/service-observability.ts';
import { PaymentsProvider } from './payments-provider.ts';
import { TenantQuotas } from './quotas/tenant-quotas.ts';
import { openMessageQueue } from './queue/open-message-queue.ts';
import { startOrderNotifier } from './queue/order-events.ts';
import { IntentRouter } from './router/intent-router.ts';
import { readSettings } from './settings.ts';

const settings = readSettings(process.env);
const database = await openDatabase({ url: settings.databaseUrl, dataDir: settings.pgliteDataDir });
// NATS_URL: order.placed events on NATS JetStream; the embedded outbox in the database otherwise.
const events = await openMessageQueue({ database, natsUrl: process.env['NATS_URL'] });
const notifier = await startOrderNotifier(events, database);
const assistant = new FaqAssistant(settings.llm);
const payments = new PaymentsProvider(settings.payments);
const router = new IntentRouter({ llm: settings.llm });
const exports = {
  directory: settings.exports.directory ?? join(tmpdir(), 'support-desk-exports'),
  links: new DownloadLinks({ secret: settings.exports.linkSecret ?? randomBytes(32) }),
};
// OTEL_TRACES_EXPORTER=console prints every span; otherwise spans go to the global provider (none: dropped).
const tracerProvider =
  process.env['OTEL_TRACES_EXPORTER'] === 'console'
    ? new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })] })
    : undefined;
const observability = new ServiceObservability({ tracerProvider });
// Per-tenant rate limits and daily order quotas by plan (src/quotas/); TENANT_QUOTAS=off turns them off.
const quotas = process.env['TENANT_QUOTAS'] === 'off' ? undefined : new TenantQuotas();
const app = buildApp({ database, assistant, payments, router, exports, logger: true, observability, events, quotas });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping');
  await app.close();
  await notifier.stop();
  await events.close();
  await database.close();
}
process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));

await app.listen(settings.http);
app.log.info(
  {
    database: database.location,
    backend: database.backend,
    queue: events.backend,
    llm: settings.llm.baseURL,
    payments: settings.payments.baseURL,
    exports: exports.directory,
  },
  'support desk ready',
);
