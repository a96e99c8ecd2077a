import { firstLine } from '@proving-ground/kit';
import fc from 'fast-check';
import { checkResponse } from './conformance.js';
import type { ApiOperation, ApiSpec } from './api-spec.js';
import { ContractError, isContractError } from '../errors.js';
import { toHttpExchange, type HttpExchange, type HttpResponseLike } from '../http-exchange.js';
import { checkProblemDetails } from '../problem-details.js';
import { arbitraryFromSchema, invalidArbitraryFromSchema } from '../schema/arbitrary.js';

/** A request the fuzzer sends. */
export interface FuzzRequest {
  method: string;
  /** The concrete path, with the server base path and the query string. */
  url: string;
  headers: Record<string, string>;
  /** The JSON body, when the operation takes one. */
  body?: unknown;
  /** Whether the request was generated to be invalid. */
  invalid: boolean;
}

/** What {@link fuzzApi} sends requests to: a Fastify app (anything with `inject`), a base URL on 127.0.0.1, or a function. */
export type FuzzTarget =
  | { inject(options: { method: string; url: string; headers: Record<string, string>; payload?: string }): PromiseLike<HttpResponseLike> }
  | string
  | ((request: FuzzRequest) => Promise<HttpResponseLike>);

/** Options of {@link fuzzApi}. */
export interface FuzzOptions {
  /** Runs per operation (default 30). */
  numRuns?: number;
  /** The fast-check seed (printed on failure for a replay). */
  seed?: number;
  /** The fast-check replay path, from a failure message. */
  path?: string;
  /** Only these operations: operationIds or `METHOD /template`. */
  operations?: readonly string[];
  /** Headers sent with every request (`x-tenant-id`...), or a function giving them per request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Values for path parameters (real ids make requests reach the handlers), by parameter name. */
  pathParams?: Record<string, fc.Arbitrary<string | number>>;
  /** Share of requests generated invalid (default 0.3). */
  invalidRatio?: number;
  /** Check that 4xx responses are RFC 9457 problem details (default true). */
  problemDetails?: boolean;
  /** JSONPath patterns where response fields beyond the document are accepted. */
  allow?: readonly string[];
}

/** What {@link fuzzApi} did per operation. */
export interface FuzzReport {
  operations: Array<{ operation: string; runs: number; statuses: Record<string, number> }>;
}

/**
 * What a run throws when the answer breaks the document: fast-check shrinks the request, then the
 * final report quotes `answer` (the request and its problems) of the smallest failing run.
 */
class BrokenAnswer extends ContractError {
  constructor(readonly answer: string) {
    super('CONTRACT_FUZZ_FAILED', { action: 'get an answer the document allows', reason: answer });
  }
}

function label(operation: ApiOperation): string {
  return `${operation.method.toUpperCase()} ${operation.path}`;
}

async function send(target: FuzzTarget, request: FuzzRequest): Promise<HttpExchange> {
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers = payload === undefined ? request.headers : { 'content-type': 'application/json', ...request.headers };
  let response: HttpResponseLike;
  if (typeof target === 'function') response = await target(request);
  else if (typeof target === 'string') {
    response = await fetch(new URL(request.url, target), {
      method: request.method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
  } else {
    response = await target.inject({ method: request.method, url: request.url, headers, ...(payload === undefined ? {} : { payload }) });
  }
  const pathOnly = request.url.split('?')[0]!;
  return toHttpExchange(response, { method: request.method, path: pathOnly });
}

function requestArbitrary(
  spec: ApiSpec,
  operation: ApiOperation,
  options: FuzzOptions,
): fc.Arbitrary<Omit<FuzzRequest, 'headers'> & { headers: Record<string, string> }> {
  const invalidRatio = options.invalidRatio ?? 0.3;
  const pathParts: Record<string, fc.Arbitrary<unknown>> = {};
  const queryParts: Record<string, fc.Arbitrary<unknown>> = {};
  const headerParts: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredQuery: string[] = [];
  const requiredHeaders: string[] = [];
  for (const parameter of operation.parameters) {
    const given = parameter.in === 'path' ? options.pathParams?.[parameter.name] : undefined;
    const arbitrary =
      given ??
      (parameter.schema === undefined
        ? fc.string({ minLength: 1, maxLength: 8 })
        : arbitraryFromSchema(parameter.schema, { direction: 'request' }));
    const asText = arbitrary.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
    if (parameter.in === 'path') pathParts[parameter.name] = asText.filter((value) => value !== '');
    else if (parameter.in === 'query') {
      queryParts[parameter.name] = asText;
      if (parameter.required) requiredQuery.push(parameter.name);
    } else if (parameter.in === 'header') {
      headerParts[parameter.name.toLowerCase()] = asText.filter((value) => /^[\x20-\x7e]*$/.test(value));
      if (parameter.required) requiredHeaders.push(parameter.name.toLowerCase());
    }
  }
  const jsonBody = Object.entries(operation.requestBody?.content ?? {}).find(
    ([media]) => media === 'application/json' || media.endsWith('+json'),
  );
  const bodySchema = jsonBody?.[1];
  const body: fc.Arbitrary<{ body?: unknown; invalid: boolean }> =
    bodySchema === undefined
      ? fc.constant({ invalid: false })
      : fc.oneof(
          {
            weight: Math.round((1 - invalidRatio) * 10),
            arbitrary: arbitraryFromSchema(bodySchema, { direction: 'request' }).map((value) => ({ body: value, invalid: false })),
          },
          {
            weight: Math.max(1, Math.round(invalidRatio * 10)),
            arbitrary: invalidArbitraryFromSchema(bodySchema, { direction: 'request' }).map((value) => ({ body: value, invalid: true })),
          },
        );
  return fc
    .record({
      path: fc.record(pathParts),
      query: fc.record(queryParts, { requiredKeys: requiredQuery }),
      headers: fc.record(headerParts, { requiredKeys: requiredHeaders }),
      body,
    })
    .map(({ path, query, headers, body: generated }) => {
      const concrete = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(String(path[name])));
      const search = new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, String(value)])).toString();
      return {
        method: operation.method.toUpperCase(),
        url: `${spec.basePath}${concrete}${search === '' ? '' : `?${search}`}`,
        headers: headers as Record<string, string>,
        ...(generated.body === undefined ? {} : { body: generated.body }),
        invalid: generated.invalid,
      };
    });
}

