import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { checkResponse } from '../openapi/conformance.js';
import type { ApiSpec } from '../openapi/api-spec.js';
import { ContractError, contractFailureText } from '../errors.js';
import { isJsonMediaType } from '../http-exchange.js';
import { firstLine, nearestMatch } from '@proving-ground/kit';
import { formatJsonPath, type PathSegment } from '../json-path.js';
import { describeUndeclared } from '../safe-print.js';
import { findPii, type PiiScanOptions } from '../pii/pii-scan.js';
import { nodeProcess } from '../internal/real-process.js';
import { disablePactTracking, resolvePactCore } from './pact-peer.js';

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
  /**
   * In failure messages, print the values of response fields beyond the contract (personal data
   * and anything under a secret-sounding name still masked) instead of only their type and size
   * (default false).
   */
  showUndeclaredValues?: boolean;
}

interface PactInteractionJson {
  description: string;
  providerStates?: Array<{ name: string; params?: Record<string, unknown> }>;
  request: {
    method: string;
    path: string;
    query?: Record<string, unknown>;
    generators?: { path?: { type?: string; expression?: string } };
  };
  response: { status: number; body?: unknown };
}

/** A provider state set up for the request that follows it, with the values its handler returned. */
interface StateRun {
  name: string;
  values: Record<string, unknown>;
}

interface Observed {
  method: string;
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The states set up since the previous request: the ones of this request's interaction. */
  states: StateRun[];
}

/** A provider state handler that threw, with the state it was setting up or tearing down. */
interface StateFailure {
  name: string;
  action: string;
  error: unknown;
}

/** Where the inspecting proxy takes Pact's provider-state calls (never forwarded to the app). */
const STATE_PATH = '/_contract-helpers/provider-states';

