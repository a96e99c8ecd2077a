import { checkResponse, type ApiCheck, type ApiCheckOptions } from './openapi/conformance.js';
import type { ApiSpec } from './openapi/api-spec.js';
import { ContractError } from './errors.js';
import { isFetchResponseLike, toHttpExchange, toHttpExchangeSync, type HttpExchange } from './http-exchange.js';
import { findPii, type PiiScanOptions } from './pii/pii-scan.js';
import { checkProblemDetails, problemSubject, type ExpectedProblem, type ProblemDetailsOptions } from './problem-details.js';
import { describeUndeclared, printSafe } from './safe-print.js';
import { validateAgainstSchema, type SchemaInput, type SchemaOptions, type SchemaViolation } from './schema/validator.js';

/** The part of Jest's matcher context (`this` in a matcher) the matchers use. */
export interface MatcherContext {
  isNot?: boolean;
  promise?: string;
  utils?: { matcherHint(name: string, received?: string, expected?: string, options?: { isNot?: boolean; promise?: string }): string };
}

/** What a matcher function returns to Jest. */
export interface MatcherOutcome {
  pass: boolean;
  message(): string;
}

const PASSED_SCHEMA: MatcherOutcome = { pass: true, message: () => 'Expected the value not to match the schema, but it does.' };

function describeViolations(violations: readonly SchemaViolation[], showUndeclaredValues: boolean | undefined): string {
  return violations
    .map((violation) =>
      violation.extraField !== undefined
        ? `  ${violation.path}: extra field "${violation.extraField}" is not declared (${describeUndeclared(violation.actual, violation.path, showUndeclaredValues)})`
        : `  ${violation.path}: ${violation.message}\n      expected: ${violation.expected}\n      actual:   ${printSafe(violation.actual, violation.path)}`,
    )
    .join('\n');
}

function matcherName(context: MatcherContext | undefined, name: string, expected = 'expected'): string {
  return context?.utils?.matcherHint(name, undefined, expected, { isNot: context.isNot, promise: context.promise }) ?? name;
}

/**
 * `expect(value).toMatchSchema(schema, options?)`: `value` matches a JSON Schema (2020-12, 07...),
 * an OpenAPI component (`api.schema('Order')`) or a Standard Schema object (zod 4, valibot),
 * strictly: undeclared properties at any depth fail, except under `options.allow` paths.
 *
 * @param this - Jest's matcher context
 * @param received - the value under test
 * @param schema - the schema
 * @param options - strictness, allow-list, dialect
 * @example
 * expect(order).toMatchSchema(api.schema('Order'), { allow: ['$.meta.*'] })
 */
export function toMatchSchema(
  this: MatcherContext | undefined,
  received: unknown,
  schema: SchemaInput,
  options?: SchemaOptions,
): MatcherOutcome {
  const violations = validateAgainstSchema(received, schema, options);
  const pass = violations.length === 0;
  if (pass && this?.isNot !== true) return PASSED_SCHEMA;
  return {
    pass,
    message: () =>
      pass
        ? `${matcherName(this, 'toMatchSchema', 'schema')}\n\nExpected the value not to match the schema, but it does.`
        : `${matcherName(this, 'toMatchSchema', 'schema')}\n\nExpected the value to match the schema${options?.strict === false ? '' : ' (strict: undeclared fields fail)'}; ${violations.length} ${violations.length === 1 ? 'violation' : 'violations'}:\n${describeViolations(violations, options?.showUndeclaredValues)}`,
  };
}

function describeApiCheck(check: ApiCheck, showUndeclaredValues: boolean | undefined): string {
  return check.violations
    .map((violation) =>
      violation.schema !== undefined ? describeViolations([violation.schema], showUndeclaredValues) : `  ${violation.message}`,
    )
    .join('\n');
}

