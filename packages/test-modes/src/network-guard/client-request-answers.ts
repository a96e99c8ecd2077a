/**
 * The fast path for node:http (and the clients built on it: axios, got): a request that a request
 * handler answers is answered on the interceptors' stand-in socket without their HTTP machinery.
 *
 * On the socket path the interceptors parse the bytes the client writes (llhttp in WebAssembly),
 * build a fetch `Request` with a stream body, emit it through two event emitters, and write the
 * answer back through Node's `ServerResponse` into a second socket that feeds the client's parser;
 * that costs about four times a `fetch` replay. Here, when a `ClientRequest` has its whole request
 * written before its socket is assigned (the usual `req.end(body)`), the guard reads it from the
 * request itself, keeps its bytes from the interceptors while the handlers decide, and then:
 * - answered: claims the stand-in (the interceptors' controller emulates the connection, TCP or
 *   TLS, as for any mocked response) and pushes the response into the client's socket, framed as
 *   `ServerResponse` frames it, chunk by chunk as the body yields them;
 * - failed by a handler: destroys the socket with the handler's error, as the socket path does;
 * - not answered: hands the kept bytes to the interceptors as if just written, so the request takes
 *   the socket path (the guard's policy, passthrough or block) without being offered again.
 * The client keeps its socket, its agent's keep-alive pool, its timeouts and its listeners; a kept
 * alive socket goes back to the interceptors' pending state after each answer, as on the socket path.
 */
