import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/** A TCP server on 127.0.0.1 for the proxy tests, closed (with its connections) by `close()`. */
export interface TestServer extends AsyncDisposable {
  port: number;
  address: string;
  /** Sockets it accepted, in order. */
  accepted: Socket[];
  close(): Promise<void>;
}

/** Start a server answering each connection with `handler` (by default: echo). */
export async function startServer(
  handler: (socket: Socket) => void = (socket) => socket.pipe(socket),
  port = 0,
  options: { allowHalfOpen?: boolean } = {},
): Promise<TestServer> {
  const accepted: Socket[] = [];
  const server: Server = createServer(options, (socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    handler(socket);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const bound = server.address();
  const actual = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const close = async (): Promise<void> => {
    for (const socket of accepted) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: actual, address: `127.0.0.1:${actual}`, accepted, close, [Symbol.asyncDispose]: close };
}

/** Connect to 127.0.0.1:`port`; rejects with the socket's error (ECONNREFUSED, ...). */
export async function dial(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Collects what a socket receives, and how it ended. */
export class Reader {
  text = '';
  ended = false;
  error: NodeJS.ErrnoException | undefined;
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.text += data;
      this.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error;
      this.notify();
    });
    socket.on('close', () => this.notify());
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Wait until `done()` holds (checked on each event), or fail after `ms`. */
  async until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for `text` to have been received in full. */
  async receive(text: string): Promise<void> {
    await this.until(() => this.text.includes(text), JSON.stringify(text));
  }

  /** Wait for the socket to close; resolves with its error (or undefined for a clean end). */
  async closed(): Promise<NodeJS.ErrnoException | undefined> {
    await this.until(() => this.socket.destroyed || this.socket.closed, 'the socket to close');
    return this.error;
  }
}

/** Connect through `port`, send `text` and wait for it to come back (an echo server is behind). */
export async function roundTrip(port: number, text: string): Promise<string> {
  const socket = await dial(port);
  const reader = new Reader(socket);
  socket.write(text);
  await reader.receive(text);
  socket.destroy();
  return reader.text;
}

/** The error `connect()` to 127.0.0.1:`port` fails with, or undefined when it connects. */
export async function connectError(port: number): Promise<NodeJS.ErrnoException | undefined> {
  try {
    const socket = await dial(port);
    socket.destroy();
    return undefined;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}
