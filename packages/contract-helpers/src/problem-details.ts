import { ContractError } from './errors.js';
import { isFetchResponseLike, toHttpExchange, toHttpExchangeSync, type HttpExchange, type HttpResponseLike } from './http-exchange.js';
import { isPlainObject } from './schema/walk.js';
import { findPii, type PiiAllowList } from './pii/pii-scan.js';

/** The media type of RFC 9457 problem details. */
export const PROBLEM_JSON = 'application/problem+json';

/** What a problem details response must say. */
export interface ExpectedProblem {
  /** The HTTP status, also required as the `status` member. */
  status?: number;
  /** The `type` URI. */
  type?: string;
  /** The `title`, when it is fixed per type. */
  title?: string;
}

/** Options of the problem details checks. */
export interface ProblemDetailsOptions {
  /** Personal data the problem may legitimately carry (paths are into the problem object). */
  allowPii?: PiiAllowList;
  /** Check extension member names against RFC 9457's advice (letters, digits, `_`, three or more) (default true). */
  memberNames?: boolean;
}

const STACK_TRACE =
  /(?:^|\n)\s*at\s+(?:async\s+)?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^)\n]*:\d+:\d+\)?|\b\w*Error:\s[^\n]*\n\s+at\s|(?:\/|\\)node_modules(?:\/|\\)|\b[\w/.-]+\.(?:js|mjs|cjs|ts|mts|cts):\d+:\d+/;
const MEMBER_NAME = /^[A-Za-z][A-Za-z0-9_]{2,}$/;
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance']);

function isUriReference(value: string): boolean {
  if (value === '' || /\s/.test(value)) return false;
  try {
    new URL(value, 'http://relative.invalid/');
    return true;
  } catch {
    return false;
  }
}

function stackTraceIn(value: unknown, path: string, found: string[]): void {
  if (typeof value === 'string') {
    if (STACK_TRACE.test(value)) found.push(path);
  } else if (Array.isArray(value)) value.forEach((item: unknown, index) => stackTraceIn(item, `${path}[${index}]`, found));
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) stackTraceIn(item, `${path}.${key}`, found);
}

/** Whether a response-like value (rather than a bare problem object) was given. */
function isResponseLike(value: unknown): boolean {
  if (!isPlainObject(value) && (typeof value !== 'object' || value === null)) return false;
  const loose = value as Record<string, unknown>;
  return typeof loose['statusCode'] === 'number' || 'headers' in loose || 'config' in loose || 'req' in loose;
}

/**
 * Every way `exchange` breaks RFC 9457 or the expectation: the content type is
 * `application/problem+json`; the body is an object with a `type` URI reference, a `title`, and a
 * `status` equal to the HTTP status; `detail` and `instance` are strings; no member holds a stack
 * trace; no personal data in `detail` or extension members; extension names follow the RFC's advice.
 *
 * @param exchange - the response (or `{ body }` alone, when checking a problem object without HTTP)
 * @param expected - the status, type and title it must have
 * @param options - personal data to allow, member name check
 * @example
 * checkProblemDetails(toHttpExchangeSync(response), { status: 404, type: 'https://api.example/problems/not-found' }) // []
 */