function apiOutcome(context: MatcherContext | undefined, exchange: HttpExchange, spec: ApiSpec, options: ApiCheckOptions): MatcherOutcome {
  const check = checkResponse(spec, exchange, options);
  const pass = check.violations.length === 0;
  const where = `${exchange.status} from ${check.operation ?? `${exchange.method ?? '?'} ${exchange.path ?? '?'}`}`;
  return {
    pass,
    message: () =>
      pass
        ? `${matcherName(context, 'toSatisfyApiSpec', 'api')}\n\nExpected the response (${where}) not to satisfy ${spec.source}, but it does.`
        : `${matcherName(context, 'toSatisfyApiSpec', 'api')}\n\nExpected the response (${where}) to satisfy ${spec.source}; ${check.violations.length} ${check.violations.length === 1 ? 'violation' : 'violations'}:\n${describeApiCheck(check, options.showUndeclaredValues)}`,
  };
}

/**
 * `expect(response).toSatisfyApiSpec(api, options?)`: the response's status is documented for its
 * operation, its content type is declared, required headers are there and its body matches the
 * schema strictly. Accepts fetch `Response` (await the assertion), axios, light-my-request
 * (`inject`) and supertest responses, against OpenAPI 3.0 or 3.1.
 *
 * @param this - Jest's matcher context
 * @param received - the response
 * @param spec - from `loadApiSpec()`
 * @param options - allow-list, strictness, and `method`/`path` when the response does not carry them
 * @example
 * await expect(await fetch(`${url}/orders/1`)).toSatisfyApiSpec(api)
 * expect(await app.inject({ method: 'GET', url: '/orders/1' })).toSatisfyApiSpec(api)
 */
export function toSatisfyApiSpec(
  this: MatcherContext | undefined,
  received: unknown,
  spec: ApiSpec,
  options: ApiCheckOptions = {},
): MatcherOutcome | Promise<MatcherOutcome> {
  if (typeof spec !== 'object' || spec === null || typeof (spec as Partial<ApiSpec>).findOperation !== 'function') {
    throw new ContractError('CONTRACT_INVALID_OPTIONS', {
      action: 'check a response',
      reason: 'toSatisfyApiSpec needs the result of loadApiSpec(), not a raw document',
      fix: 'Call loadApiSpec(fileOrObject) once at the top of the test file.',
    });
  }
  if (isFetchResponseLike(received)) {
    return toHttpExchange(received as object, options).then((exchange) => apiOutcome(this, exchange, spec, options));
  }
  return apiOutcome(this, toHttpExchangeSync(received as object, options), spec, options);
}

function problemOutcome(
  context: MatcherContext | undefined,
  subject: HttpExchange | { body: unknown },
  expected: ExpectedProblem,
  options: ProblemDetailsOptions,
): MatcherOutcome {
  const problems = checkProblemDetails(subject, expected, options);
  const pass = problems.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `${matcherName(context, 'toBeProblemDetails')}\n\nExpected the response not to be RFC 9457 problem details${expected.status === undefined ? '' : ` with status ${expected.status}`}, but it is.`
        : `${matcherName(context, 'toBeProblemDetails')}\n\nExpected RFC 9457 problem details${expected.status === undefined ? '' : ` with status ${expected.status}`}${expected.type === undefined ? '' : ` and type ${expected.type}`}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`,
  };
}

/**
 * `expect(response).toBeProblemDetails({ status, type, title }?, options?)`: an RFC 9457 error:
 * `application/problem+json`, `status` equal to the HTTP status, `type` (a URI reference) and
 * `title` present, no stack trace anywhere and no personal data in `detail` or extensions. Also
 * accepts a bare problem object (no HTTP checks then).
 *
 * @param this - Jest's matcher context
 * @param received - a response (any supported client) or a problem object
 * @param expected - the status, type and title it must have
 * @param options - personal data to allow, member name check
 * @example
 * expect(await app.inject({ method: 'GET', url: '/orders/nope' })).toBeProblemDetails({ status: 404, type: 'https://api.example/problems/not-found' })
 */
