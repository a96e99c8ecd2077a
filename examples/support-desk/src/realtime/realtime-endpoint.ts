import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Database } from '../database.ts';
import { isUuid, UUID_PATTERN } from '../ids.ts';
import { PROBLEM_CONTENT_TYPE, problem, problemDetailsOf, type ProblemDetails } from '../problems.ts';
import { isLiveApiKey } from '../api-key-credentials.ts';
import { invalidCredentials, requestCredentials } from '../tenancy.ts';
import { MAX_MESSAGE_LENGTH, type Conversations } from './conversations.ts';
import type { RealtimeHub } from './realtime-hub.ts';
import type { MessageSink, SendQueue } from './send-queue.ts';

/** Where the realtime socket is served. */
export const REALTIME_PATH = '/realtime';

/** Largest message a client may send, in bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/** Client messages a socket may have under way (stored and pushed) at once; more are refused. */
export const MAX_CLIENT_MESSAGES_IN_FLIGHT = 8;

/** How long a closing socket gets to finish its closing handshake before it is cut. */
const CLOSE_TIMEOUT_MS = 5_000;

/** What the realtime endpoint works with. */
export interface RealtimeEndpointDependencies {
  database: Database;
  hub: RealtimeHub;
  conversations: Conversations;
}

function rejectUpgrade(socket: Duplex, details: ProblemDetails): void {
  const body = JSON.stringify(details);
  socket.end(
    `HTTP/1.1 ${details.status} ${STATUS_CODES[details.status] ?? 'Error'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A `ws` socket as a send queue's sink: a close is followed by a cut if the peer never answers it. */
function sinkOf(socket: WebSocket): MessageSink {
  return {
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    send(data, done) {
      if (socket.readyState === WebSocket.OPEN) socket.send(data, done);
    },
    close(code, reason) {
      socket.close(code, reason);
      setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS).unref();
    },
  };
}

/** The tenant (and customer, with `?userId=`) an upgrade request acts for, checked in the database. */
async function authenticate(database: Database, request: IncomingMessage, url: URL): Promise<{ tenantId: string; userId?: string }> {
  const { tenantId, key } = requestCredentials(request);
  const userId = url.searchParams.get('userId') ?? undefined;
  if (userId !== undefined && !UUID_PATTERN.test(userId)) {
    throw problem('validation-failed', `The userId query parameter must be a user id (a UUID), got "${userId}".`, {
      errors: [{ pointer: '/query/userId', detail: 'must match format "uuid"' }],
    });
  }
  await database.withTenant(tenantId, async (sql) => {
    const tenant = await sql.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
    if (key !== undefined && (tenant.rowCount === 0 || !(await isLiveApiKey(sql, key.secret)))) throw invalidCredentials();
    if (tenant.rowCount === 0) throw problem('unknown-tenant', `No tenant has the id ${tenantId}.`);
    if (userId === undefined) return;
    const user = await sql.query('SELECT 1 FROM users WHERE id = $1', [userId]);
    if (user.rowCount === 0)
      throw problem('unknown-reference', `No user has the id ${userId} in this tenant.`, { pointer: '/query/userId' });
  });
  return userId === undefined ? { tenantId } : { tenantId, userId: userId.toLowerCase() };
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}

/** A client message `{ type: 'message', conversationId, text }`, or the problem with it. */
function parseClientMessage(data: RawData, isBinary: boolean): { conversationId: string; text: string } {
  if (isBinary) throw problem('validation-failed', 'Send text messages holding JSON, not binary ones.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(textOf(data));
  } catch {
    throw problem('validation-failed', 'The message is not JSON.');
  }
  const { type, conversationId, text } = (parsed ?? {}) as Record<string, unknown>;
  if (type !== 'message')
    throw problem('validation-failed', `Unknown message type ${JSON.stringify(type)}: send { type: 'message', conversationId, text }.`);
  if (!isUuid(conversationId)) throw problem('validation-failed', 'conversationId must be a conversation id (a UUID).');
  if (typeof text !== 'string' || text.length > MAX_MESSAGE_LENGTH || !/\S/.test(text)) {
    throw problem('validation-failed', `text must hold 1 to ${MAX_MESSAGE_LENGTH} characters, not all blank.`);
  }
  return { conversationId, text };
}

function connect(socket: WebSocket, tenantId: string, userId: string | undefined, dependencies: RealtimeEndpointDependencies): void {
  const subscription = dependencies.hub.join(tenantId, sinkOf(socket), { userId });
  const queue: SendQueue = subscription.queue;
  let inFlight = 0;
  socket.on('close', () => subscription.leave());
  // A socket error is followed by 'close'; without a listener it would be thrown.
  socket.on('error', () => undefined);
  socket.on('message', (data, isBinary) => {
    const refuse = (error: unknown) => queue.push({ type: 'error', problem: problemDetailsOf(error, REALTIME_PATH) });
    if (inFlight >= MAX_CLIENT_MESSAGES_IN_FLIGHT) {
      refuse(
        problem('validation-failed', `More than ${MAX_CLIENT_MESSAGES_IN_FLIGHT} messages are under way: wait for yours to come back.`),
      );
      return;
    }
    inFlight += 1;
    void (async () => {
      try {
        const { conversationId, text } = parseClientMessage(data, isBinary);
        await dependencies.conversations.say(tenantId, conversationId, text, 'websocket', userId);
      } catch (error) {
        refuse(error);
      } finally {
        inFlight -= 1;
      }
    })();
  });
}

/**
 * Serve the realtime socket at {@link REALTIME_PATH} on the app's HTTP server. The upgrade request
 * names its tenant with the `x-tenant-id` header, as every HTTP request does (and optionally one
 * customer with `?userId=`); a bad or unknown one is refused before the upgrade with the same
 * problem+json answer the HTTP API gives. A socket receives its tenant's `order.status` and
 * `conversation.message` events (its customer's only, with `userId`) through a send queue with a
 * backpressure policy (see `SendQueue`), and may send `{ type: 'message', conversationId, text }`.
 * Closing the app closes every socket with 1001.
 *
 * @example
 * registerRealtimeEndpoint(app, { database, hub, conversations })
 */
export function registerRealtimeEndpoint(app: FastifyInstance, dependencies: RealtimeEndpointDependencies): void {
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://realtime.invalid');
    if (url.pathname !== REALTIME_PATH) {
      // Another upgrade handler may serve that path; alone here, answer as the HTTP API would.
      if (app.server.listenerCount('upgrade') === 1)
        rejectUpgrade(socket, problem('not-found', `Nothing is served at ${url.pathname}.`).toDetails(url.pathname));
      return;
    }
    socket.on('error', () => socket.destroy());
    authenticate(dependencies.database, request, url).then(
      ({ tenantId, userId }) => {
        if (socket.destroyed) return;
        server.handleUpgrade(request, socket, head, (webSocket) => connect(webSocket, tenantId, userId, dependencies));
      },
      (error: unknown) => {
        dependencies.hub.rejected();
        rejectUpgrade(socket, problemDetailsOf(error, REALTIME_PATH));
      },
    );
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', (done) => {
    app.server.off('upgrade', onUpgrade);
    for (const client of server.clients) {
      client.close(1001, 'server shutting down');
      setTimeout(() => client.terminate(), 500).unref();
    }
    done();
  });
  app.addHook('onClose', async () => {
    await dependencies.conversations.drain();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}
