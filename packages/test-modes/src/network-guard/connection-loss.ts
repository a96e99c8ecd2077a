/**
 * A response whose connection broke off mid-way, carried from where it happened (a real server
 * behind `forward()`, or a recording replayed) to the client, which then sees what it sees when a
 * real server does the same: node:http, axios and undici on their socket, global `fetch` in the
 * error its body fails with.
 */
import type { Socket } from 'node:net';
import { getSystemErrorMap } from 'node:util';

/**
 * How a server ended a response before its end: `reset` (the connection was reset, a TCP RST) or
 * `closed` (the server closed the connection, a FIN, with the body unfinished).
 */
export type ConnectionLoss = 'reset' | 'closed';

const kConnectionLoss = Symbol.for('@proving-ground/test-modes/connection-loss');

/**
 * The error a response body fails with to end its client's connection as a server would. The
 * guard recognises it (by a `Symbol.for` brand, so across realms and package copies) wherever it
 * delivers a handler's response.
 */
export function connectionLostError(loss: ConnectionLoss): Error {
  const error = new Error(
    loss === 'reset'
      ? 'The server reset the connection before the response ended'
      : 'The server closed the connection before the response ended',
  );
  Object.defineProperty(error, kConnectionLoss, { value: loss, enumerable: false });
  return error;
}

/** How `error` says the connection broke off, when it is an error made by {@link connectionLostError}. */
export function connectionLossOf(error: unknown): ConnectionLoss | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const loss = (error as Record<symbol, unknown>)[kConnectionLoss];
  return loss === 'reset' || loss === 'closed' ? loss : undefined;
}

/** The errno libuv gives `code` on this platform (ECONNRESET is -104 on Linux, -54 on macOS). */
function errnoOf(code: string): number | undefined {
  for (const [errno, [name]] of getSystemErrorMap()) if (name === code) return errno;
  return undefined;
}

/** The error a socket emits when its peer resets it while the client reads. */
function readReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { errno: errnoOf('ECONNRESET'), code: 'ECONNRESET', syscall: 'read' });
}

/**
 * Make `socket` (the client side of an intercepted connection the guard answers) report its
 * destruction as a real socket does: the error first (on the next tick), then 'close' once the
 * connection is torn down (a later turn of the event loop, where libuv closes a real handle).
 *
 * The interceptors' stand-in emits the error in a microtask and 'close' on the next tick, so when
 * a client destroys the socket from a tick callback (an abort signal, a timeout, a 'data'
 * listener), 'close' comes first and node:http reports its response `aborted` before the
 * request's own error (an `AbortError`, a timeout, `read ECONNRESET`).
 */
export function destroyLikeRealSocket(socket: Socket): void {
  socket._destroy = (error, callback) => {
    callback(error);
    setImmediate(() => socket.emit('close', error !== null));
  };
}

/**
 * End the client side of an intercepted connection as the server's loss would reach it: a reset
 * fails the socket with `read ECONNRESET`; a close ends its input (the client reads the end of the
 * stream, as on a FIN) and then closes it.
 */
export function endSocketWith(socket: Socket, loss: ConnectionLoss): void {
  // The response writer may still hold the last chunks (its first write is corked until the next
  // tick): let them reach the client first, as they did when the server sent them.
  setImmediate(() => {
    if (socket.destroyed) return;
    destroyLikeRealSocket(socket);
    if (loss === 'reset') {
      socket.destroy(readReset());
      return;
    }
    // node:http (its request sits on the socket as `_httpMessage`) would read the end of input as
    // the end of the answer, which the interceptors frame by the connection's end; a real server's
    // answer has a length or chunks that the close leaves unfinished, so node:http sees `aborted`.
    // Close it without an end of input, as that unfinished framing reads to node:http.
    if ((socket as Socket & { _httpMessage?: unknown })._httpMessage != null) {
      socket.destroy();
      return;
    }
    socket.once('end', () => setImmediate(() => socket.destroy()));
    socket.push(null);
  });
}

// undici marks its errors with these brands; its `instanceof` checks read them.
const UNDICI_ERROR = Symbol.for('undici.error.UND_ERR');
const UNDICI_SOCKET_ERROR = Symbol.for('undici.error.UND_ERR_SOCKET');

/** undici's `SocketError`, as global `fetch` reports a connection its server closed. */
class SocketError extends Error {
  readonly code = 'UND_ERR_SOCKET';
  readonly socket: Record<string, unknown>;
  constructor(message: string, socket: Record<string, unknown>) {
    super(message);
    this.name = 'SocketError';
    this.socket = socket;
    Object.defineProperty(this, UNDICI_ERROR, { value: true });
    Object.defineProperty(this, UNDICI_SOCKET_ERROR, { value: true });
  }
}

/**
 * The error the body of a global `fetch` response fails with when its connection breaks off:
 * undici's `TypeError: terminated`, whose cause is what undici saw on the socket (`read ECONNRESET`
 * for a reset, `SocketError: other side closed` for a close). `url` is the request's.
 */
export function fetchBodyErrorFor(loss: ConnectionLoss, url: string): TypeError {
  const { hostname, port, protocol } = new URL(url);
  const cause =
    loss === 'reset'
      ? readReset()
      : new SocketError('other side closed', {
          localAddress: undefined,
          localPort: undefined,
          remoteAddress: hostname,
          remotePort: Number(port === '' ? (protocol === 'https:' ? 443 : 80) : port),
          remoteFamily: undefined,
          timeout: undefined,
          bytesWritten: undefined,
          bytesRead: undefined,
        });
  return new TypeError('terminated', { cause });
}

/**
 * `body`, failing with the error `failure(loss)` gives when it fails with a connection loss (any
 * other failure passes as it is), cancelling its source when cancelled.
 */
export function translateLoss(body: ReadableStream<Uint8Array>, failure: (loss: ConnectionLoss) => unknown): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          const loss = connectionLossOf(error);
          controller.error(loss === undefined ? error : failure(loss));
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * Make `controller` (answering a request on an intercepted connection, whose client socket
 * `socketOf` gives) end that socket as the server's connection loss would when the body of its
 * response fails with one; the interceptors would otherwise close it without a word, which clients
 * read as neither a reset nor a close. From the first read of the body on, the socket also reports
 * a destroy as a real socket does (see {@link destroyLikeRealSocket}).
 */
export function deliverLossesOn(controller: { respondWith(response: Response): void }, socketOf: () => Socket | undefined): void {
  const respondWith = controller.respondWith.bind(controller);
  controller.respondWith = (response: Response): void => {
    if (response.body === null || response.type === 'error') {
      respondWith(response);
      return;
    }
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let started = false;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(stream) {
          // The interceptors install their socket stand-in's destroy before reading the body.
          if (!started) {
            started = true;
            const socket = socketOf();
            if (socket !== undefined) destroyLikeRealSocket(socket);
          }
          try {
            const { done, value } = await reader.read();
            if (done) stream.close();
            else stream.enqueue(value);
          } catch (error) {
            const loss = connectionLossOf(error);
            const socket = socketOf();
            if (loss === undefined || socket === undefined) throw error;
            endSocketWith(socket, loss);
            // The socket ends here; the interceptors cancel this body once it is gone.
            await new Promise<never>(() => undefined);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    respondWith(new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }));
  };
}
