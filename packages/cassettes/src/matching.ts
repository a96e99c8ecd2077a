import { createHash } from 'node:crypto';
import { compactCanonicalJson, type RecordedRequest } from './format.js';
import { isSensitiveHeader } from './redaction/rules.js';
import { parsePath, type PathStep } from './internal/json-path.js';

/** How recorded interactions are matched to requests. */
export interface MatchOptions {
  /**
   * `exact` (default): method, normalized URL (query order ignored), canonical body and credential
   * headers. `similar`: also blind to UUIDs, ISO timestamps, epoch timestamps (seconds or
   * milliseconds, as JSON numbers or in text) and whitespace. `adaptive`: like
   * `similar`, else the nearest recording on the same route above `threshold`, with a warning.
   */
  strategy?: 'exact' | 'similar' | 'adaptive';
  /** Headers never compared (credential headers are compared by their redacted fingerprint). */
  ignoreHeaders?: readonly string[];
  /** Headers compared besides the credential headers. */
  matchHeaders?: readonly string[];
  /** Query parameters left out of matching (e.g. `_`, `timestamp`). */
  ignoreQuery?: readonly string[];
  /** JSON body paths left out of matching: `metadata.requestId`, `messages[*].id`, `items[0].at`. */
  ignoreBodyPaths?: readonly string[];
  /** Replaces the built-in comparison: whether `recorded` answers `incoming` (both redacted and aliased). */
  matcher?: (incoming: RecordedRequest, recorded: RecordedRequest) => boolean;
  /** Minimum similarity (0..1) for `adaptive`; default 0.8. */
  threshold?: number;
  /** Let an interaction answer again once every identical one was used (default false). */
  repeats?: boolean;
}

/** The comparable form of a request. */
export interface RequestShape {
  method: string;
  route: string;
  query: [string, string][];
  headers: Record<string, string>;
  body: unknown;
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
/** Seconds (10 digits) or milliseconds (13 digits) since 1970, from 2001 to 2286, with any fraction. */
const EPOCH = /\b1\d{9}(?:\d{3})?(?:\.\d+)?\b/g;
const EPOCH_NUMBER = /^1\d{9}(?:\d{3})?(?:\.\d+)?$/;

function loosen(value: string): string {
  return value.replace(UUID, '<uuid>').replace(ISO_TIME, '<time>').replace(EPOCH, '<epoch>').replace(/\s+/g, ' ').trim();
}

function removePath(node: unknown, path: readonly PathStep[]): void {
  if (path.length === 0 || node === null || typeof node !== 'object') return;
  const [head, ...rest] = path;
  const container = node as Record<string | number, unknown>;
  const keys = typeof head === 'object' ? Object.keys(container) : [head!];
  for (const key of keys) {
    if (rest.length === 0) {
      if (Array.isArray(container)) container[key as number] = '<ignored>';
      else delete container[key];
    } else removePath(container[key], rest);
  }
}

/** A JSON value with UUIDs, timestamps and whitespace blurred in its strings, and epoch timestamps sent as numbers blurred too. */
function loosenJson(node: unknown): unknown {
  if (typeof node === 'string') return loosen(node);
  if (typeof node === 'number') return EPOCH_NUMBER.test(String(node)) ? '<epoch>' : node;
  if (Array.isArray(node)) return node.map((item) => loosenJson(item));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, loosenJson(value)]));
  }
  return node;
}

function bodyValue(request: RecordedRequest): unknown {
  const { body } = request;
  if (body === undefined) return null;
  if ('json' in body) return structuredClone(body.json);
  if ('base64' in body) return { sha256: createHash('sha256').update(Buffer.from(body.base64, 'base64')).digest('hex') };
  const type = request.headers['content-type'] ?? '';
  if (/x-www-form-urlencoded/i.test(type)) {
    return Object.fromEntries([...new URLSearchParams(body.text)].sort(([a], [b]) => a.localeCompare(b)));
  }
  const trimmed = body.text.trim();
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    // Not one JSON document: maybe JSON lines (NDJSON), else plain text.
  }
  const lines = trimmed.split('\n').filter((line) => line.trim() !== '');
  try {
    if (lines.length > 1) return { lines: lines.map((line) => JSON.parse(line) as unknown) };
  } catch {
    // Plain text.
  }
  return body.text;
}

