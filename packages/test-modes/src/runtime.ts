/**
 * The network guard's process-wide runtime.
 *
 * Jest evaluates setup and test files once per test file inside its own module registry, and in
 * CommonJS mode that registry cannot load ESM-only packages such as `@mswjs/interceptors`. The
 * setup entry therefore loads this module through Node's own `require` (see
 * `internal/native-runtime.ts`), so it is evaluated once per worker process, patches the socket
 * layer once, and outlives the test files that configure it. Cassettes and other packages plug
 * in through {@link NetworkGuardRuntime.addRequestHandler}.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as nodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import { tmpdir } from 'node:os';
import { isIP, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { createRequestId, Interceptor, RequestController } from '@mswjs/interceptors';
import { HttpRequestInterceptor } from '@mswjs/interceptors/http';
import { SocketInterceptor } from '@mswjs/interceptors/net';
import { NetworkBlockedError } from './errors.js';
import { isAllowedHost, isLoopbackHost, type AllowedHost } from './host-policy.js';
import { fetchResponseFor, redirectedRequest } from './internal/fetch-response.js';
import type { Mode } from './mode.js';
import { BANNER_PRINTED_ENV } from './runtime-constants.js';

/** What the guard enforces. */
export interface GuardConfig {
  mode: Mode;
  /** Hosts reachable in `mock` and `golden` besides loopback. */
  allowHosts: readonly AllowedHost[];
  /** Let loopback connections through (default true). */
  allowLoopback?: boolean | undefined;
  /** Name of the config file, for messages; undefined when there is none. */
  configFile?: string | undefined;
}

/** A real outbound connection the guard refused. */
export interface BlockedAttempt {
  method: string;
  target: string;
  mode: Mode;
  error: NetworkBlockedError;
}

/** Arguments of a {@link RequestHandler}: the intercepted request and the controller to answer it. */
export interface InterceptedRequest {
  request: Request;
  requestId: string;
  controller: RequestController;
  /**
   * Send `request` (by default the intercepted one, whose body must still be unread: read a
   * `clone()`) to the real server, outside every interceptor, and resolve with the server's
   * response as soon as its head arrives. The body streams as the server sends it, exactly as sent:
   * still compressed when the server compressed it. The guard's host policy applies: a host the
   * guard blocks rejects with its `NetworkBlockedError` (and counts as a blocked attempt).
   *
   * Answer the client with `controller.respondWith()`, e.g. with a copy of the body that records it
   * while the client reads it. Aborting the request's signal, or cancelling the body, closes the
   * real connection.
   */
  forward(request?: Request): Promise<Response>;
}

/**
 * Answers intercepted HTTP requests before the guard judges them (the cassettes package replays
 * recordings this way). Call `controller.respondWith()` to answer; leave it pending to pass on.
 */
export type RequestHandler = (intercepted: InterceptedRequest) => void | Promise<void>;

/** The process-wide network guard. */
export interface NetworkGuardRuntime {
  /** Replace what the guard enforces; takes effect for the next connection. */
  configure(config: GuardConfig): void;
  /** The configuration in force. */
  readonly config: GuardConfig;
  /** Whether the guard lets a connection to `host` (and `port`) through now. */
  allows(host: string, port?: number | string): boolean;
  /** Allow `host` until the returned function is called (used for services resolved by URL). */
  allowHost(host: AllowedHost): () => void;
  /** Register a handler that may answer requests before the guard; returns its removal. */
  addRequestHandler(handler: RequestHandler): () => void;
  /**
   * Send a request to the real server outside every interceptor (see {@link InterceptedRequest.forward});
   * the guard's host policy applies.
   */
  forward(request: Request): Promise<Response>;
  /**
   * Route the global `fetch` of `scope` (a realm's `globalThis`; the setup entry passes the test
   * file's) through the guard: a request a request handler answers is answered at the fetch level,
   * without a socket; any other goes to the real `fetch` and meets the guard at the socket level.
   * Idempotent. While another interceptor (msw, nock) is active, every request takes the socket
   * path, so that interceptor sees it first.
   */
  guardFetch(scope: { fetch?: typeof fetch }): void;
  /** The attempts blocked since the last call, oldest first; clears them. */
  takeViolations(): BlockedAttempt[];
  /** Print `text` to stderr once per test run, whichever worker gets there first. */
  announceOnce(text: string): void;
}

const kRuntime = Symbol.for('@proving-ground/test-modes/runtime');

