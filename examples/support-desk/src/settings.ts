import { DEFAULT_FAQ_MODEL } from './faq.ts';

/** How the service is configured, read from the environment by {@link readSettings}. */
export interface Settings {
  /** `DATABASE_URL`: a Postgres server; embedded PGlite when unset. */
  databaseUrl: string | undefined;
  /** `PGLITE_DATA_DIR`: where embedded PGlite keeps its files; in memory when unset. */
  pgliteDataDir: string | undefined;
  /** `OPENAI_BASE_URL`, `OPENAI_API_KEY` and `OPENAI_MODEL`: the OpenAI-compatible API the FAQ asks. */
  llm: { baseURL: string; apiKey: string; model: string };
  /** `PAYMENTS_BASE_URL` and `PAYMENTS_API_KEY`: the payments provider orders are paid through. */
  payments: { baseURL: string; apiKey: string };
  /**
   * `EXPORT_DIR`: where order exports are written; `DOWNLOAD_LINK_SECRET`: the key their download
   * links are signed with. Either unset: the entry point picks a temporary folder, or a random key
   * (links then die with the process).
   */
  exports: { directory: string | undefined; linkSecret: string | undefined };
  /** `HOST` and `PORT` to listen on (default 127.0.0.1:3000). */
  http: { host: string; port: number };
}

/** Where payments go when `PAYMENTS_BASE_URL` is not set (`.example` never resolves: set it). */
export const DEFAULT_PAYMENTS_BASE_URL = 'https://api.payments.example/v1';

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Read the service's settings. Every problem is reported at once.
 *
 * @param env - usually `process.env`
 * @throws Error listing each variable that is set to something unusable
 * @example
 * const settings = readSettings({ OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1', PORT: '8080' })
 */
export function readSettings(env: Env): Settings {
  const problems: string[] = [];
  const databaseUrl = nonEmpty(env['DATABASE_URL']);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// connection string.');
  }
  const baseURL = nonEmpty(env['OPENAI_BASE_URL']) ?? 'https://api.openai.com/v1';
  if (!URL.canParse(baseURL)) problems.push(`OPENAI_BASE_URL must be a URL, got "${baseURL}".`);
  const paymentsBaseURL = nonEmpty(env['PAYMENTS_BASE_URL']) ?? DEFAULT_PAYMENTS_BASE_URL;
  if (!URL.canParse(paymentsBaseURL)) problems.push(`PAYMENTS_BASE_URL must be a URL, got "${paymentsBaseURL}".`);
  const portText = nonEmpty(env['PORT']) ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`PORT must be a port number, got "${portText}".`);
  const linkSecret = nonEmpty(env['DOWNLOAD_LINK_SECRET']);
  if (linkSecret !== undefined && Buffer.byteLength(linkSecret) < 32) problems.push('DOWNLOAD_LINK_SECRET must be at least 32 bytes long.');
  if (problems.length > 0) throw new Error(`Failed to read the settings:\n- ${problems.join('\n- ')}`);
  return {
    databaseUrl,
    pgliteDataDir: nonEmpty(env['PGLITE_DATA_DIR']),
    llm: {
      baseURL,
      // Local OpenAI-compatible servers accept any key; the SDK refuses to start without one.
      apiKey: nonEmpty(env['OPENAI_API_KEY']) ?? 'unset',
      model: nonEmpty(env['OPENAI_MODEL']) ?? DEFAULT_FAQ_MODEL,
    },
    payments: { baseURL: paymentsBaseURL, apiKey: nonEmpty(env['PAYMENTS_API_KEY']) ?? 'unset' },
    exports: { directory: nonEmpty(env['EXPORT_DIR']), linkSecret },
    http: { host: nonEmpty(env['HOST']) ?? '127.0.0.1', port },
  };
}
