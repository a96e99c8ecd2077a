import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** One request, in the shape of Fastify's `inject` options the journeys use. */
export interface DeskRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  /** Headers left undefined are not sent. */
  headers?: Record<string, string | undefined>;
  /** An object is sent as JSON (`content-type: application/json` unless set); a string or bytes as they are. */
  payload?: unknown;
}

/** The answer, in the shape of Fastify's `inject` response the journeys read. */
export interface DeskResponse {
  statusCode: number;
  /** Lower-case names; repeated headers joined with `, ` (`set-cookie` kept as a list). */
  headers: Record<string, string | string[]>;
  body: string;
  rawPayload: Buffer;
  json<T = unknown>(): T;
}

/**
 * A client that sends each request to `app` over a real TCP connection on 127.0.0.1 with the global
 * `fetch`, as any client of the service would: the app starts listening (on a free port) at the
 * first request unless it listens already. The answer has the fields of an `inject` response the
 * journeys read, so a journey reads the same either way.
 *
 * @example
 * const http = deskHttpClient(app);
 * const created = await http({ method: 'POST', url: '/tenants', payload: { name: 'Acme' } });
 * created.json<{ id: string }>().id
 */
export function deskHttpClient(app: FastifyInstance): (request: DeskRequest) => Promise<DeskResponse> {
  let origin: Promise<string> | undefined;
  const listening = async (): Promise<string> => {
    if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  };
  return async (request) => {
    // A listen that failed is tried again by the next request rather than remembered.
    origin ??= listening().catch((error: unknown) => {
      origin = undefined;
      throw error;
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers ?? {})) if (value !== undefined) headers.set(name, value);
    let body: string | Uint8Array | undefined;
    if (typeof request.payload === 'string' || request.payload instanceof Uint8Array) body = request.payload;
    else if (request.payload !== undefined) {
      body = JSON.stringify(request.payload);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const response = await fetch(`${await origin}${request.url}`, { method: request.method, headers, body });
    const rawPayload = Buffer.from(await response.arrayBuffer());
    const text = rawPayload.toString('utf8');
    const answerHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => (answerHeaders[name] = value));
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) answerHeaders['set-cookie'] = cookies;
    return {
      statusCode: response.status,
      headers: answerHeaders,
      body: text,
      rawPayload,
      json: <T>() => JSON.parse(text) as T,
    };
  };
}