function readPacts(files: readonly string[], provider: string): Array<{ file: string; interactions: PactInteractionJson[] }> {
  return files.map((file) => {
    let document: { provider?: { name?: string }; interactions?: PactInteractionJson[] };
    try {
      document = JSON.parse(readFileSync(file, 'utf8')) as { provider?: { name?: string }; interactions?: PactInteractionJson[] };
    } catch (error) {
      throw new ContractError(
        'CONTRACT_PACT_FILE',
        { action: `read the pact ${file}`, reason: firstLine(error), fix: 'Run the consumer tests first, or fix the path.' },
        { cause: error },
      );
    }
    if (document.provider?.name !== provider) {
      throw new ContractError('CONTRACT_PACT_FILE', {
        action: `verify ${file}`,
        reason: `it is a pact with provider "${document.provider?.name}", not "${provider}"`,
        fix: 'Pass the pacts of this provider.',
      });
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
function fieldsBeyondPact(actual: unknown, expected: unknown, segments: PathSegment[], found: string[], showValues: boolean): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    actual.forEach((item: unknown, index) =>
      fieldsBeyondPact(item, expected[Math.min(index, expected.length - 1)], [...segments, index], found, showValues),
    );
  } else if (typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null && !Array.isArray(actual)) {
    for (const [key, value] of Object.entries(actual)) {
      if (!(key in expected))
        found.push(
          `${formatJsonPath([...segments, key])}: field "${key}" is not in the contract (${describeUndeclared(value, formatJsonPath([...segments, key]), showValues)})`,
        );
      else fieldsBeyondPact(value, (expected as Record<string, unknown>)[key], [...segments, key], found, showValues);
    }
  }
}

type StateCall = (call: { state: string; params: Record<string, unknown>; action: string }) => Promise<Record<string, unknown>>;

/**
 * A proxy in front of the app that records every real exchange, and answers Pact's provider-state
 * calls itself (so the states run in this process, where the test's database and factories are).
 */
async function startInspectingProxy(target: string, observed: Observed[], onState: StateCall): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  let pendingStates: StateRun[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      if (incoming.method === 'POST' && incoming.url === STATE_PATH) {
        let call: { state?: unknown; params?: unknown; action?: unknown } = {};
        try {
          call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof call;
        } catch {
          // An empty or odd body is treated as a state without a name.
        }
        const state = typeof call.state === 'string' ? call.state : '';
        const action = typeof call.action === 'string' ? call.action : 'setup';
        const params = typeof call.params === 'object' && call.params !== null ? (call.params as Record<string, unknown>) : {};
        onState({ state, params, action }).then(
          (values) => {
            if (action === 'setup' && state !== '') pendingStates.push({ name: state, values });
            outgoing.writeHead(200, { 'content-type': 'application/json' });
            outgoing.end(JSON.stringify(values));
          },
          () => {
            // Pact's core retries a failed state call for a long time; the failure is recorded by
            // onState and reported as the cause, so the verification goes on without the state.
            outgoing.writeHead(200, { 'content-type': 'application/json' });
            outgoing.end('{}');
          },
        );
        return;
      }
      const states = pendingStates;
      pendingStates = [];
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
              states,
            });
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', (error) => {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(contractFailureText({ action: 'reach the provider', reason: `it did not answer (${error.message})` }));
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}` };
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a real request path is the interaction's path, literal or injected by a provider state (`fromProviderState`). */
function samePath(interaction: PactInteractionJson, path: string, states: StateRun[]): boolean {
  if (interaction.request.path === path) return true;
  const generator = interaction.request.generators?.path;
  if (generator?.type !== 'ProviderState' || typeof generator.expression !== 'string') return false;
  const values = Object.assign({}, ...states.map((state) => state.values)) as Record<string, unknown>;
  const resolved = generator.expression.replace(/\$\{([^}]+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  if (resolved === path) return true;
  const pattern = generator.expression
    .split(/\$\{[^}]+\}/)
    .map(escapeRegExp)
    .join('[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}

/** The interaction a real exchange answered: method, status and path (literal or state-injected), then the states set up just before it. */
function interactionOf(
  exchange: Observed,
  interactions: PactInteractionJson[],
  used: Set<PactInteractionJson>,
): PactInteractionJson | undefined {
  const pathOnly = exchange.path.split('?')[0]!;
  const candidates = interactions.filter(
    (candidate) =>
      candidate.request.method.toUpperCase() === exchange.method.toUpperCase() &&
      candidate.response.status === exchange.status &&
      samePath(candidate, pathOnly, exchange.states),
  );
  const stateKey = (names: string[]) => [...names].sort().join('\u0000');
  const seenStates = stateKey(exchange.states.map((state) => state.name));
  const ranked = [...candidates].sort(
    (a, b) =>
      Number(stateKey((b.providerStates ?? []).map((state) => state.name)) === seenStates) -
        Number(stateKey((a.providerStates ?? []).map((state) => state.name)) === seenStates) || Number(!used.has(b)) - Number(!used.has(a)),
  );
  const found = ranked[0];
  if (found !== undefined) used.add(found);
  return found;
}

/** Pact's verifier, run in a child process so its report (printed by native code) can be kept quiet unless it fails. */
function runPactVerifier(
  core: string,
  options: Record<string, unknown>,
): Promise<{ passed: boolean; message: string | undefined; output: string; exitCode: number | null }> {
  const script = [
    'const [corePath, json] = process.argv.slice(1);',
    'const core = require(corePath);',
    '(core.default ?? core).verifyPacts(JSON.parse(json)).then(',
    '  () => process.send({ passed: true }, () => process.exit(0)),',
    '  (error) => process.send({ passed: false, message: error instanceof Error ? error.message : String(error) }, () => process.exit(0)),',
    ');',
  ].join('\n');
  const environment = { ...nodeProcess().env, ...process.env };
  environment['PACT_DO_NOT_TRACK'] ??= 'true';
  delete environment['NODE_OPTIONS'];
  const child = spawn(nodeProcess().execPath, ['-e', script, core, JSON.stringify(options)], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let result: { passed: boolean; message?: string } | undefined;
  child.on('message', (message: { passed: boolean; message?: string }) => (result = message));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (exitCode) => done({ passed: result?.passed === true, message: result?.message, output, exitCode }));
  });
}

function readableVerifierError(error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const text = (value: unknown, fallback: string): string =>
    typeof value === 'string' ? value : value === undefined ? fallback : JSON.stringify(value);
  const describe = (mismatches: Array<Record<string, unknown>>): string[] =>
    mismatches.map(
      (mismatch) =>
        `    ${text(mismatch['type'], '')}${mismatch['path'] === undefined ? '' : ` at ${text(mismatch['path'], '')}`}: ${text(mismatch['mismatch'] ?? mismatch['description'] ?? mismatch['message'], JSON.stringify(mismatch))}`,
    );
  try {
    const parsed = JSON.parse(message) as unknown;
    // pact-core's verifier result: { result, errors: [{ interaction, mismatch: { type, mismatches | message } }], ... }
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Array.isArray((parsed as Record<string, unknown>)['errors'])
    ) {
      return ((parsed as Record<string, unknown>)['errors'] as Array<Record<string, unknown>>).map((entry) => {
        const name = text(entry['interaction'], 'interaction').replace(/^Verifying a pact between .+? - /, '');
        const mismatch = (entry['mismatch'] ?? {}) as Record<string, unknown>;
        const detail = Array.isArray(mismatch['mismatches'])
          ? describe(mismatch['mismatches'] as Array<Record<string, unknown>>)
          : mismatch['message'] === undefined
            ? []
            : [`    ${text(mismatch['message'], '')}`];
        return `  ${name}: ${text(mismatch['type'], 'mismatch')}${detail.length > 0 ? `\n${detail.join('\n')}` : ''}`;
      });
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((entry) => {
      const item = entry as Record<string, unknown>;
      const detail = describe(Array.isArray(item['mismatches']) ? (item['mismatches'] as Array<Record<string, unknown>>) : []);
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
      `Failed to verify ${options.provider}: no handler for the provider ${missing.length === 1 ? 'state' : 'states'} ${missing
        .map((name) => {
          const suggestion = nearestMatch(name, Object.keys(states));
          return `"${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
        })
        .join(', ')}. Add them to options.states.`,
    );
  }
  const core = resolvePactCore();
  disablePactTracking();
  const stateFailures: StateFailure[] = [];
  const onState: StateCall = async ({ state, params, action }) => {
    const handler = states[state];
    // Interactions without a state still get a setup call, with an empty name: nothing to do.
    if (handler === undefined) return {};
    const run =
      typeof handler === 'function' ? (action === 'setup' ? handler : undefined) : action === 'setup' ? handler.setup : handler.teardown;
    try {
      const values = await run?.(params);
      return typeof values === 'object' && values !== null ? values : {};
    } catch (error) {
      stateFailures.push({ name: state, action, error });
      throw error;
    }
  };
  const app = await options.start();
  const observed: Observed[] = [];
  const report: string[] = [];
  let verification: Awaited<ReturnType<typeof runPactVerifier>> | undefined;
  let proxy: { server: Server; url: string } | undefined;
  try {
    proxy = await startInspectingProxy(app.url, observed, onState);
    verification = await runPactVerifier(core, {
      provider: options.provider,
      providerBaseUrl: proxy.url,
      providerStatesSetupUrl: `${proxy.url}${STATE_PATH}`,
      pactUrls: pacts.map((pact) => pact.file),
      logLevel: options.logLevel ?? 'warn',
      disableSslVerification: true,
    });
  } finally {
    const server = proxy?.server;
    if (server !== undefined) await new Promise((done) => server.close(done));
    await app.close();
  }
  if (['info', 'debug', 'trace'].includes(options.logLevel ?? 'warn')) nodeProcess().stdout.write(verification.output);
  if (stateFailures.length > 0) {
    report.push(
      'Provider states that failed (the mismatches below may follow from them):',
      ...stateFailures.map(
        (failure) =>
          `  "${failure.name}" (${failure.action}): ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`,
      ),
    );
  }
  if (!verification.passed) {
    report.push(
      'Pact verification:',
      ...(verification.message === undefined
        ? [`  Pact's verifier stopped (exit code ${verification.exitCode}) without a result.`]
        : readableVerifierError(new Error(verification.message))),
    );
  }
  const interactions = pacts.flatMap((pact) => pact.interactions);
  const used = new Set<PactInteractionJson>();
  const strictProblems: string[] = [];
  for (const exchange of observed) {
    const pathOnly = exchange.path.split('?')[0]!;
    const interaction = interactionOf(exchange, interactions, used);
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
            ? `${violation.schema.path}: extra field "${violation.schema.extraField}" is not declared (${describeUndeclared(violation.schema.actual, violation.schema.path, options.showUndeclaredValues)})`
            : violation.message,
        ),
      );
    } else if (options.strict !== false && interaction !== undefined) {
      fieldsBeyondPact(body, expectedBody(interaction), [], problems, options.showUndeclaredValues === true);
    }
    if (options.pii !== false) {
      for (const finding of findPii(body, options.pii ?? {}))
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
    // Pact's own report is printed only when it failed: a passing run stays quiet.
    const pactReport = verification.passed ? '' : `\nPact's report:\n${stripAnsi(verification.output).trim()}\n`;
    const causes = stateFailures.map((failure) => failure.error);
    throw new ContractError(
      'CONTRACT_PROVIDER_VERIFICATION_FAILED',
      `Failed to verify ${options.provider} against ${options.pactFiles.join(', ')}:\n${report.join('\n')}\nFix the provider (or the contract), then run the verification again.${pactReport}`,
      causes.length === 0 ? undefined : { cause: causes.length === 1 ? causes[0] : new AggregateError(causes, 'provider states failed') },
    );
  }
}
