import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { checkResponse } from '../api-conformance.js';
import type { ApiSpec } from '../api-spec.js';
import { ContractError } from '../errors.js';
import { isJsonMediaType } from '../http-exchange.js';
import { nearestMatch } from '../internal/did-you-mean.js';
import { formatJsonPath, type PathSegment } from '../json-path.js';
import { printSafe } from '../matchers.js';
import { findPII, type PiiScanOptions } from '../pii/pii-scan.js';
import { loadPact } from './pact-peer.js';

/** Sets up (and may tear down) one provider state; may return values for `fromProviderState` matchers. */
export type ProviderStateHandler =
  | ((parameters: Record<string, unknown>) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void)
  | {
      setup?: (parameters: Record<string, unknown>) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
      teardown?: (parameters: Record<string, unknown>) => Promise<void> | void;
    };

/** Options of {@link verifyProvider}. */
export interface ProviderVerificationOptions {
  /** The provider's name, as in the pact files. */
  provider: string;
  /** Pact files to verify. */
  pactFiles: readonly string[];
  /** Start the provider and return its base URL on 127.0.0.1 and how to stop it. */
  start: () => Promise<{ url: string; close(): Promise<void> | void }>;
  /** One handler per provider state named in the pacts (set data up with factories here). */
  states?: Record<string, ProviderStateHandler>;
  /** Check every real response strictly against this OpenAPI document (status, content type, undeclared fields). */
  spec?: ApiSpec;
  /** Without `spec`: reject response fields the pact's expected body does not have (default true). */
  strict?: boolean;
  /** Scan real responses for personal data; `false` to skip (default: scan everything). */
  pii?: PiiScanOptions | false;
  /** Pact's own log level (default `warn`). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

interface PactInteractionJson {
  description: string;
  providerStates?: Array<{ name: string; params?: Record<string, unknown> }>;
  request: { method: string; path: string; query?: Record<string, unknown> };
  response: { status: number; body?: unknown };
}

interface Observed {
  method: string;
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function readPacts(files: readonly string[], provider: string): Array<{ file: string; interactions: PactInteractionJson[] }> {
  return files.map((file) => {
    let document: { provider?: { name?: string }; interactions?: PactInteractionJson[] };
    try {
      document = JSON.parse(readFileSync(file, 'utf8')) as { provider?: { name?: string }; interactions?: PactInteractionJson[] };
    } catch (error) {
      throw new ContractError(
        'CONTRACT_PACT_FILE',
        `[contract-helpers] Failed to read the pact ${file}: ${(error as Error).message}. Run the consumer tests first, or fix the path.`,
        { cause: error },
      );
    }
    if (document.provider?.name !== provider) {
      throw new ContractError(
        'CONTRACT_PACT_FILE',
        `[contract-helpers] Failed to verify ${file}: it is a pact with provider "${document.provider?.name}", not "${provider}". Pass the pacts of this provider.`,
      );
    }
    return { file, interactions: document.interactions ?? [] };
  });
}

function expectedBody(interaction: PactInteractionJson): unknown {
  const body = interaction.response.body;
  if (typeof body === 'object' && body !== null && 'content' in body) return body.content;
  return body;
}

/** Fields of `actual` the pact's example body does not have (array items compared with the first example item). */
function fieldsBeyondPact(actual: unknown, expected: unknown, segments: PathSegment[], found: string[]): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    actual.forEach((item: unknown, index) =>
      fieldsBeyondPact(item, expected[Math.min(index, expected.length - 1)], [...segments, index], found),
    );
  } else if (typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null && !Array.isArray(actual)) {
    for (const [key, value] of Object.entries(actual)) {
      if (!(key in expected))
        found.push(`${formatJsonPath([...segments, key])}: field "${key}" is not in the contract (value ${printSafe(value)})`);
      else fieldsBeyondPact(value, (expected as Record<string, unknown>)[key], [...segments, key], found);
    }
  }
}

