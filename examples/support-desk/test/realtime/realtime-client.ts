import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { RealtimeEvent } from '../../src/realtime/events.ts';
import { REALTIME_PATH } from '../../src/realtime/realtime-endpoint.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';

/** How a socket ended: its close code and reason. */
export interface SocketClose {
  code: number;
  reason: string;
}

/** A realtime socket as a test drives it: every event it received, the latest status of each order. */
export interface RealtimeClient {
  readonly socket: WebSocket;
  /** Every event received, in order. */
  readonly events: RealtimeEvent[];
  /** Per order, the highest-version status received. */
  readonly latest: Map<string, { status: string; version: number }>;
  /** Bytes received so far. */
  readonly receivedBytes: number;
  /** Settles once the socket closed. */
  readonly closed: Promise<SocketClose>;
  /** Resolves with the first event (received so far or later) matching `predicate`; rejects after `timeoutMs`. */
  waitFor<T extends RealtimeEvent>(predicate: (event: RealtimeEvent) => event is T, timeoutMs?: number): Promise<T>;
  waitFor(predicate: (event: RealtimeEvent) => boolean, timeoutMs?: number): Promise<RealtimeEvent>;
  /** Resolves once `condition()` holds after an event (or now); rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs?: number): Promise<void>;
  send(message: unknown): void;
  close(): Promise<SocketClose>;
}

/**
 * Where a client connects: the service's own address, or a proxy in front of it.
 *
 * @example
 * realtimeUrl(proxy.port, user.id) // ws://127.0.0.1:<port>/realtime?userId=<id>
 */
export function realtimeUrl(port: number, userId?: string): string {
  return `ws://127.0.0.1:${port}${REALTIME_PATH}${userId === undefined ? '' : `?userId=${userId}`}`;
}

/**
 * Open a realtime socket as `tenantId` and collect what it receives (`keepEvents: false`: the
 * latest status per order and the other events only).
 *
 * @example
 * const client = await openRealtime(realtimeUrl(port), tenant.id)
 */
export async function openRealtime(url: string, tenantId: string, options: { keepEvents?: boolean } = {}): Promise<RealtimeClient> {
  const socket = new WebSocket(url, { headers: { [TENANT_HEADER]: tenantId } });
  const events: RealtimeEvent[] = [];
  const latest = new Map<string, { status: string; version: number }>();
  const waiters = new Set<() => void>();
  let receivedBytes = 0;
  socket.on('message', (data) => {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    receivedBytes += Buffer.byteLength(text);
    const event = JSON.parse(text) as RealtimeEvent;
    // A soak keeps only the latest status per order: its own memory must not grow with the traffic.
    if (options.keepEvents !== false || event.type !== 'order.status') events.push(event);
    if (event.type === 'order.status') {
      const known = latest.get(event.orderId);
      if (known === undefined || known.version < event.version) latest.set(event.orderId, { status: event.status, version: event.version });
    }
    for (const wake of waiters) wake();
  });
  const closed = new Promise<SocketClose>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);

  const until = (condition: () => boolean, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`The realtime socket did not get there within ${timeoutMs} ms (${events.length} events received).`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    socket,
    events,
    latest,
    get receivedBytes() {
      return receivedBytes;
    },
    closed,
    async waitFor(predicate: (event: RealtimeEvent) => boolean, timeoutMs?: number) {
      await until(() => events.some(predicate), timeoutMs);
      return events.find(predicate)!;
    },
    until,
    send(message) {
      socket.send(JSON.stringify(message));
    },
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'test done');
      return closed;
    },
  };
}

/**
 * Try to open a realtime socket that the service should refuse; resolves with the HTTP answer.
 *
 * @example
 * const refused = await refusedUpgrade(realtimeUrl(port), { 'x-tenant-id': 'nope' })
 */
export async function refusedUpgrade(
  url: string,
  headers: Record<string, string | undefined>,
): Promise<{ status: number; type: string; body: unknown }> {
  const socket = new WebSocket(url, { headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('The service accepted a socket it should have refused.'));
    });
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        socket.terminate();
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body: JSON.parse(body) as unknown });
      });
    });
    socket.on('error', (error) => reject(error));
  });
}
