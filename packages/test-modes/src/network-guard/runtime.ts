/**
 * The network guard's process-wide runtime, built as its own file (`dist/runtime.cjs`).
 *
 * Jest evaluates setup and test files once per test file inside its own module registry, and in
 * CommonJS mode that registry cannot load ESM-only packages such as `@mswjs/interceptors`. The
 * setup entry therefore loads this module through Node's own `require` (see `native-runtime.ts`),
 * so it is evaluated once per worker process, patches the socket layer once, and outlives the test
 * files that configure it. Cassettes and other packages plug in through
 * {@link NetworkGuardRuntime.addRequestHandler}.
 *
 * The layers, from the top: global `fetch` (`guard-fetch.ts`), HTTP requests caught by the
 * interceptors (below), raw sockets (below, routed by `connections.ts`). Request handlers
 * (`request-handlers.ts`) answer at the first two; the policy (`policy.ts`) judges what they leave.
 */
import { Socket } from 'node:net';
import { Interceptor, RequestController } from '@mswjs/interceptors';
import { HttpRequestInterceptor } from '@mswjs/interceptors/http';
import { SocketInterceptor } from '@mswjs/interceptors/net';
import { createAnnouncer } from './announce.js';
import { installClientRequestAnswers, type StandInController } from './client-request-answers.js';
import { connectionLossOf, connectionLostError, deliverLossesOn } from './connection-loss.js';
import { routeConnections, watchFirstWrite } from './connections.js';
import { sendOutsideInterceptors } from './forward.js';
import { createFetchGuard } from './guard-fetch.js';
import { createGuardPolicy } from './policy.js';
import { createRequestHandlers } from './request-handlers.js';
import { socketTargetName } from './targets.js';
import type { NetworkGuardRuntime } from './types.js';

const kRuntime = Symbol.for('@proving-ground/test-modes/runtime');

/** Where the interceptors keep their singletons (one registry per realm, shared by every copy there). */
const REGISTRY_KEY = '__MSW_INTERCEPTORS_REGISTRY';
const HTTP_SOURCE = Symbol.for('node-http-request-source');

/** The HTTP source the interceptors share in this realm, as far as the guard reorders its listeners. */
interface HttpSource {
  listeners(type: 'request'): unknown[];
  listenerCount(type: 'request'): number;
  on(type: 'request', listener: unknown): void;
  removeListener(type: 'request', listener: unknown): void;
}

/** The client's socket behind a connection's controller (the interceptors keep it under a private symbol). */
function clientSocketOf(controller: object): Socket | undefined {
  for (let holder: object | null = controller; holder !== null; holder = Object.getPrototypeOf(holder) as object | null) {
    const key = Object.getOwnPropertySymbols(holder).find((symbol) => symbol.description === 'kRawSocket');
    if (key !== undefined) {
      const socket = (controller as Record<symbol, unknown>)[key];
      return socket instanceof Socket ? socket : undefined;
    }
  }
  return undefined;
}