export function toBeProblemDetails(
  this: MatcherContext | undefined,
  received: unknown,
  expected: ExpectedProblem = {},
  options: ProblemDetailsOptions = {},
): MatcherOutcome | Promise<MatcherOutcome> {
  if (isFetchResponseLike(received))
    return toHttpExchange(received as object).then((exchange) => problemOutcome(this, exchange, expected, options));
  return problemOutcome(this, problemSubject(received), expected, options);
}

/**
 * `expect(value).toContainPii(options?)`, mostly as `expect(value).not.toContainPii({ allow })`:
 * whether `value` (any JSON-like value, string, or captured log entries) holds personal data or
 * secrets. Failures list the JSONPath, category, risk and a masked sample, never the raw value.
 *
 * @param this - Jest's matcher context
 * @param received - the value under test
 * @param options - allow-list, categories, minimum risk
 * @example
 * expect(response.json()).not.toContainPii({ allow: { paths: ['$.supportEmail'] } })
 */
export function toContainPii(this: MatcherContext | undefined, received: unknown, options: PiiScanOptions = {}): MatcherOutcome {
  const findings = findPii(received, options);
  const pass = findings.length > 0;
  const list = findings
    .map(
      (finding) =>
        `  ${finding.path}  ${finding.category}  risk ${finding.risk.toFixed(2)}  ${finding.masked}${finding.evidence === 'key' ? '  (by its property name)' : ''}`,
    )
    .join('\n');
  return {
    pass,
    message: () =>
      pass
        ? `${matcherName(this, 'toContainPii', 'options')}\n\nExpected no personal data or secrets; found ${findings.length} (values masked):\n${list}\nRemove or redact them, or allow known-safe values with { allow: { paths, values, categories } }.`
        : `${matcherName(this, 'toContainPii', 'options')}\n\nExpected personal data or secrets, but found none.`,
  };
}

/**
 * The matchers as one object for `expect.extend(contractMatchers)`; or add
 * `@proving-ground/contract-helpers/jest` to `setupFilesAfterEnv`, which does it for you.
 *
 * @example
 * import { expect } from '@jest/globals'
 * expect.extend(contractMatchers)
 */
export const contractMatchers = { toMatchSchema, toSatisfyApiSpec, toBeProblemDetails, toContainPii };

/** A fetch `Response`: the matchers that read a body return a promise for it. */
type FetchResponseLike = { clone(): unknown; text(): Promise<string>; readonly bodyUsed: boolean };
/** `Promise<R>` when the received value is a fetch Response, else `R`. */
type AwaitedFor<T, R> = T extends FetchResponseLike ? Promise<R> : R;

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** The value matches the schema strictly (undeclared fields at any depth fail). See {@link toMatchSchema}. */
    toMatchSchema(schema: SchemaInput, options?: SchemaOptions): R;
    /** The response conforms to the OpenAPI document. Await it for fetch responses. See {@link toSatisfyApiSpec}. */
    toSatisfyApiSpec(spec: ApiSpec, options?: ApiCheckOptions): AwaitedFor<T, R>;
    /** The response is RFC 9457 problem details. Await it for fetch responses. See {@link toBeProblemDetails}. */
    toBeProblemDetails(expected?: ExpectedProblem, options?: ProblemDetailsOptions): AwaitedFor<T, R>;
    /** The value holds personal data or secrets (use with `.not`). See {@link toContainPii}. */
    toContainPii(options?: PiiScanOptions): R;
  }
  interface AsymmetricMatchers {
    toMatchSchema(schema: SchemaInput, options?: SchemaOptions): void;
    toContainPii(options?: PiiScanOptions): void;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the shape @types/jest declares its matchers in
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- must repeat @types/jest's declaration exactly
    interface Matchers<R, T = {}> {
      toMatchSchema(schema: SchemaInput, options?: SchemaOptions): R;
      toSatisfyApiSpec(spec: ApiSpec, options?: ApiCheckOptions): AwaitedFor<T, R>;
      toBeProblemDetails(expected?: ExpectedProblem, options?: ProblemDetailsOptions): AwaitedFor<T, R>;
      toContainPii(options?: PiiScanOptions): R;
    }
  }
}