/**
 * Drive every operation of the document with generated requests, valid and invalid (bodies,
 * parameters), and check each response: no 5xx, only documented statuses, content types and
 * strict bodies from the document, and RFC 9457 problem details on 4xx. Failures are shrunk by
 * fast-check and thrown with the request, the seed and a one-line replay.
 *
 * @param target - a Fastify app (`inject`), a base URL on 127.0.0.1, or a function sending the request
 * @param spec - from `loadApiSpec()`
 * @param options - runs, seed, operations, fixed headers, path parameter values
 * @returns what was sent, per operation and status
 * @example
 * await fuzzApi(app, loadApiSpec('openapi.yaml'), { headers: { 'x-tenant-id': tenant.id }, numRuns: 20 })
 */
export async function fuzzApi(target: FuzzTarget, spec: ApiSpec, options: FuzzOptions = {}): Promise<FuzzReport> {
  const selected = spec.operations.filter(
    (operation) =>
      options.operations === undefined ||
      options.operations.includes(operation.operationId ?? '') ||
      options.operations.includes(label(operation)),
  );
  if (selected.length === 0) {
    throw new ContractError('CONTRACT_UNKNOWN_OPERATION', {
      action: `fuzz ${spec.source}`,
      reason: `no operation matches ${JSON.stringify(options.operations)}`,
      fix: `Use operationIds or "METHOD /template" as in the document: ${spec.operations
        .slice(0, 8)
        .map((operation) => JSON.stringify(operation.operationId ?? label(operation)))
        .join(', ')}${spec.operations.length > 8 ? ', ...' : ''}.`,
    });
  }
  const report: FuzzReport = { operations: [] };
  for (const operation of selected) {
    const statuses: Record<string, number> = {};
    let runs = 0;
    const property = fc.asyncProperty(requestArbitrary(spec, operation, options), async (generated) => {
      const extra = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
      const request: FuzzRequest = { ...generated, headers: { ...generated.headers, ...extra } };
      const exchange = await send(target, request);
      runs++;
      statuses[exchange.status] = (statuses[exchange.status] ?? 0) + 1;
      const problems: string[] = [];
      if (exchange.status >= 500) problems.push(`the server answered ${exchange.status}`);
      problems.push(
        ...checkResponse(spec, exchange, { method: request.method, path: request.url.split('?')[0]!, allow: options.allow }).violations.map(
          (violation) => violation.message,
        ),
      );
      if (exchange.status >= 400 && exchange.status < 500 && options.problemDetails !== false) {
        problems.push(...checkProblemDetails(exchange, { status: exchange.status }).map((problem) => `problem details: ${problem}`));
      }
      if (problems.length > 0) {
        throw new BrokenAnswer(
          `${exchange.status} for ${request.invalid ? 'an invalid' : 'a valid'} request ${request.method} ${request.url}${request.body === undefined ? '' : ` ${JSON.stringify(request.body)}`}:\n${problems.map((problem) => `    ${problem}`).join('\n')}`,
        );
      }
    });
    let result: Awaited<ReturnType<typeof fc.check<[FuzzRequest]>>>;
    try {
      result = await fc.check(property, {
        numRuns: options.numRuns ?? 30,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.path === undefined ? {} : { path: options.path }),
      });
    } catch (error) {
      // Generation itself failed (a schema too narrow to construct values for): name the operation.
      if (!isContractError(error)) throw error;
      throw new ContractError(
        error.code,
        {
          action: `fuzz ${label(operation)} of ${spec.source}`,
          reason: 'no request could be generated',
          details: [`  caused by: ${firstLine(error)}`],
        },
        { cause: error },
      );
    }
    if (result.failed) {
      const failure = result.errorInstance;
      const what = failure instanceof BrokenAnswer ? failure.answer : failure instanceof Error ? failure.message : String(failure);
      throw new ContractError(
        'CONTRACT_FUZZ_FAILED',
        {
          action: `fuzz ${label(operation)}`,
          reason: what,
          details: [
            `  seed ${result.seed}, path "${result.counterexamplePath ?? ''}", after ${result.numRuns} runs (shrunk ${result.numShrinks} times).`,
            `  Replay: fuzzApi(target, spec, { seed: ${result.seed}, path: '${result.counterexamplePath ?? ''}', operations: ['${label(operation)}'] })`,
          ],
        },
        { cause: failure },
      );
    }
    report.operations.push({ operation: label(operation), runs, statuses });
  }
  return report;
}