import { ClientRequest, IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import { isIPv6, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { FetchRequest, FetchResponse } from '@mswjs/interceptors';
import { connectionLossOf, destroyLikeRealSocket, endSocketWith } from './connection-loss.js';
import { localError, type RequestHandlers } from './request-handlers.js';

/** The part of the interceptors' socket controller the fast path drives. */
export interface StandInController {
  readyState: number;
  readonly connectionOptions: { host?: string | null; port?: number | string | null; protocol?: string | null; path?: string | null };
  claim(): void;
}

// The controller's states (SocketController.PENDING and CLAIMED in the interceptors).
const PENDING = 0;
const CLAIMED = 1;

type WriteArgs = [writev: boolean, data: unknown, encoding?: unknown, callback?: unknown];
type WriteGeneric = (this: Socket, ...args: WriteArgs) => void;
type StandInSocket = Socket;
/** The write path of a stand-in, installed by the interceptors' controller. */
interface WritePath {
  _writeGeneric: WriteGeneric;
}
interface OutgoingState {
  _header?: unknown;
  outputData?: { data: unknown; encoding?: BufferEncoding }[];
  finished?: boolean;
  destroyed?: boolean;
}

/** A request the fast path took on: what the client wrote, kept from the interceptors until the handlers decide. */
interface Exchange {
  readonly client: ClientRequest;
  readonly method: string;
  readonly target: string;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  /** Bytes of the request still to come through the socket's write path. */
  remaining: number;
  readonly kept: WriteArgs[];
  readonly aborter: AbortController;
  /** Stop writing the answer (the client destroyed its socket). */
  cancel?: (reason: unknown) => void;
}

/** What the fast path needs from the guard runtime. */
export interface ClientRequestAnswersOptions {
  handlers: RequestHandlers;
  /** Whether requests may be answered here now (a handler is registered and no other interceptor is active). */
  enabled(): boolean;
  /** Whether `socket` is a stand-in of the guard's interceptors. */
  isStandIn(socket: Socket): boolean;
  /** The controller of a stand-in, once the guard has seen its connection. */
  controllerOf(socket: Socket): Promise<StandInController | undefined>;
}

/** Diagnostics of the fast path. */
export interface ClientRequestAnswers {
  /** How many node:http requests were answered (or failed) by a handler on the fast path. */
  readonly answered: number;
  /** How many went through it unanswered and were handed to the socket path. */
  readonly handedOver: number;
}

const noop = (): void => undefined;

/** The byte length of a write's data. */
function byteLengthOf(data: unknown, encoding: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return data instanceof Uint8Array ? data.byteLength : 0;
}

/** The bytes of a request written before its socket was assigned, when the fast path can take it. */
function readOutgoing(client: ClientRequest): (Omit<Exchange, 'kept' | 'aborter' | 'remaining'> & { size: number }) | undefined {
  const state = client as unknown as OutgoingState;
  const head = state._header;
  const output = state.outputData;
  if (state.finished !== true || state.destroyed === true || typeof head !== 'string' || !Array.isArray(output) || output.length === 0) {
    return undefined;
  }
  const parts: Buffer[] = [];
  for (const { data, encoding } of output) {
    if (typeof data === 'string') parts.push(Buffer.from(data, encoding ?? 'utf8'));
    else if (data instanceof Uint8Array) parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else return undefined;
  }
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const headLength = Buffer.byteLength(head, 'latin1');
  if (bytes.subarray(0, headLength).toString('latin1') !== head) return undefined;
  const lines = head.slice(0, -4).split('\r\n');
  const requestLine = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(lines[0] ?? '');
  if (requestLine === null) return undefined;
  const [, method = '', target = ''] = requestLine;
  if (method === 'CONNECT' || !target.startsWith('/')) return undefined;
  const rawHeaders: string[] = [];
  let contentLength: number | undefined;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    // Framing the fast path does not read (chunked bodies), and exchanges that are not one request and one answer.
    if (lower === 'transfer-encoding' || lower === 'expect' || lower === 'upgrade') return undefined;
    if (lower === 'content-length') contentLength = Number(value);
    rawHeaders.push(name, value);
  }
  const body = bytes.subarray(headLength);
  if (body.byteLength !== (contentLength ?? 0)) return undefined;
  return { client, method, target, rawHeaders, body, size: bytes.byteLength };
}

/** The origin the interceptors give requests on this connection (their `connectionOptionsToUrl`). */
function originOf(options: StandInController['connectionOptions'], socket: Socket): string {
  const host = options.host || 'localhost';
  const protocol = socket instanceof TLSSocket ? 'https:' : options.protocol || (Number(options.port) === 443 ? 'https:' : 'http:');
  const base = new URL(`${protocol}//${isIPv6(host) ? `[${host}]` : host}`);
  if (options.port) base.port = String(options.port);
  return base.origin;
}

/** The raw header tuples of `headers` (the interceptors record the names as they were set). */
function rawHeadersOf(headers: Headers): [string, string][] {
  const key = Object.getOwnPropertySymbols(headers).find((symbol) => symbol.description === 'kRawHeaders');
  const raw = key === undefined ? undefined : (headers as unknown as Record<symbol, unknown>)[key];
  return Array.isArray(raw) ? (raw as [string, string][]) : [...headers];
}

interface Head {
  head: Buffer;
  chunked: boolean;
  hasBody: boolean;
}

/** Heads already written, by method, status and raw headers (a replayed answer repeats its head). */
const heads = new Map<string, Head>();
const MAX_HEADS = 256;

/** The head of `response` to a `method` request, and its framing, exactly as the socket path's `ServerResponse` writes them. */
function headOf(method: string, response: Response): Head {
  const rawHeaders = rawHeadersOf(response.headers);
  // Header names and values hold no line breaks (Headers refuses them): a safe separator.
  const key = `${method}\n${response.status}\n${response.statusText}\n${rawHeaders.flat().join('\n')}`;
  const known = heads.get(key);
  if (known !== undefined) return known;
  const message = new IncomingMessage(null as unknown as Socket);
  message.method = method;
  const writer = new ServerResponse(message);
  writer.removeHeader('connection');
  writer.removeHeader('date');
  writer.writeHead(response.status, response.statusText || STATUS_CODES[response.status], rawHeaders);
  const state = writer as unknown as { _header: string; chunkedEncoding: boolean; _hasBody: boolean };
  const head = { head: Buffer.from(state._header, 'latin1'), chunked: state.chunkedEncoding, hasBody: state._hasBody };
  if (heads.size >= MAX_HEADS) heads.clear();
  heads.set(key, head);
  return head;
}

/**
 * Make a claimed stand-in report its destruction as the interceptors make it for a mocked response
 * without a body: the error in a microtask, 'close' on the next tick.
 */
function destroyLikeMockedSocket(socket: Socket): void {
  socket._destroy = (error, callback) => {
    if (error) queueMicrotask(() => socket.emit('error', error));
    callback(null);
    process.nextTick(() => socket.emit('close', error != null));
  };
}

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

/**
 * Install the fast path on `ClientRequest` (once per process, by the guard runtime).
 *
 * @example
 * const answers = installClientRequestAnswers({ handlers, enabled, isStandIn, controllerOf })
 * answers.answered // requests answered without the interceptors' parser
 */
export function installClientRequestAnswers(options: ClientRequestAnswersOptions): ClientRequestAnswers {
  const { handlers } = options;
  const exchanges = new WeakMap<Socket, Exchange>();
  const innerWrites = new WeakMap<Socket, WriteGeneric>();
  const stats = { answered: 0, handedOver: 0 };
  /** Each connection's origin, by its controller (a kept-alive connection keeps its target, unless retargeted). */
  const knownOrigins = new WeakMap<StandInController, { options: StandInController['connectionOptions']; origin: string }>();
  const origins = (socket: Socket, controller: StandInController | undefined): string => {
    if (controller === undefined) return originOf({}, socket);
    const options = controller.connectionOptions;
    const known = knownOrigins.get(controller);
    if (known !== undefined && known.options === options) return known.origin;
    const origin = originOf(options, socket);
    knownOrigins.set(controller, { options, origin });
    return origin;
  };

  /** Keep the bytes of a taken request from the interceptors' write path; everything else goes on to it. */
  const watchWrites = (socket: StandInSocket): void => {
    if (innerWrites.has(socket)) return;
    const path = socket as unknown as WritePath;
    const inner = path._writeGeneric;
    innerWrites.set(socket, inner);
    path._writeGeneric = function keepTakenRequest(this: Socket, ...args: WriteArgs): void {
      const exchange = exchanges.get(socket);
      const [writev, data, encoding, callback] = args;
      const chunks = writev ? (data as { chunk: unknown; encoding: unknown }[]) : [{ chunk: data, encoding }];
      let size = 0;
      for (const { chunk, encoding } of chunks) size += byteLengthOf(chunk, encoding);
      // The request's bytes, and the empty write `req.end()` finishes it with.
      if (exchange === undefined || (exchange.remaining <= 0 && size > 0)) {
        Reflect.apply(inner, this, args);
        return;
      }
      exchange.remaining -= size;
      exchange.kept.push([writev, data, encoding, noop]);
      // Acknowledged at once, as the interceptors acknowledge a write that awaits their verdict.
      if (typeof callback === 'function') (callback as () => void)();
    };
    // A client that destroys its socket walks away from the exchange: abort the request, stop the answer.
    const destroy = socket.destroy.bind(socket);
    socket.destroy = (error?: Error): typeof socket => {
      const exchange = exchanges.get(socket);
      if (exchange !== undefined) {
        exchange.aborter.abort();
        exchange.cancel?.(exchange.aborter.signal.reason);
      }
      return destroy(error);
    };
  };

  /** The handlers left the request: give the interceptors its bytes as if just written. */
  const handOver = (socket: StandInSocket, exchange: Exchange, request: Request, controller: StandInController | undefined): void => {
    exchanges.delete(socket);
    if (socket.destroyed) return;
    if (controller !== undefined && controller.readyState === CLAIMED) controller.readyState = PENDING;
    stats.handedOver += 1;
    const inner = innerWrites.get(socket)!;
    handlers.afterFetchLevelOffer(request, () => {
      for (const args of exchange.kept) Reflect.apply(inner, socket, args);
    });
  };

  const respond = async (socket: StandInSocket, exchange: Exchange, request: Request, response: Response): Promise<void> => {
    if (socket.destroyed) return;
    if (response.type === 'error') {
      socket.destroy(new TypeError('Network error'));
      return;
    }
    const { head, chunked, hasBody } = headOf(request.method, response);
    let headSent = false;
    // The head goes out with the first chunk of the body (or at its end), as `ServerResponse` sends it.
    const push = (...chunks: Buffer[]): void => {
      if (!headSent) {
        headSent = true;
        socket.push(Buffer.from(head)); // a copy: the cached head is shared between answers
      }
      for (const chunk of chunks) socket.push(chunk);
    };
    if (response.body === null) {
      destroyLikeMockedSocket(socket);
      push();
    } else {
      destroyLikeRealSocket(socket);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      exchange.cancel = (reason) => void reader.cancel(reason).catch(noop);
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (!hasBody || value.byteLength === 0) continue;
          const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
          if (chunked) push(Buffer.from(`${bytes.byteLength.toString(16)}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
          else push(bytes);
        }
      } catch (error) {
        exchanges.delete(socket);
        const loss = connectionLossOf(error);
        if (loss !== undefined) {
          endSocketWith(socket, loss);
          return;
        }
        await nextTick();
        socket.destroy();
        return;
      }
      // A client that went away cancelled the body: nothing more to write.
      if (socket.destroyed) {
        exchanges.delete(socket);
        return;
      }
      if (chunked && hasBody) push(Buffer.from('0\r\n\r\n', 'latin1'));
      else push();
    }
    exchanges.delete(socket);
    const selfDelimiting =
      request.method === 'HEAD' ||
      response.headers.has('content-length') ||
      response.headers.has('transfer-encoding') ||
      !FetchResponse.isResponseWithBody(response.status);
    if (!selfDelimiting) {
      // The end of the connection frames this answer: let the client read it first.
      await nextTick();
      socket.push(null);
    }
  };

  const decide = async (socket: StandInSocket, exchange: Exchange): Promise<void> => {
    const controller = await options.controllerOf(socket);
    // Hold the stand-in while the handlers decide: unheld, the interceptors pass a connection
    // through once its client reads and they have seen no request on it.
    if (controller?.readyState === PENDING) controller.readyState = CLAIMED;
    // Resolved as the interceptors resolve a request target against the connection's origin.
    const request = new FetchRequest(`${origins(socket, controller)}${exchange.target}`, {
      method: exchange.method,
      headers: FetchResponse.parseRawHeaders(exchange.rawHeaders),
      credentials: 'same-origin',
      body: exchange.body.byteLength > 0 || FetchRequest.isMethodWithBody(exchange.method) ? exchange.body : null,
      signal: exchange.aborter.signal,
    });
    if (controller === undefined) {
      handOver(socket, exchange, request, controller);
      return;
    }
    let answer: Awaited<ReturnType<RequestHandlers['answerDirectly']>>;
    try {
      answer = await handlers.answerDirectly(request);
    } catch (error) {
      answer = { error };
    }
    if (answer === undefined) {
      handOver(socket, exchange, request, controller);
      return;
    }
    stats.answered += 1;
    if (socket.destroyed) {
      exchanges.delete(socket);
      if ('response' in answer) void answer.response.body?.cancel().catch(noop);
      return;
    }
    if ('error' in answer) {
      exchanges.delete(socket);
      const reason = localError(answer.error);
      if (reason instanceof Error) socket.destroy(reason);
      return;
    }
    controller.readyState = PENDING;
    controller.claim();
    const { response } = answer;
    // Answer once connected, as a server would (a kept-alive socket already is).
    if (socket.connecting) socket.once('connect', () => void respond(socket, exchange, request, response));
    else await respond(socket, exchange, request, response);
  };

  /** Take `client`'s request on the fast path when the whole of it waits to be written to `socket`. */
  const take = (client: ClientRequest, socket: StandInSocket): void => {
    // Node 24 ties the socket to the request in onSocket; Node 22 a tick later (before it flushes
    // the request's bytes): a socket tied to no request yet is this one's.
    const owner = (socket as { _httpMessage?: unknown })._httpMessage;
    if (socket.destroyed || (owner != null && owner !== client) || exchanges.has(socket) || !options.enabled()) return;
    const outgoing = readOutgoing(client);
    if (outgoing === undefined) return;
    const { size, ...request } = outgoing;
    const exchange: Exchange = { ...request, remaining: size, kept: [], aborter: new AbortController() };
    watchWrites(socket);
    exchanges.set(socket, exchange);
    void decide(socket, exchange).catch((error: unknown) => {
      exchanges.delete(socket);
      socket.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  };

  // eslint-disable-next-line @typescript-eslint/unbound-method -- called on each request below
  const onSocket = ClientRequest.prototype.onSocket;
  ClientRequest.prototype.onSocket = function onSocketWithAnswers(this: ClientRequest, socket: Socket, error?: unknown): void {
    // Queued before Node's own next-tick flush of the request, which follows `req.end()` in the same turn.
    if (socket != null && error == null && options.enabled() && options.isStandIn(socket)) {
      process.nextTick(take, this, socket);
    }
    Reflect.apply(onSocket, this, [socket, error]);
  };

  return {
    get answered() {
      return stats.answered;
    },
    get handedOver() {
      return stats.handedOver;
    },
  };
}