/**
 * The comparable form of a (redacted, aliased) request under `options`.
 *
 * @example
 * requestShape({ method: 'GET', url: 'https://x.test/a?b=1&a=2', headers: {} }).query // [['a','2'],['b','1']]
 */
export function requestShape(request: RecordedRequest, options: MatchOptions = {}): RequestShape {
  const url = new URL(request.url);
  const ignoredQuery = new Set(options.ignoreQuery ?? []);
  const ignoredHeaders = new Set((options.ignoreHeaders ?? []).map((name) => name.toLowerCase()));
  const matched = new Set((options.matchHeaders ?? []).map((name) => name.toLowerCase()));
  const loose = options.strategy === 'similar' || options.strategy === 'adaptive';
  const query = [...url.searchParams]
    .filter(([name]) => !ignoredQuery.has(name))
    .map(([name, value]): [string, string] => [name, loose ? loosen(value) : value])
    .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (ignoredHeaders.has(lower)) continue;
    if (isSensitiveHeader(lower) || matched.has(lower)) headers[lower] = value;
  }
  let body = bodyValue(request);
  for (const path of options.ignoreBodyPaths ?? []) removePath(body, parsePath(path));
  if (loose) body = loosenJson(body);
  return { method: request.method.toUpperCase(), route: `${url.origin}${url.pathname}`, query, headers, body };
}

/**
 * A string that is equal for two requests exactly when their shapes are equal.
 *
 * @example
 * requestKey(requestShape(request))
 */
export function requestKey(shape: RequestShape): string {
  return compactCanonicalJson(shape);
}

/** One difference between a recorded request and an incoming one. */
export interface FieldDifference {
  /** `url`, `query.page`, `headers.authorization`, `body.messages[1].content`. */
  path: string;
  recorded: string | undefined;
  incoming: string | undefined;
}

function flatten(shape: RequestShape): Map<string, string> {
  const out = new Map<string, string>();
  out.set('method', shape.method);
  out.set('route', shape.route);
  for (const [name, value] of shape.query)
    out.set(`query.${name}`, out.has(`query.${name}`) ? `${out.get(`query.${name}`)},${value}` : value);
  for (const [name, value] of Object.entries(shape.headers)) out.set(`headers.${name}`, value);
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) out.set(path, '[]');
      node.forEach((item, index) => walk(item, `${path}[${index}]`));
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length === 0) out.set(path, '{}');
      for (const [key, value] of entries) walk(value, `${path}.${key}`);
    } else out.set(path, typeof node === 'string' ? node : JSON.stringify(node));
  };
  walk(shape.body, 'body');
  return out;
}

/**
 * The fields in which two request shapes differ.
 *
 * @example
 * diffShapes(recordedShape, incomingShape) // [{ path: 'body.messages[1].content', recorded: 'Refund?', incoming: 'Refunds?' }]
 */
export function diffShapes(recorded: RequestShape, incoming: RequestShape): FieldDifference[] {
  const a = flatten(recorded);
  const b = flatten(incoming);
  const differences: FieldDifference[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(path) !== b.get(path)) differences.push({ path, recorded: a.get(path), incoming: b.get(path) });
  }
  return differences;
}

/**
 * How alike two requests are, from 0 (nothing in common) to 1 (same shape).
 *
 * @example
 * similarity(recordedShape, incomingShape) // 0.93
 */
export function similarity(recorded: RequestShape, incoming: RequestShape): number {
  const a = flatten(recorded);
  const b = flatten(incoming);
  const paths = new Set([...a.keys(), ...b.keys()]);
  let same = 0;
  for (const path of paths) if (a.get(path) === b.get(path)) same += 1;
  return paths.size === 0 ? 1 : same / paths.size;
}