/** Where the interceptors keep their singletons (one registry per realm, shared by every copy there). */
const REGISTRY_KEY = '__MSW_INTERCEPTORS_REGISTRY';
const HTTP_SOURCE = Symbol.for('node-http-request-source');

/** The most redirects a `fetch` follows. */
const MAX_REDIRECTS = 20;

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** Connection-level headers a forwarded request does not copy: Node frames the forwarded message itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'upgrade',
  'proxy-connection',
  'te',
]);

/** Statuses whose responses carry no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Send `request` to its server on a socket connected with Node's own `connect`, so neither the
 * guard's interceptors nor another copy (msw in a test file) sees it, and resolve with the response
 * head; the body streams unchanged (no decompression).
 */
async function sendOutsideInterceptors(nativeConnect: Socket['connect'], request: Request): Promise<Response> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port === '' ? (secure ? 443 : 80) : url.port);
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  headers['host'] = url.host;
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  const createConnection = (): Socket => {
    const socket = new Socket();
    Reflect.apply(nativeConnect, socket, [{ host: hostname, port }]);
    return secure ? tlsConnect({ socket, servername: isIP(hostname) === 0 ? hostname : undefined, ALPNProtocols: ['http/1.1'] }) : socket;
  };
  const send = secure ? nodeHttps.request : nodeHttp.request;
  return new Promise<Response>((resolve, reject) => {
    const outgoing = send(
      { method: request.method, host: hostname, port, path: `${url.pathname}${url.search}`, headers, createConnection },
      (incoming) => {
        const responseHeaders = new Headers();
        for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2) {
          responseHeaders.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!);
        }
        const status = incoming.statusCode ?? 502;
        const hasBody = request.method !== 'HEAD' && !NULL_BODY_STATUSES.has(status);
        if (!hasBody) incoming.resume();
        resolve(
          new Response(hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : null, {
            status,
            statusText: incoming.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      },
    );
    const abort = (): void => {
      outgoing.destroy(request.signal.reason instanceof Error ? request.signal.reason : new Error('The request was aborted.'));
    };
    if (request.signal.aborted) abort();
    else request.signal.addEventListener('abort', abort, { once: true });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function howToAllow(config: GuardConfig, host: string): string {
  const where = config.configFile ?? 'test-modes.config.json';
  return `add "${host}" to allowHosts in ${where}`;
}

function notAllowed(host: string, config: GuardConfig): string {
  return config.allowLoopback === false && isLoopbackHost(host)
    ? `${host} is not an allowed host (allowLoopback is false)`
    : `${host} is not loopback or an allowed host`;
}

function httpBlockedMessage(method: string, url: string, host: string, config: GuardConfig): string {
  const fixes =
    config.mode === 'golden'
      ? `Record it with TEST_MODE=live_smoke TEST_RECORD=missing and replay it from a cassette, mock it with a request handler (msw), or ${howToAllow(config, host)}.`
      : `Answer it with a request handler (msw), run the test with TEST_MODE=live_smoke, or ${howToAllow(config, host)}.`;
  return `[test-modes] Blocked ${method} ${url} in ${config.mode} mode: real network access is not allowed in ${config.mode} mode, and ${notAllowed(host, config)}. ${fixes}`;
}

function socketBlockedMessage(protocol: string, target: string, host: string, config: GuardConfig): string {
  return `[test-modes] Blocked ${protocol} ${target} in ${config.mode} mode: real network connections are not allowed in ${config.mode} mode, and ${notAllowed(host, config)}. Point the client at a local service (defineService), run the test with TEST_MODE=live_smoke, or ${howToAllow(config, host)}.`;
}

/** Whether this process is a Jest worker (forked with an IPC channel) or the Jest process itself. */
function runProcessId(): number {
  return typeof process.send === 'function' ? process.ppid : process.pid;
}

/**
 * A key for the current Jest run: the run's process id plus, where `/proc` exists, that process's
 * start time, so a later run that reuses the process id is not taken for this one.
 */
function runKey(): string {
  const pid = runProcessId();
  try {
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${pid}-${startTime ?? ''}`;
  } catch {
    return String(pid);
  }
}

const MARKER_PREFIX = 'proving-ground-test-modes-';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Remove banner markers of runs older than a day. */
function removeOldMarkers(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(MARKER_PREFIX) || !name.endsWith('.banner')) continue;
      const path = join(dir, name);
      if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
    }
  } catch {
    // A shared temp folder may deny listing or removal: the markers are tiny, leave them.
  }
}

type ConnectArgs = Parameters<Socket['connect']>;

interface ConnectTarget {
  host?: string | null;
  port?: number | string | null;
  path?: string | null;
  lookup?: unknown;
}

/** The destination of a `socket.connect()` call, in any of its argument forms. */
function connectTargetOf(args: ConnectArgs): ConnectTarget {
  const list: unknown[] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const [first, second] = list;
  if (typeof first === 'object' && first !== null) return first;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: first, host: typeof second === 'string' ? second : undefined };
  }
  return typeof first === 'string' ? { path: first } : {};
}

/**
 * The destination of an HTTP request: the authority of a CONNECT (`api.example.com:443`), else the
 * host of its URL. `shown` is what messages print.
 */
function requestTarget(method: string, requestUrl: string): { host: string; port: string | undefined; shown: string } {
  if (method === 'CONNECT') {
    const authority = requestUrl.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
    const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : [authority.replace(/:\d+$/, ''), /:(\d+)$/.exec(authority)?.[1]];
    return { host, port: port ?? '443', shown: authority };
  }
  const url = new URL(requestUrl);
  return { host: url.hostname, port: url.port === '' ? DEFAULT_PORTS[url.protocol] : url.port, shown: requestUrl };
}

/** Run `decide` on the start of the first chunk written to `socket`; an error it returns destroys the socket instead. */
function watchFirstWrite(socket: Socket, decide: (head: string) => Error | undefined): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket below
  const write = socket.write;
  socket.write = function firstWrite(this: Socket, ...args: Parameters<Socket['write']>): boolean {
    socket.write = write;
    const [chunk] = args;
    const head =
      typeof chunk === 'string'
        ? chunk.slice(0, 4096)
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, 4096)).toString('latin1')
          : '';
    const error = decide(head);
    if (error === undefined) return Reflect.apply<Socket, Parameters<Socket['write']>, boolean>(write, this, args);
    process.nextTick(() => socket.destroy(error));
    return false;
  } as Socket['write'];
}

/**
 * An error made in another realm (a handler in a Jest test file, whose `Error` is the sandbox's)
 * fails `instanceof Error` here, and the interceptors would then not fail the request with it:
 * give them a local error with the same name, message, code, brands and stack, the original as cause.
 */
function adoptForeignErrors(controller: RequestController): void {
  const errorWith = controller.errorWith.bind(controller);
  controller.errorWith = (reason?: unknown): void => {
    if (reason instanceof Error || typeof reason !== 'object' || reason === null || !('message' in reason)) {
      errorWith(reason);
      return;
    }
    const foreign = reason as Error & Record<PropertyKey, unknown>;
    const local = new Error(String(foreign.message), { cause: foreign }) as Error & Record<PropertyKey, unknown>;
    local.name = String(foreign.name);
    if (typeof foreign.stack === 'string') local.stack = foreign.stack;
    for (const key of Reflect.ownKeys(foreign)) {
      if (key === 'message' || key === 'stack' || key === 'cause') continue;
      const descriptor = Object.getOwnPropertyDescriptor(foreign, key);
      if (descriptor !== undefined) Object.defineProperty(local, key, descriptor);
    }
    errorWith(local);
  };
}

function isFlaggedByInterceptors(socket: Socket): boolean {
  return Object.getOwnPropertySymbols(socket).some(
    (symbol) => symbol.description === 'kPatched' && (socket as unknown as Record<symbol, unknown>)[symbol] === true,
  );
}

/**
 * Route each `socket.connect()` before the guard's interceptors see it. Connections the guard allows
 * go straight to Node while no request handler is registered: nothing there needs intercepting.
 *
 * Another copy of the interceptors (msw in a test file, loaded by Jest) patches `connect` on top of
 * the guard, and the two copies must not both control one socket.
 * - For each socket it controls, that copy makes a mock connect (options with its `mockLookup`)
 *   that it expects to reach Node directly: route it past the guard's copy.
 * - Its plain TCP passthrough connections reach the guard's copy as any client connection would.
 * - Its TLS passthrough connection is layered by that copy on the real socket handle, which a
 *   second interceptor cannot emulate: the guard decides it by host alone (`decideTls`).
 */
function routeConnections(
  nativeConnect: Socket['connect'],
  routing: {
    /** Whether the connection may skip the guard's interceptors: allowed, and no request handler could want it. */
    bypass(target: ConnectTarget): boolean;
    /** Watch a connection that skipped the interceptors (it may be a proxy). */
    watchBypassed(socket: Socket, target: ConnectTarget): void;
    /** Decide a TLS passthrough of another interceptors copy: the socket if blocked, undefined to connect it. */
    decideTls(socket: TLSSocket, target: ConnectTarget): Socket | undefined;
  },
): Socket['connect'] {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound to each socket below
  const guardedConnect = Socket.prototype.connect;
  const routedConnect = function connect(this: Socket, ...args: ConnectArgs): Socket {
    const target = connectTargetOf(args);
    const { lookup } = target;
    // The mock connect of a socket another interceptors copy already controls (its flag is set later).
    if (typeof lookup === 'function' && lookup.name === 'mockLookup') {
      return Reflect.apply<Socket, ConnectArgs, Socket>(nativeConnect, this, args);
    }
    if (routing.bypass(target)) {
      const socket = Reflect.apply<Socket, ConnectArgs, Socket>(nativeConnect, this, args);
      routing.watchBypassed(this, target); // after: Node's connect() resets an own `write`
      return socket;
    }
    if (this instanceof TLSSocket && isFlaggedByInterceptors(this)) {
      return routing.decideTls(this, target) ?? Reflect.apply<Socket, ConnectArgs, Socket>(nativeConnect, this, args);
    }
    // The guard's interceptors take the socket over and mock-connect it again through
    // `socket.connect`, which would otherwise resolve to the outermost patch: another copy's (msw
    // in a test file), which would take the socket over too and, not knowing the guard's mock
    // connect, pass the request through to the real server behind the guard's back (a second
    // request, or an unhandled ECONNREFUSED where nothing listens). Pin it to the guard's layer.
    Object.defineProperty(this, 'connect', { value: guardedConnect, writable: true, configurable: true, enumerable: false });
    return Reflect.apply<Socket, ConnectArgs, Socket>(guardedConnect, this, args);
  } as Socket['connect'];
  Socket.prototype.connect = routedConnect;
  return routedConnect;
}

function createRuntime(): NetworkGuardRuntime {
  let config: GuardConfig = { mode: 'mock', allowHosts: [] };
  const temporaryAllowances: AllowedHost[] = [];
  const handlers: RequestHandler[] = [];
  let violations: BlockedAttempt[] = [];
  let announced = false;

  const isAllowed = (host: string | null | undefined, port: number | string | undefined): boolean =>
    config.mode === 'live_smoke' ||
    (config.allowLoopback !== false && isLoopbackHost(host)) ||
    isAllowedHost(host ?? '', port, config.allowHosts) ||
    isAllowedHost(host ?? '', port, temporaryAllowances);

  const block = (method: string, target: string, message: string): NetworkBlockedError => {
    const error = new NetworkBlockedError(method, target, message);
    violations.push({ method, target, mode: config.mode, error });
    return error;
  };

  const guardOwner = { name: '@proving-ground/test-modes network guard' };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to call on other sockets
  const nativeConnect = Socket.prototype.connect;
  const forward = async (request: Request): Promise<Response> => {
    const { host, port, shown } = requestTarget(request.method, request.url);
    if (!isAllowed(host, port)) throw block(request.method, shown, httpBlockedMessage(request.method, shown, host, config));
    return sendOutsideInterceptors(nativeConnect, request);
  };

  /** The request (method and URL) a `fetch` already offered to the handlers, in the async context of its socket path. */
  const offeredByFetch = new AsyncLocalStorage<string>();
  const offerKey = (request: Request): string => `${request.method} ${new URL(request.url).href}`;

  const http = new HttpRequestInterceptor();
  http.on('request', async ({ request, requestId, controller }) => {
    // Another interceptor sharing this copy (msw or nock in a plain Node process) answered first.
    if (controller.readyState !== RequestController.PENDING) return;
    if (handlers.length > 0 && offeredByFetch.getStore() !== offerKey(request)) {
      adoptForeignErrors(controller);
      for (const handler of [...handlers]) {
        await handler({ request, requestId, controller, forward: (forwarded = request) => forward(forwarded) });
        if (controller.readyState !== RequestController.PENDING) return;
      }
    }
    const { host, port, shown } = requestTarget(request.method, request.url);
    if (isAllowed(host, port)) return;
    controller.errorWith(block(request.method, shown, httpBlockedMessage(request.method, shown, host, config)));
  });

  http.apply();

  // In one realm, every user of this copy of the interceptors (msw, nock, this guard) shares one
  // HTTP source and one socket interceptor. Their listeners run in the order they subscribed: keep
  // the guard's last, so theirs answer before the guard judges what they let through.
  const registry = (globalThis as unknown as Record<string, Map<symbol, Interceptor<never>> | undefined>)[REGISTRY_KEY];
  const httpSource = registry?.get(HTTP_SOURCE) as unknown as
    | {
        listeners(type: 'request'): unknown[];
        listenerCount(type: 'request'): number;
        on(type: 'request', listener: unknown): void;
        removeListener(type: 'request', listener: unknown): void;
      }
    | undefined;
  const guardListener = httpSource?.listeners('request').at(-1);
  const keepGuardLast = (): void => {
    if (httpSource === undefined || guardListener === undefined) return;
    const listeners = httpSource.listeners('request');
    if (listeners.at(-1) === guardListener || !listeners.includes(guardListener)) return;
    httpSource.removeListener('request', guardListener);
    httpSource.on('request', guardListener);
  };
  /** Whether another interceptor shares the guard's copy of the interceptors (its HTTP listeners are subscribed). */
  const sharedWithOthers = (): boolean => (httpSource?.listenerCount('request') ?? 1) > 1;

  // The backstop below HTTP: a connection that nobody answered (raw TCP/TLS, or HTTP that another
  // copy of the interceptors passed through) is about to reach the real network.
  const sockets = Interceptor.singleton(SocketInterceptor);
  sockets.on('connection', ({ connectionOptions, controller }) => {
    keepGuardLast();
    const host = connectionOptions.host ?? undefined;
    const port = connectionOptions.port ?? undefined;
    if (connectionOptions.path) return;
    if (isAllowed(host, port ?? undefined)) return;
    const passthrough = controller.passthrough.bind(controller);
    const blockingController = controller as unknown as { passthrough: typeof passthrough; socket: Socket };
    blockingController.passthrough = (...args: Parameters<typeof passthrough>) => {
      if (isAllowed(host, port ?? undefined)) return passthrough(...args);
      const protocol = 'servername' in connectionOptions || connectionOptions.protocol === 'https:' ? 'TLS' : 'TCP';
      const target = `${host ?? 'localhost'}:${String(port ?? '')}`;
      const error = block(protocol, target, socketBlockedMessage(`${protocol} connection to`, target, host ?? '', config));
      const client = blockingController.socket;
      process.nextTick(() => client.destroy(error));
      return client;
    };
  });

  sockets.apply(guardOwner);
  const routedConnect = routeConnections(nativeConnect, {
    bypass: ({ host, port, path }) => handlers.length === 0 && !sharedWithOthers() && (Boolean(path) || isAllowed(host, port ?? undefined)),
    watchBypassed: (socket, { host, port, path }) => {
      if (path) return;
      const proxy = `${host ?? 'localhost'}:${String(port ?? '')}`;
      // An allowed host may be a proxy (a corporate proxy on 127.0.0.1, HTTPS_PROXY): judge the
      // destination its first request names, before any byte of it is sent.
      watchFirstWrite(socket, (head) => {
        const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(head);
        if (line === null) return undefined;
        const [, method = '', requestUrl = ''] = line;
        if (method !== 'CONNECT' && !/^https?:\/\//i.test(requestUrl)) return undefined;
        const destination = requestTarget(method, requestUrl);
        if (isAllowed(destination.host, destination.port)) return undefined;
        const message = httpBlockedMessage(method, destination.shown, destination.host, config).replace(
          ` in ${config.mode} mode:`,
          ` through the proxy at ${proxy} in ${config.mode} mode:`,
        );
        return block(method, destination.shown, message);
      });
    },
    decideTls: (socket, { host, port }) => {
      if (isAllowed(host, port ?? undefined)) return undefined;
      const target = `${host ?? 'localhost'}:${String(port ?? '')}`;
      const error = block('TLS', target, socketBlockedMessage('TLS connection to', target, host ?? '', config));
      process.nextTick(() => socket.destroy(error));
      return socket;
    },
  });

  /** Whether an interceptor is layered on top of the guard (msw or nock in a test file) or shares its copy. */
  const othersIntercept = (): boolean => Socket.prototype.connect !== routedConnect || sharedWithOthers();

  /** Offer `request` to the handlers at the fetch level: their answer, or undefined when none answered. */
  const answerAtFetchLevel = async (request: Request): Promise<Response | undefined> => {
    let answer: { response: Response } | { error: unknown } | undefined;
    const controller = new RequestController(request, {
      passthrough: () => undefined,
      respondWith: (response) => void (answer = { response }),
      errorWith: (reason) => void (answer = { error: reason }),
    });
    const requestId = createRequestId();
    for (const handler of [...handlers]) {
      await handler({ request, requestId, controller, forward: (forwarded = request) => forward(forwarded) });
      if (controller.readyState !== RequestController.PENDING) break;
    }
    if (answer === undefined) return undefined;
    if ('response' in answer) return answer.response;
    // As undici's fetch reports a failed request: the reason (e.g. the cassette's unmatched-request error) is the cause.
    throw new TypeError('fetch failed', { cause: answer.error });
  };

  const fetchWrappers = new WeakMap<typeof fetch, typeof fetch>();
  const guardFetch = (scope: { fetch?: typeof fetch }): void => {
    const current = scope.fetch;
    if (typeof current !== 'function' || fetchWrappers.has(current)) return;
    const realFetch = current;
    const guardedFetch = async function fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      if (handlers.length === 0 || scope.fetch !== guardedFetch || othersIntercept()) return realFetch(input, init);
      let request = new Request(input, init);
      for (let redirects = 0; ; redirects += 1) {
        request.signal.throwIfAborted();
        const replay = request.body !== null && request.redirect === 'follow' ? request.clone() : undefined;
        const answer = await answerAtFetchLevel(request);
        request.signal.throwIfAborted();
        if (answer === undefined) {
          const offered = request;
          return offeredByFetch.run(offerKey(offered), () => realFetch(offered));
        }
        const body = replay === undefined ? null : await replay.arrayBuffer();
        const next = answer.type === 'error' ? undefined : redirectedRequest(request, answer, body);
        if (next === undefined) return fetchResponseFor(request, answer, redirects > 0);
        if (redirects === MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
        await answer.body?.cancel();
        request = next;
      }
    };
    fetchWrappers.set(guardedFetch, realFetch);
    scope.fetch = guardedFetch;
  };
  guardFetch(globalThis);

  return {
    configure(next) {
      config = { ...next, allowHosts: [...next.allowHosts] };
    },
    get config() {
      return config;
    },
    allows(host, port) {
      return isAllowed(host, port);
    },
    allowHost(host) {
      temporaryAllowances.push(host);
      return () => {
        const index = temporaryAllowances.indexOf(host);
        if (index !== -1) temporaryAllowances.splice(index, 1);
      };
    },
    addRequestHandler(handler) {
      handlers.push(handler);
      return () => {
        const index = handlers.indexOf(handler);
        if (index !== -1) handlers.splice(index, 1);
      };
    },
    forward,
    guardFetch,
    takeViolations() {
      const taken = violations;
      violations = [];
      return taken;
    },
    announceOnce(text) {
      if (announced || process.env[BANNER_PRINTED_ENV] === '1') return;
      announced = true;
      // Workers of one run share the Jest process as parent: the first to create the marker prints.
      const marker = join(tmpdir(), `${MARKER_PREFIX}${runKey()}.banner`);
      try {
        writeFileSync(marker, String(process.pid), { flag: 'wx' });
      } catch {
        return;
      }
      process.stderr.write(`${text}\n`);
      removeOldMarkers(tmpdir());
    },
  };
}

/**
 * The network guard of this process if one was installed, without installing one.
 *
 * @example
 * installedNetworkGuard()?.allowHost('db.internal:5432')
 */
export function installedNetworkGuard(): NetworkGuardRuntime | undefined {
  return (globalThis as unknown as Record<symbol, NetworkGuardRuntime | undefined>)[kRuntime];
}

/**
 * The network guard of this process, created and installed on first use.
 *
 * @example
 * getNetworkGuard().addRequestHandler(({ request, controller }) => {
 *   if (request.url === 'https://api.example.com/ping') controller.respondWith(new Response('pong'))
 * })
 */
export function getNetworkGuard(): NetworkGuardRuntime {
  const holder = globalThis as unknown as Record<symbol, NetworkGuardRuntime | undefined>;
  holder[kRuntime] ??= createRuntime();
  return holder[kRuntime];
}
