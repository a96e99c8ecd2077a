import { ContractError } from './errors.js';

/** An HTTP response in one shape, whatever client produced it. */
export interface HttpExchange {
  /** The request method, upper case, when the response object knows it. */
  method: string | undefined;
  /** The request path (without query string), when the response object knows it. */
  path: string | undefined;
  /** The query string (without `?`), when known. */
  query: string | undefined;
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the text (undefined when empty). */
  body: unknown;
  /** The body as text ('' when empty). */
  text: string;
}

/** What {@link toHttpExchange} accepts: a fetch `Response`, an axios response, a light-my-request/`inject` response, a supertest response, or a plain `{ status, headers, body }`. */
export type HttpResponseLike = object;

type Loose = Record<string, unknown>;

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  const source = typeof (headers as { toJSON?: unknown }).toJSON === 'function' ? (headers as { toJSON(): unknown }).toJSON() : headers;
  if (typeof (source as { forEach?: unknown }).forEach === 'function' && typeof (source as { get?: unknown }).get === 'function') {
    (source as { forEach(callback: (value: string, name: string) => void): void }).forEach(
      (value, name) => (out[name.toLowerCase()] = value),
    );
    return out;
  }
  for (const [name, value] of Object.entries(source as Loose)) {
    if (value !== undefined && value !== null)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Whether a content type is JSON (`application/json`, `application/problem+json`, `...+json`). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (isJsonMediaType(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function splitUrl(url: string | undefined): { path: string | undefined; query: string | undefined } {
  if (url === undefined || url === '') return { path: undefined, query: undefined };
  const parsed = new URL(url, 'http://127.0.0.1');
  // Kept percent-encoded: decoding here would turn `%2F` into a separator or throw on `%25`/`%zz`;
  // path parameters are decoded one by one once the template has matched.
  return { path: parsed.pathname, query: parsed.search === '' ? undefined : parsed.search.slice(1) };
}

function isFetchResponse(value: Loose): boolean {
  return (
    typeof value['status'] === 'number' &&
    typeof (value['headers'] as Loose | undefined)?.['get'] === 'function' &&
    typeof value['clone'] === 'function'
  );
}

/** Whether `value` is a fetch `Response`, whose body can only be read asynchronously. */
export function isFetchResponseLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && isFetchResponse(value as Loose);
}

/**
 * One shape for the responses of fetch, axios, light-my-request (Fastify's `inject`) and
 * supertest. A fetch `Response` is read from a clone, so the test can still read it.
 *
 * @param response - the client's response object
 * @param request - the method and path when the response object does not carry them (fetch)
 * @example
 * const exchange = await toHttpExchange(await app.inject({ method: 'GET', url: '/orders' }))
 * exchange.status // 200
 */
export async function toHttpExchange(response: HttpResponseLike, request: { method?: string; path?: string } = {}): Promise<HttpExchange> {
  const value = response as Loose;
  if (isFetchResponse(value)) {
    const fetchResponse = response as Response;
    const text = await fetchResponse.clone().text();
    const headers = headerRecord(fetchResponse.headers);
    const url = splitUrl(fetchResponse.url);
    return {
      method: request.method?.toUpperCase(),
      path: request.path ?? url.path,
      query: url.query,
      status: fetchResponse.status,
      headers,
      body: parseBody(text, headers['content-type']),
      text,
    };
  }
  return toHttpExchangeSync(response, request);
}

/**
 * {@link toHttpExchange} for clients whose responses are already read (everything but fetch).
 *
 * @param response - axios, light-my-request, supertest or `{ status, headers, body }`
 * @param request - the method and path when the response object does not carry them
 * @example
 * toHttpExchangeSync(await request(app).get('/orders')).status
 */
export function toHttpExchangeSync(response: HttpResponseLike, request: { method?: string; path?: string } = {}): HttpExchange {
  const value = response as Loose;
  if (isFetchResponse(value)) {
    throw new ContractError('CONTRACT_UNSUPPORTED_RESPONSE', {
      action: 'read a fetch Response synchronously',
      reason: 'its body is a stream',
      fix: 'Await the matcher (`await expect(response).toSatisfyApiSpec(api)`) or use toHttpExchange().',
    });
  }
  // light-my-request (Fastify inject)
  if (typeof value['statusCode'] === 'number' && typeof value['payload'] === 'string') {
    const raw = (value['raw'] as Loose | undefined)?.['req'] as Loose | undefined;
    const headers = headerRecord(value['headers']);
    const url = splitUrl(raw?.['url'] as string | undefined);
    const text = value['payload'];
    return {
      method: (request.method ?? (raw?.['method'] as string | undefined))?.toUpperCase(),
      path: request.path ?? url.path,
      query: url.query,
      status: value['statusCode'],
      headers,
      body: parseBody(text, headers['content-type']),
      text,
    };
  }
  // axios
  if (typeof value['status'] === 'number' && typeof value['config'] === 'object' && 'data' in value) {
    const config = value['config'] as Loose;
    const headers = headerRecord(value['headers']);
    const data = value['data'];
    const text = typeof data === 'string' ? data : data === undefined || data === null || data === '' ? '' : JSON.stringify(data);
    const base = typeof config['baseURL'] === 'string' ? config['baseURL'] : undefined;
    const target = typeof config['url'] === 'string' ? config['url'] : undefined;
    const full =
      target === undefined
        ? undefined
        : base === undefined || /^[a-z]+:/i.test(target)
          ? target
          : `${base.replace(/\/$/, '')}/${target.replace(/^\//, '')}`;
    const url = splitUrl(full);
    return {
      method: (request.method ?? (config['method'] as string | undefined))?.toUpperCase(),
      path: request.path ?? url.path,
      query: url.query,
      status: value['status'],
      headers,
      body: typeof data === 'string' ? parseBody(data, headers['content-type']) : data === '' ? undefined : data,
      text,
    };
  }
  // supertest / superagent
  if (typeof value['status'] === 'number' && typeof value['req'] === 'object' && 'text' in value) {
    const req = value['req'] as Loose;
    const headers = headerRecord(value['headers'] ?? value['header']);
    const text = typeof value['text'] === 'string' ? value['text'] : '';
    const url = splitUrl(req['path'] as string | undefined);
    return {
      method: (request.method ?? (req['method'] as string | undefined))?.toUpperCase(),
      path: request.path ?? url.path,
      query: url.query,
      status: value['status'],
      headers,
      body: parseBody(text, headers['content-type']),
      text,
    };
  }
  // a plain { status, headers, body }
  if (typeof value['status'] === 'number') {
    const headers = headerRecord(value['headers']);
    const body = value['body'];
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    return {
      method: request.method?.toUpperCase() ?? (typeof value['method'] === 'string' ? value['method'].toUpperCase() : undefined),
      path: request.path ?? (typeof value['path'] === 'string' ? value['path'] : undefined),
      query: undefined,
      status: value['status'],
      headers,
      body: typeof body === 'string' ? parseBody(body, headers['content-type']) : body,
      text,
    };
  }
  throw new ContractError('CONTRACT_UNSUPPORTED_RESPONSE', {
    action: 'read an HTTP response',
    reason: `the value (an object with ${Object.keys(value).slice(0, 8).join(', ') || 'no keys'}) is not a fetch Response, an axios response, a light-my-request/inject response or a supertest response`,
    fix: 'Pass one of those, or { status, headers, body }.',
  });
}