function createRuntime(): NetworkGuardRuntime {
  const policy = createGuardPolicy();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to call on other sockets
  const nativeConnect = Socket.prototype.connect;
  const forward = async (request: Request): Promise<Response> => {
    const blocked = policy.judgeRequest(request.method, request.url);
    if (blocked !== undefined) throw blocked;
    return sendOutsideInterceptors(nativeConnect, request);
  };
  const handlers = createRequestHandlers(forward);

  /** The client's socket of each intercepted connection, by the connection's server side (a request's initiator). */
  const clientSockets = new WeakMap<object, Socket>();
  /** The interceptors' stand-in sockets, and their controllers once their connection is announced. */
  const standIns = new WeakSet<Socket>();
  const controllers = new WeakMap<Socket, StandInController>();
  const awaitingController = new WeakMap<Socket, (controller: StandInController) => void>();

  // HTTP requests: the request handlers answer first; the policy judges what they leave.
  const http = new HttpRequestInterceptor();
  http.on('request', async ({ request, requestId, controller, initiator }) => {
    // Another interceptor sharing this copy (msw or nock in a plain Node process) answered first.
    if (controller.readyState !== RequestController.PENDING) return;
    // The connection's client socket, looked up once the answer is under way: the socket
    // interceptor may hand the request over before the guard's 'connection' listener has run.
    if (typeof initiator === 'object' && initiator !== null && handlers.count > 0) {
      deliverLossesOn(controller, () => clientSockets.get(initiator));
    }
    await handlers.offerIntercepted(request, requestId, controller);
    if (controller.readyState !== RequestController.PENDING) return;
    const blocked = policy.judgeRequest(request.method, request.url);
    if (blocked !== undefined) controller.errorWith(blocked);
  });
  http.apply();

  // In one realm, every user of this copy of the interceptors (msw, nock, this guard) shares one
  // HTTP source and one socket interceptor. Their listeners run in the order they subscribed: keep
  // the guard's last, so theirs answer before the guard judges what they let through.
  const registry = (globalThis as unknown as Record<string, Map<symbol, Interceptor<never>> | undefined>)[REGISTRY_KEY];
  const httpSource = registry?.get(HTTP_SOURCE) as unknown as HttpSource | undefined;
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
  sockets.on('connection', ({ connectionOptions, controller, socket }) => {
    keepGuardLast();
    const clientSocket = clientSocketOf(controller);
    if (clientSocket !== undefined) {
      clientSockets.set(socket, clientSocket);
      controllers.set(clientSocket, controller);
      awaitingController.get(clientSocket)?.(controller);
      awaitingController.delete(clientSocket);
    }
    const host = connectionOptions.host ?? undefined;
    const port = connectionOptions.port ?? undefined;
    if (connectionOptions.path) return;
    if (policy.allows(host, port)) return;
    const passthrough = controller.passthrough.bind(controller);
    const blockingController = controller as unknown as { passthrough: typeof passthrough; socket: Socket };
    blockingController.passthrough = (...args: Parameters<typeof passthrough>) => {
      const protocol = 'servername' in connectionOptions || connectionOptions.protocol === 'https:' ? 'TLS' : 'TCP';
      const blocked = policy.judgeSocket(protocol, host, port);
      if (blocked === undefined) return passthrough(...args);
      const client = blockingController.socket;
      process.nextTick(() => client.destroy(blocked));
      return client;
    };
  });
  sockets.apply({ name: '@proving-ground/test-modes network guard' });

  const routedConnect = routeConnections(nativeConnect, {
    bypass: ({ host, port, path }) => handlers.count === 0 && !sharedWithOthers() && (Boolean(path) || policy.allows(host, port)),
    watchBypassed: (socket, { host, port, path }) => {
      if (path) return;
      const proxy = socketTargetName(host, port);
      // An allowed host may be a proxy (a corporate proxy on 127.0.0.1, HTTPS_PROXY): judge the
      // destination its first request names, before any byte of it is sent.
      watchFirstWrite(socket, (head) => {
        const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(head);
        if (line === null) return undefined;
        const [, method = '', requestUrl = ''] = line;
        if (method !== 'CONNECT' && !/^https?:\/\//i.test(requestUrl)) return undefined;
        return policy.judgeRequest(method, requestUrl, proxy);
      });
    },
    decideTls: (socket, { host, port }) => {
      const blocked = policy.judgeSocket('TLS', host, port);
      if (blocked === undefined) return undefined;
      process.nextTick(() => socket.destroy(blocked));
      return socket;
    },
    intercepted: (socket) => standIns.add(socket),
  });

  /** Whether an interceptor is layered on top of the guard (msw or nock in a test file) or shares its copy. */
  const othersIntercept = (): boolean => Socket.prototype.connect !== routedConnect || sharedWithOthers();
  const guardFetch = createFetchGuard(handlers, othersIntercept);
  guardFetch(globalThis);

  // node:http requests a handler answers skip the interceptors' HTTP parsing and response writing.
  let fastPathOn = true;
  const clientRequestAnswers = installClientRequestAnswers({
    handlers,
    enabled: () => fastPathOn && handlers.count > 0 && !othersIntercept(),
    isStandIn: (socket) => standIns.has(socket),
    controllerOf: (socket) => {
      const known = controllers.get(socket);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => awaitingController.set(socket, resolve));
    },
  });
  const clientRequestFastPath = {
    get enabled() {
      return fastPathOn;
    },
    set enabled(on: boolean) {
      fastPathOn = on;
    },
    get answered() {
      return clientRequestAnswers.answered;
    },
    get handedOver() {
      return clientRequestAnswers.handedOver;
    },
  };

  return {
    configure: (config) => policy.configure(config),
    get config() {
      return policy.config;
    },
    allows: (host, port) => policy.allows(host, port),
    allowHost: (host) => policy.allowHost(host),
    addRequestHandler: (handler) => handlers.add(handler),
    forward,
    connectionLost: connectionLostError,
    connectionLossOf,
    guardFetch,
    clientRequestFastPath,
    takeViolations: () => policy.takeViolations(),
    announceOnce: createAnnouncer(),
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
 * The network guard of this process, created and installed on first use (the public
 * `networkGuard()` loads this runtime and calls it).
 *
 * @example
 * ensureNetworkGuard().addRequestHandler(({ request, controller }) => {
 *   if (request.url === 'https://api.example.com/ping') controller.respondWith(new Response('pong'))
 * })
 */
export function ensureNetworkGuard(): NetworkGuardRuntime {
  const holder = globalThis as unknown as Record<symbol, NetworkGuardRuntime | undefined>;
  holder[kRuntime] ??= createRuntime();
  return holder[kRuntime];
}
