/**
 * Where each `socket.connect()` goes before the guard's interceptors see it: straight to Node, to
 * the guard's interceptors, or (for another interceptors copy's own sockets) past them.
 */
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { connectTargetOf, type ConnectArgs, type ConnectTarget } from './targets.js';

/** Run `decide` on the start of the first chunk written to `socket`; an error it returns destroys the socket instead. */
export function watchFirstWrite(socket: Socket, decide: (head: string) => Error | undefined): void {
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
export function routeConnections(
  nativeConnect: Socket['connect'],
  routing: {
    /** Whether the connection may skip the guard's interceptors: allowed, and no request handler could want it. */
    bypass(target: ConnectTarget): boolean;
    /** Watch a connection that skipped the interceptors (it may be a proxy). */
    watchBypassed(socket: Socket, target: ConnectTarget): void;
    /** Decide a TLS passthrough of another interceptors copy: the socket if blocked, undefined to connect it. */
    decideTls(socket: TLSSocket, target: ConnectTarget): Socket | undefined;
    /** Told of each socket the guard's interceptors took over (their stand-in for a connection). */
    intercepted(socket: Socket): void;
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
    const socket = Reflect.apply<Socket, ConnectArgs, Socket>(guardedConnect, this, args);
    // A stand-in gets its own write path from the interceptors' controller; an internal connection does not.
    if (Object.hasOwn(this, '_writeGeneric')) routing.intercepted(this);
    return socket;
  } as Socket['connect'];
  Socket.prototype.connect = routedConnect;
  return routedConnect;
}
