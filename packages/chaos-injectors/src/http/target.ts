import { listOptionProblems, type OptionCheck } from '@proving-ground/kit';

/** A host, path or header value to match: a string (`*` matches any run of characters) or a RegExp. */
export type TextPattern = string | RegExp;

/**
 * Which outbound requests a fault acts on. Every given field must match; an empty target matches
 * every request.
 *
 * @example
 * { host: 'api.openai.com', method: 'POST', path: '/v1/*', headers: { 'x-tenant': 'acme' } }
 */
export interface HttpTarget {
  /** The host name (`api.openai.com`, `*.openai.com`), or `host:port` when it holds a colon; or a RegExp tried on both. */
  host?: TextPattern | undefined;
  /** The method (any case), or a list of them. */
  method?: string | readonly string[] | undefined;
  /** The path without the query: `*` matches any run of characters, `/` included (as in msw), so `/v1/*` matches `/v1/chat/completions`. */
  path?: TextPattern | undefined;
  /** Request headers that must be present (`true`), or match a string or RegExp. */
  headers?: Readonly<Record<string, TextPattern | true>> | undefined;
}

/** The parts of a request a target looks at, read once per request. */
export interface RequestFacts {
  method: string;
  hostname: string;
  host: string;
  path: string;
  headers: Headers;
}

/**
 * Reads a request's method, host and path (without the query). `request.url` is already a
 * serialised URL (lower-case scheme and host, no default port), so slicing it is exact, and several
 * times cheaper than `new URL()` on a path every outbound request takes.
 */
export function requestFacts(request: Request): RequestFacts {
  const url = request.url;
  const start = url.indexOf('//') + 2;
  let end = start;
  while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++;
  const authority = url.slice(start, end);
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const colon = host.startsWith('[') ? host.indexOf(':', host.indexOf(']')) : host.indexOf(':');
  let pathEnd = end;
  while (pathEnd < url.length && url[pathEnd] !== '?' && url[pathEnd] !== '#') pathEnd++;
  return {
    method: request.method,
    hostname: colon === -1 ? host : host.slice(0, colon),
    host,
    path: end === pathEnd ? '/' : url.slice(end, pathEnd),
    headers: request.headers,
  };
}

function wildcardToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '');
}

function textMatcher(pattern: TextPattern, caseInsensitive: boolean): (text: string) => boolean {
  if (pattern instanceof RegExp) {
    // A global or sticky RegExp keeps `lastIndex` between tests: match on a copy without those flags.
    const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return (text) => regexp.test(text);
  }
  if (pattern.includes('*')) {
    const regexp = wildcardToRegExp(pattern, caseInsensitive);
    return (text) => regexp.test(text);
  }
  if (caseInsensitive) {
    const lower = pattern.toLowerCase();
    return (text) => text.toLowerCase() === lower;
  }
  return (text) => text === pattern;
}

/**
 * A test of requests for `target`: each field compiled once, so matching costs a few string
 * comparisons per request.
 *
 * @example
 * targetMatcher({ method: 'POST', path: '/v1/*' })(requestFacts(request))
 */
export function targetMatcher(target: HttpTarget): (facts: RequestFacts) => boolean {
  const tests: Array<(facts: RequestFacts) => boolean> = [];
  if (target.host !== undefined) {
    const host = target.host;
    const match = textMatcher(host, true);
    if (host instanceof RegExp) tests.push((facts) => match(facts.hostname) || match(facts.host));
    else if (host.includes(':')) tests.push((facts) => match(facts.host));
    else tests.push((facts) => match(facts.hostname));
  }
  if (target.method !== undefined) {
    const methods = new Set((typeof target.method === 'string' ? [target.method] : target.method).map((method) => method.toUpperCase()));
    tests.push((facts) => methods.has(facts.method.toUpperCase()));
  }
  if (target.path !== undefined) {
    const match = textMatcher(target.path, false);
    tests.push((facts) => match(facts.path));
  }
  for (const [name, pattern] of Object.entries(target.headers ?? {})) {
    const match = pattern === true ? () => true : textMatcher(pattern, false);
    tests.push((facts) => {
      const value = facts.headers.get(name);
      return value !== null && match(value);
    });
  }
  return (facts) => tests.every((test) => test(facts));
}

/** The target in words, for the fault timeline: `POST api.openai.com/v1/*`. */
export function describeTarget(target: HttpTarget): string {
  const method = target.method === undefined ? '' : `${typeof target.method === 'string' ? target.method : target.method.join('|')} `;
  const host = target.host === undefined ? '*' : String(target.host);
  const path = target.path === undefined ? '' : target.path instanceof RegExp ? ` ${String(target.path)}` : target.path;
  const headers = Object.entries(target.headers ?? {}).map(([name, value]) => ` [${name}${value === true ? '' : `=${String(value)}`}]`);
  return `${method.toUpperCase()}${host}${path}${headers.join('')}`;
}

const patternCheck: OptionCheck = (value) =>
  (typeof value === 'string' && value !== '') || value instanceof RegExp ? undefined : 'expected a non-empty string or a RegExp';

const methodCheck: OptionCheck = (value) => {
  const methods = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (methods === undefined || methods.length === 0) return 'expected a method (GET, POST, ...) or a non-empty list of them';
  const wrong = methods.find((method) => typeof method !== 'string' || !/^[A-Za-z]+$/.test(method));
  return wrong === undefined ? undefined : `expected method names such as GET or POST, got ${JSON.stringify(wrong)}`;
};

const headersCheck: OptionCheck = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'expected an object of header names to strings, RegExps or true';
  const wrong = Object.entries(value).find(([, pattern]) => pattern !== true && patternCheck(pattern) !== undefined);
  return wrong === undefined ? undefined : `expected "${wrong[0]}" to be a string, a RegExp or true`;
};

/** Every problem of a target, one line each (`- path: ...`), with "did you mean" for unknown fields. */
export function targetProblems(target: unknown): string[] {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    return ['- target: expected an object such as { host, method, path, headers }.'];
  }
  return listOptionProblems(target, { host: patternCheck, method: methodCheck, path: patternCheck, headers: headersCheck }, 'target.');
}
