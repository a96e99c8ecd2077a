import { join, resolve } from 'node:path';
import type { Failure } from '@proving-ground/kit';
import { ContractError, contractFailureText } from '../errors.js';
import { currentRunKey, fragmentRoot, mergeFragments, startPairRun } from './pact-files.js';
import { loadPact, type PactHandle, type PactMatchingResult } from './pact-peer.js';

/** Options of {@link consumerPact}. */
export interface ConsumerPactOptions {
  consumer: string;
  provider: string;
  /** Where the pact file is written (default `./pacts`, from the current directory). */
  dir?: string;
  /** Pact's own log level (default `warn`). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Register an `afterAll` that writes the pact file (default true when Jest's globals exist). */
  autoWrite?: boolean;
}

/** The mock server a consumer test talks to (on 127.0.0.1). */
export interface PactMockServer {
  url: string;
  port: number;
}

/** Headers, query or body values: plain values or Pact matchers (`MatchersV3.like(...)`). */
export type PactTemplate = unknown;

/** Builds the request of an interaction. */
export interface PactRequestBuilder {
  query(query: Record<string, PactTemplate>): PactRequestBuilder;
  headers(headers: Record<string, PactTemplate>): PactRequestBuilder;
  jsonBody(body: PactTemplate): PactRequestBuilder;
  body(contentType: string, body: Buffer): PactRequestBuilder;
}

/** Builds the response of an interaction. */
export interface PactResponseBuilder {
  headers(headers: Record<string, PactTemplate>): PactResponseBuilder;
  jsonBody(body: PactTemplate): PactResponseBuilder;
  body(contentType: string, body: Buffer): PactResponseBuilder;
}

/** An interaction being described: states, description, request, response, then the test. */
export interface PactInteraction {
  given(state: string, parameters?: Record<string, unknown>): PactInteraction;
  uponReceiving(description: string): PactInteraction;
  withRequest(method: string, path: PactTemplate, build?: (request: PactRequestBuilder) => void): PactInteraction;
  willRespondWith(status: number, build?: (response: PactResponseBuilder) => void): PactInteraction;
  /**
   * Start a mock server for this interaction, run `test` against it, and fail with the mock
   * server's mismatches shown as a Jest diff. The interaction is kept for the pact file only when
   * it passed.
   */
  executeTest<T>(test: (server: PactMockServer) => Promise<T>): Promise<T>;
}

/** A consumer/provider pair's contract, written once per test file (not once per interaction). */
export interface ConsumerPact {
  readonly consumer: string;
  readonly provider: string;
  /** The pact file this run writes. */
  readonly file: string;
  /** Describe a new interaction. */
  addInteraction(): PactInteraction;
  /** How many interactions passed in this file so far. */
  readonly passed: number;
  /** Write this file's passed interactions as a fragment and merge the run's fragments into the pact file. Called by the `afterAll` it registers. */
  write(): number;
}

type Step = { call: string; args: unknown[] };

interface Recipe {
  steps: Step[];
}

function recorder<T>(steps: Step[], names: readonly string[]): T {
  const target: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of names) {
    target[name] = (...args: unknown[]) => {
      steps.push({ call: name, args });
      return target;
    };
  }
  return target as T;
}

function replayBuilder(steps: Step[], builder: Record<string, (...args: unknown[]) => unknown>): void {
  for (const step of steps) builder[step.call]!(...step.args);
}

function applyRecipe(addInteraction: () => unknown, recipe: Recipe): unknown {
  let current = addInteraction() as Record<string, (...args: unknown[]) => unknown>;
  for (const step of recipe.steps) {
    const args = step.args.map((arg) =>
      typeof arg === 'object' && arg !== null && 'builderSteps' in arg
        ? (builder: Record<string, (...args: unknown[]) => unknown>) =>
            replayBuilder((arg as { builderSteps: Step[] }).builderSteps, builder)
        : arg,
    );
    current = current[step.call]!(...args) as Record<string, (...args: unknown[]) => unknown>;
  }
  return current;
}