export function checkProblemDetails(
  exchange: HttpExchange | { body: unknown },
  expected: ExpectedProblem = {},
  options: ProblemDetailsOptions = {},
): string[] {
  const problems: string[] = [];
  const http = 'status' in exchange && 'headers' in exchange ? exchange : undefined;
  if (http !== undefined) {
    const contentType = http.headers['content-type'];
    if (contentType === undefined || contentType.split(';')[0]!.trim().toLowerCase() !== PROBLEM_JSON) {
      problems.push(`content-type is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}, not ${PROBLEM_JSON}`);
    }
    if (expected.status !== undefined && http.status !== expected.status)
      problems.push(`HTTP status is ${http.status}, expected ${expected.status}`);
    else if (http.status < 400)
      problems.push(`HTTP status is ${http.status}: a problem details document reports an error, so it must carry a 4xx or 5xx status`);
  }
  const body = exchange.body;
  if (!isPlainObject(body)) {
    problems.push(`the body is ${body === undefined ? 'empty' : typeof body === 'string' ? 'not JSON' : 'not a JSON object'}`);
    return problems;
  }
  const { type, title, status, detail, instance } = body;
  if (type === undefined) problems.push('"type" is missing (use a URI that identifies the problem type, or "about:blank")');
  else if (typeof type !== 'string' || !isUriReference(type)) problems.push(`"type" is ${JSON.stringify(type)}, not a URI reference`);
  else if (expected.type !== undefined && type !== expected.type)
    problems.push(`"type" is ${JSON.stringify(type)}, expected ${JSON.stringify(expected.type)}`);
  if (title === undefined) problems.push('"title" is missing');
  else if (typeof title !== 'string') problems.push(`"title" is ${JSON.stringify(title)}, not a string`);
  else if (expected.title !== undefined && title !== expected.title)
    problems.push(`"title" is ${JSON.stringify(title)}, expected ${JSON.stringify(expected.title)}`);
  if (status === undefined) problems.push('"status" is missing');
  else if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    problems.push(`"status" is ${JSON.stringify(status)}, not an HTTP status code`);
  else {
    if (http !== undefined && status !== http.status) problems.push(`"status" is ${status} but the HTTP status is ${http.status}`);
    if (http === undefined && expected.status !== undefined && status !== expected.status)
      problems.push(`"status" is ${status}, expected ${expected.status}`);
    else if (http === undefined && status < 400)
      problems.push(`"status" is ${status}: a problem details document must carry a 4xx or 5xx status`);
  }
  if (detail !== undefined && typeof detail !== 'string') problems.push(`"detail" is ${JSON.stringify(detail)}, not a string`);
  if (instance !== undefined && (typeof instance !== 'string' || !isUriReference(instance)))
    problems.push(`"instance" is ${JSON.stringify(instance)}, not a URI reference`);
  const traces: string[] = [];
  stackTraceIn(body, '$', traces);
  for (const path of traces) problems.push(`${path} holds a stack trace or source location`);
  for (const key of Object.keys(body)) {
    if (['stack', 'stacktrace', 'trace', 'exception'].includes(key.toLowerCase()) && !traces.includes(`$.${key}`))
      problems.push(`"${key}" exposes internals; keep them in the log`);
    if (options.memberNames !== false && !STANDARD_MEMBERS.has(key) && !MEMBER_NAME.test(key)) {
      problems.push(
        `extension member "${key}" should start with a letter and use only letters, digits and "_" (at least three characters; RFC 9457 section 3.2)`,
      );
    }
  }
  const scanned: Record<string, unknown> = { ...body };
  for (const member of ['type', 'title', 'status', 'instance']) delete scanned[member];
  for (const finding of findPii(scanned, { allow: options.allowPii })) {
    problems.push(`${finding.path} holds personal data (${finding.category}, ${finding.masked})`);
  }
  return problems;
}

/** Whether to treat a value given to the problem checks as a response (else a bare problem object). */
export function problemSubject(value: unknown): HttpExchange | { body: unknown } {
  return isResponseLike(value) ? toHttpExchangeSync(value as HttpResponseLike) : { body: value };
}

/** One row of an error mapping table: a domain error and the problem it must become. */
export interface ErrorMappingRow {
  /** A name for the row (default: the error's name or constructor). */
  name?: string;
  /** The domain error, or a function creating it. */
  error: unknown;
  status: number;
  type: string;
  title?: string;
}

/** What the service under test turns a domain error into: a response, or a problem details object. */
export type ErrorMapper = (error: unknown) => unknown;

/** The outcome of one row. */
export interface ErrorMappingOutcome {
  row: string;
  problems: string[];
}