async function startInspectingProxy(target: string, observed: Observed[]): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(body).toString('utf8');
            observed.push({
              method: incoming.method ?? 'GET',
              path: incoming.url ?? '/',
              status: answer.statusCode ?? 0,
              headers: answer.headers,
              text,
            });
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', (error) => {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`[contract-helpers] the provider did not answer: ${error.message}`);
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}` };
}

function readableVerifierError(error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as unknown;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((entry) => {
      const item = entry as Record<string, unknown>;
      const mismatches = Array.isArray(item['mismatches']) ? (item['mismatches'] as Array<Record<string, unknown>>) : [];
      const text = (value: unknown, fallback: string): string =>
        typeof value === 'string' ? value : value === undefined ? fallback : JSON.stringify(value);
      const detail = mismatches.map(
        (mismatch) =>
          `    ${text(mismatch['type'], '')}${mismatch['path'] === undefined ? '' : ` at ${text(mismatch['path'], '')}`}: ${text(mismatch['mismatch'] ?? mismatch['description'], JSON.stringify(mismatch))}`,
      );
      return `  ${text(item['interactionDescription'] ?? item['description'], 'interaction')}: ${text(item['type'], 'mismatch')}${detail.length > 0 ? `\n${detail.join('\n')}` : ''}`;
    });
  } catch {
    return message
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `  ${line}`);
  }
}

/**
 * Verify the provider against consumer pacts, with Pact's Verifier, and more: every real response
 * is also checked strictly (against the OpenAPI document when given, else against the pact's
 * example body: a provider that adds an undeclared field fails) and scanned for personal data.
 * Provider states missing a handler are reported (with "did you mean") before anything runs.
 * Failures are thrown as one readable error listing each interaction's problems.
 *
 * @param options - provider, pact files, how to start the app, state handlers, spec, PII options
 * @example
 * await verifyProvider({
 *   provider: 'support-desk',
 *   pactFiles: ['pacts/web-support-desk.json'],
 *   start: async () => ({ url: await app.listen({ host: '127.0.0.1', port: 0 }), close: () => app.close() }),
 *   states: { 'a tenant with an order': async () => ({ tenantId: (await tenants.create()).id }) },
 *   spec: loadApiSpec('openapi.yaml'),
 * })
 */
export async function verifyProvider(options: ProviderVerificationOptions): Promise<void> {
  const pacts = readPacts(options.pactFiles, options.provider);
  const states = options.states ?? {};
  const needed = [
    ...new Set(
      pacts.flatMap((pact) => pact.interactions.flatMap((interaction) => (interaction.providerStates ?? []).map((state) => state.name))),
    ),
  ];
  const missing = needed.filter((name) => !(name in states));
  if (missing.length > 0) {
    throw new ContractError(
      'CONTRACT_INVALID_OPTIONS',
      `[contract-helpers] Failed to verify ${options.provider}: no handler for the provider ${missing.length === 1 ? 'state' : 'states'} ${missing
        .map((name) => {
          const suggestion = nearestMatch(name, Object.keys(states));
          return `"${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
        })
        .join(', ')}. Add them to options.states.`,
    );
  }
  const { Verifier } = loadPact();
  const app = await options.start();
  const observed: Observed[] = [];
  const proxy = await startInspectingProxy(app.url, observed);
  const stateHandlers = Object.fromEntries(
    Object.entries(states).map(([name, handler]) => [
      name,
      typeof handler === 'function'
        ? async (parameters?: Record<string, unknown>) => (await handler(parameters ?? {})) ?? undefined
        : {
            setup: async (parameters?: Record<string, unknown>) => (await handler.setup?.(parameters ?? {})) ?? undefined,
            teardown: async (parameters?: Record<string, unknown>) => {
              await handler.teardown?.(parameters ?? {});
            },
          },
    ]),
  );
  const report: string[] = [];
  try {
    await new Verifier({
      provider: options.provider,
      providerBaseUrl: proxy.url,
      pactUrls: pacts.map((pact) => pact.file),
      stateHandlers,
      logLevel: options.logLevel ?? 'warn',
      disableSslVerification: true,
    }).verifyProvider();
  } catch (error) {
    report.push('Pact verification:', ...readableVerifierError(error));
  } finally {
    await new Promise((done) => proxy.server.close(done));
    await app.close();
  }
  const interactions = pacts.flatMap((pact) => pact.interactions);
  const strictProblems: string[] = [];
  for (const exchange of observed) {
    const pathOnly = exchange.path.split('?')[0]!;
    const interaction = interactions.find(
      (candidate) =>
        candidate.request.method.toUpperCase() === exchange.method.toUpperCase() &&
        candidate.request.path === pathOnly &&
        candidate.response.status === exchange.status,
    );
    const label = `${interaction === undefined ? '' : `"${interaction.description}" `}(${exchange.method} ${exchange.path} -> ${exchange.status})`;
    const contentType = typeof exchange.headers['content-type'] === 'string' ? exchange.headers['content-type'] : undefined;
    let body: unknown = exchange.text === '' ? undefined : exchange.text;
    if (isJsonMediaType(contentType) && exchange.text !== '') {
      try {
        body = JSON.parse(exchange.text) as unknown;
      } catch {
        // checkResponse reports a body that is not JSON.
      }
    }
    const problems: string[] = [];
    if (options.spec !== undefined) {
      const headers = Object.fromEntries(
        Object.entries(exchange.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
      );
      const check = checkResponse(options.spec, {
        method: exchange.method,
        path: pathOnly,
        query: undefined,
        status: exchange.status,
        headers,
        body,
        text: exchange.text,
      });
      problems.push(
        ...check.violations.map((violation) =>
          violation.schema?.extraField !== undefined
            ? `${violation.schema.path}: extra field "${violation.schema.extraField}" is not declared (value ${printSafe(violation.schema.actual)})`
            : violation.message,
        ),
      );
    } else if (options.strict !== false && interaction !== undefined) {
      fieldsBeyondPact(body, expectedBody(interaction), [], problems);
    }
    if (options.pii !== false) {
      for (const finding of findPII(body, options.pii ?? {}))
        problems.push(`${finding.path} holds personal data (${finding.category}, ${finding.masked})`);
    }
    if (problems.length > 0) strictProblems.push(`  ${label}:\n${problems.map((problem) => `    ${problem}`).join('\n')}`);
  }
  if (strictProblems.length > 0)
    report.push(
      `Strict checks of the real responses${options.spec === undefined ? ' (against the pact bodies)' : ` (against ${options.spec.source})`}:`,
      ...strictProblems,
    );
  if (report.length > 0) {
    throw new ContractError(
      'CONTRACT_PROVIDER_VERIFICATION_FAILED',
      `[contract-helpers] Failed to verify ${options.provider} against ${options.pactFiles.join(', ')}:\n${report.join('\n')}\nFix the provider (or the contract), then run the verification again.`,
    );
  }
}