function describeMismatch(result: PactMatchingResult): string {
  const where = `${result.method ?? '?'} ${result.path ?? '?'}`;
  if (result.type === 'missing-request') return `expected request ${where} was never sent`;
  if (result.type === 'request-not-found') return `unexpected request ${where}: no interaction expects it`;
  const lines = (result.mismatches ?? []).map(
    (mismatch) =>
      `  ${mismatch.type}${mismatch.path === undefined ? '' : ` at ${mismatch.path}`}${mismatch.key === undefined ? '' : ` (${mismatch.key})`}${mismatch.parameter === undefined ? '' : ` (${mismatch.parameter})`}: ${mismatch.mismatch ?? ''}`,
  );
  return `request ${where} does not match:\n${lines.join('\n')}`;
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

interface ExpectWithDiff {
  (actual: unknown): Record<string, (...args: unknown[]) => void>;
  extend(matchers: Record<string, unknown>): void;
}

let diffMatcherRegistered = false;

/** Throw the mismatches as a Jest assertion error, with a diff of each expected/actual pair. */
function failWithMismatches(description: string, results: PactMatchingResult[], cause: unknown): never {
  const failure: Failure = {
    action: `run the Pact interaction "${description}"`,
    reason: "the consumer's requests do not match the contract",
    details: results.map(describeMismatch),
  };
  const summary = contractFailureText(failure);
  const jestExpect = (globalThis as { expect?: ExpectWithDiff }).expect;
  const firstDiff = results
    .flatMap((result) => result.mismatches ?? [])
    .find((mismatch) => mismatch.expected !== undefined && mismatch.actual !== undefined);
  if (jestExpect !== undefined && firstDiff !== undefined) {
    if (!diffMatcherRegistered) {
      jestExpect.extend({
        toMatchPactExpectation(
          this: {
            utils: {
              printDiffOrStringify(
                expected: unknown,
                received: unknown,
                expectedLabel: string,
                receivedLabel: string,
                expand: boolean,
              ): string;
            };
          },
          actual: unknown,
          expected: unknown,
          header: string,
        ) {
          return {
            pass: false,
            message: () =>
              `${header}\n${this.utils.printDiffOrStringify(expected, actual, 'Expected (contract)', 'Received (sent)', true)}`,
          };
        },
      });
      diffMatcherRegistered = true;
    }
    jestExpect(parsed(firstDiff.actual))['toMatchPactExpectation']!(parsed(firstDiff.expected), summary);
  }
  throw new ContractError('CONTRACT_PACT_MISMATCH', failure, { cause });
}

/**
 * A Pact V4 consumer contract for Jest: describe interactions with the V4 builder, run each
 * against a mock server on 127.0.0.1, and get the pact file written once per test file (each test
 * file writes a fragment; fragments of the run are merged under a lock, so parallel workers are
 * safe and the file never holds interactions of earlier runs). `@pact-foundation/pact` is loaded
 * on first use.
 *
 * @param options - consumer, provider, pact directory, log level
 * @example
 * const pact = consumerPact({ consumer: 'support-desk', provider: 'payments' })
 * it('should create a charge', () =>
 *   pact.addInteraction().uponReceiving('a charge').withRequest('POST', '/charges', (r) => r.jsonBody({ amount: 100 }))
 *     .willRespondWith(201, (r) => r.jsonBody({ id: 'ch_1' }))
 *     .executeTest(async (server) => expect(await new Payments(server.url).charge(100)).toEqual({ id: 'ch_1' })))
 */
export function consumerPact(options: ConsumerPactOptions): ConsumerPact {
  const dir = resolve(options.dir ?? 'pacts');
  const runKey = currentRunKey();
  startPairRun(dir, options.consumer, options.provider, runKey);
  const passed: Recipe[] = [];
  const pactOptions = { consumer: options.consumer, provider: options.provider, host: '127.0.0.1', logLevel: options.logLevel ?? 'warn' };
  let written = false;

  const pact: ConsumerPact = {
    consumer: options.consumer,
    provider: options.provider,
    file: join(dir, `${options.consumer}-${options.provider}.json`),
    get passed() {
      return passed.length;
    },
    addInteraction() {
      const recipe: Recipe = { steps: [] };
      let description = '';
      const interaction: PactInteraction = {
        given(state, parameters) {
          recipe.steps.push({ call: 'given', args: parameters === undefined ? [state] : [state, parameters] });
          return interaction;
        },
        uponReceiving(text) {
          description = text;
          recipe.steps.push({ call: 'uponReceiving', args: [text] });
          return interaction;
        },
        withRequest(method, path, build) {
          const builderSteps: Step[] = [];
          build?.(recorder<PactRequestBuilder>(builderSteps, ['query', 'headers', 'jsonBody', 'body']));
          recipe.steps.push({ call: 'withRequest', args: [method, path, { builderSteps }] });
          return interaction;
        },
        willRespondWith(status, build) {
          const builderSteps: Step[] = [];
          build?.(recorder<PactResponseBuilder>(builderSteps, ['headers', 'jsonBody', 'body']));
          recipe.steps.push({ call: 'willRespondWith', args: [status, { builderSteps }] });
          return interaction;
        },
        async executeTest<T>(test: (server: PactMockServer) => Promise<T>): Promise<T> {
          if (description === '') {
            throw new ContractError('CONTRACT_INVALID_OPTIONS', {
              action: 'run a Pact interaction',
              reason: 'it has no description',
              fix: 'Call uponReceiving("...") before executeTest().',
            });
          }
          const { PactV4 } = loadPact();
          const v4 = new PactV4({ ...pactOptions, dir: join(dir, '.unused') });
          applyRecipe(() => v4.addInteraction(), recipe);
          const handle = v4.pact as PactHandle;
          const port = handle.pactffiCreateMockServerForTransport('127.0.0.1', 'http', JSON.stringify({ corsPreflight: true }));
          if (port <= 0)
            throw new ContractError('CONTRACT_PACT_MOCK_SERVER', {
              action: `start the Pact mock server for "${description}"`,
              reason: `pact returned error code ${port}`,
              fix: "Run with logLevel: 'debug' for pact's reason.",
            });
          let value: T | undefined;
          let failure: unknown;
          let failed = false;
          try {
            value = await test({ url: `http://127.0.0.1:${port}`, port });
          } catch (error) {
            failure = error;
            failed = true;
          }
          const mismatches = handle
            .mockServerMismatches(port)
            .filter((result) => !(result.type === 'request-mismatch' && (result.mismatches ?? []).length === 0));
          const matched = handle.mockServerMatchedSuccessfully(port);
          handle.cleanupMockServer(port);
          handle.cleanupPlugins?.();
          if (!matched && mismatches.length > 0) failWithMismatches(description, mismatches, failure);
          if (failed) throw failure;
          passed.push(recipe);
          return value as T;
        },
      };
      return interaction;
    },
    write() {
      written = true;
      if (passed.length > 0) {
        const { PactV4 } = loadPact();
        const v4 = new PactV4({ ...pactOptions, dir });
        for (const recipe of passed) applyRecipe(() => v4.addInteraction(), recipe);
        const fragmentDir = join(
          fragmentRoot(dir, options.consumer, options.provider),
          runKey,
          `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        );
        (v4.pact as PactHandle).writePactFile(fragmentDir, false);
        passed.length = 0;
      }
      return mergeFragments(dir, options.consumer, options.provider, runKey);
    },
  };
  const afterAll = (globalThis as { afterAll?: (body: () => void) => void }).afterAll;
  if (options.autoWrite !== false && typeof afterAll === 'function') {
    afterAll(() => {
      if (!written || passed.length > 0) pact.write();
    });
  }
  return pact;
}