function rowName(row: ErrorMappingRow): string {
  if (row.name !== undefined) return row.name;
  const error = typeof row.error === 'function' && !(row.error.prototype instanceof Error) ? undefined : row.error;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : 'error';
}

/**
 * Run every row of an error mapping table through `map` and check what comes out is the problem
 * details the row names. Resolves to one outcome per row (empty `problems` when it maps right).
 *
 * @param rows - domain errors and the status/type each must map to
 * @param map - the service's mapping: an error in, a response (`inject`, fetch, axios...) or a problem object out
 * @param options - see {@link ProblemDetailsOptions}
 * @example
 * const outcomes = await checkErrorMapping([{ error: new NotFound('x'), status: 404, type: 'https://api.example/problems/not-found' }], toProblem)
 */
export async function checkErrorMapping(
  rows: readonly ErrorMappingRow[],
  map: ErrorMapper,
  options: ProblemDetailsOptions = {},
): Promise<ErrorMappingOutcome[]> {
  const outcomes: ErrorMappingOutcome[] = [];
  for (const row of rows) {
    const error = typeof row.error === 'function' && !(row.error.prototype instanceof Error) ? (row.error as () => unknown)() : row.error;
    let result: unknown;
    try {
      result = await map(error);
    } catch (thrown) {
      outcomes.push({
        row: rowName(row),
        problems: [`the mapper threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`],
      });
      continue;
    }
    const exchange = isFetchResponseLike(result) ? await toHttpExchange(result as HttpResponseLike) : problemSubject(result);
    outcomes.push({
      row: rowName(row),
      problems: checkProblemDetails(
        exchange,
        { status: row.status, type: row.type, ...(row.title === undefined ? {} : { title: row.title }) },
        options,
      ),
    });
  }
  return outcomes;
}

interface JestGlobals {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => Promise<void>) => void;
  expect: (value: unknown) => { toEqual(expected: unknown): void };
}

/**
 * Register a `describe` block with one test per row of an error mapping table (and, with
 * `kinds`, a test that every kind of domain error has a row): each fails with the row's problems
 * listed.
 *
 * @param title - the describe block's title
 * @param rows - domain errors and the status/type each must map to
 * @param map - the service's mapping
 * @param options - `kinds`: every problem type the service defines, to catch rows missing from the table
 * @example
 * describeErrorMapping('problem mapping', [
 *   { error: problem('not-found', 'x'), status: 404, type: `${BASE}not-found` },
 * ], (error) => problemDetailsOf(error, '/x'))
 */
export function describeErrorMapping(
  title: string,
  rows: readonly ErrorMappingRow[],
  map: ErrorMapper,
  options: ProblemDetailsOptions & { types?: readonly string[] } = {},
): void {
  const jest = globalThis as unknown as Partial<JestGlobals>;
  if (typeof jest.describe !== 'function' || typeof jest.it !== 'function' || typeof jest.expect !== 'function') {
    throw new ContractError('CONTRACT_MISSING_JEST_GLOBALS', {
      action: 'register the error mapping tests',
      reason: 'describe/it/expect are not globals here',
      fix: 'Call describeErrorMapping() at the top level of a Jest test file (with injectGlobals on), or use checkErrorMapping().',
    });
  }
  const { describe, it, expect } = jest as JestGlobals;
  describe(title, () => {
    for (const row of rows) {
      it(`should map ${rowName(row)} to ${row.status} ${row.type}`, async () => {
        const [outcome] = await checkErrorMapping([row], map, options);
        expect(outcome!.problems).toEqual([]);
      });
    }
    if (options.types !== undefined) {
      const types = options.types;
      it('should have a row for every problem type', async () => {
        const covered = new Set(rows.map((row) => row.type));
        await Promise.resolve();
        expect(types.filter((type) => !covered.has(type))).toEqual([]);
      });
    }
  });
}
