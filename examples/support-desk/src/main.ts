/**
 * Run the support desk: `node src/main.ts` (Node 24 runs TypeScript as is). See README.md for
 * the environment variables.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { openDatabase } from './database.ts';
import { DownloadLinks } from './download-links.ts';
import { FaqAssistant } from './faq.ts';
import { PaymentsProvider } from './payments-provider.ts';
import { readSettings } from './settings.ts';

const settings = readSettings(process.env);
const database = await openDatabase({ url: settings.databaseUrl, dataDir: settings.pgliteDataDir });
const assistant = new FaqAssistant(settings.llm);
const payments = new PaymentsProvider(settings.payments);
const exports = {
  directory: settings.exports.directory ?? join(tmpdir(), 'support-desk-exports'),
  links: new DownloadLinks({ secret: settings.exports.linkSecret ?? randomBytes(32) }),
};
const app = buildApp({ database, assistant, payments, exports, logger: true });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping');
  await app.close();
  await database.close();
}
process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));

await app.listen(settings.http);
app.log.info(
  {
    database: database.location,
    backend: database.backend,
    llm: settings.llm.baseURL,
    payments: settings.payments.baseURL,
    exports: exports.directory,
  },
  'support desk ready',
);
