import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { networkGuard, type NetworkGuardRuntime } from '../src/index.js';

/** What a node:http client saw of one exchange, and the bytes that reached its socket. */
interface Seen {
  status?: number;
  statusMessage?: string;
  rawHeaders?: string[];
  chunks: string[];
  wire: string;
  error?: { name: string; message: string; code?: unknown };
  reusedSocket?: boolean;
  events: string[];
}

function exchange(
  url: string,
  options: { method?: string; body?: string; agent?: Agent; abortAfterFirstChunk?: boolean } = {},
): Promise<Seen> {
  return new Promise((resolve) => {
    const seen: Seen = { chunks: [], wire: '', events: [] };
    const controller = new AbortController();
    const settle = (): void => resolve(seen);
    const outgoing = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        signal: controller.signal,
        headers: options.body === undefined ? {} : { 'Content-Type': 'application/json' },
      },
      (incoming: IncomingMessage) => {
        seen.events.push('response');
        seen.status = incoming.statusCode;
        seen.statusMessage = incoming.statusMessage;
        seen.rawHeaders = incoming.rawHeaders;
        seen.reusedSocket = outgoing.reusedSocket;
        incoming.on('data', (chunk: Buffer) => {
          seen.chunks.push(String(chunk));
          if (options.abortAfterFirstChunk === true) controller.abort();
        });
        incoming.on('end', () => {
          seen.events.push('end');
          settle();
        });
        incoming.on('error', (error: Error & { code?: unknown }) => {
          seen.error ??= { name: error.name, message: error.message, code: error.code };
          settle();
        });
      },
    );
    outgoing.on('socket', (socket: Socket) => {
      seen.events.push('socket');
      socket.on('data', (chunk: Buffer) => (seen.wire += chunk.toString('latin1')));
    });
    outgoing.on('error', (error: Error & { code?: unknown }) => {
      seen.error ??= { name: error.name, message: error.message, code: error.code };
      settle();
    });
    outgoing.end(options.body);
  });
}

/** A stream of `parts`, one per turn of the event loop, then `end` (complete, an error, or left open). */
function streamOf(parts: string[], end: Error | 'complete' | 'open', onCancel?: () => void): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(stream) {
      if (index > 0) await new Promise((resolve) => setImmediate(resolve));
      const part = parts[index];
      index += 1;
      if (part !== undefined) stream.enqueue(new TextEncoder().encode(part));
      else if (end === 'complete') stream.close();
      else if (end !== 'open') stream.error(end);
      else await new Promise(() => undefined);
    },
    cancel: () => onCancel?.(),
  });
}

describe('the guard node:http fast path', () => {
  let guard: NetworkGuardRuntime;
  let removeHandler: () => void;
  let server: Server;
  let origin: string;
  const seenByServer: string[] = [];
  const seenByHandler: string[] = [];
  const offered: string[] = [];
  let cancelled = 0;
  let abortsSeen = 0;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      seenByServer.push(`${request.method} ${request.url}`);
      request.resume();
      response.setHeader('content-type', 'text/plain');
      response.end('from the real server');
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    guard = networkGuard();
    // Answers /answered/* only; anything else is left to the guard's policy (passthrough or block).
    removeHandler = guard.addRequestHandler(async ({ request, controller }) => {
      const { pathname } = new URL(request.url);
      offered.push(`${request.method} ${pathname}`);
      if (!pathname.startsWith('/answered/')) return;
      const body = await request.text();
      seenByHandler.push(`${request.method} ${request.url} ${request.headers.get('content-type') ?? '-'} ${body}`);
      let route = pathname.slice('/answered/'.length);
      // A handler still deciding when the client gives up: it stops once the request is aborted.
      if (route === 'until-aborted') {
        await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
        abortsSeen += 1;
        return;
      }
      // An answer that takes a while (a handler reading a file, a recording's real server).
      if (route === 'slow-json') {
        await new Promise((resolve) => setTimeout(resolve, 30));
        route = 'json';
      }
      if (route === 'json') {
        const headers = new Headers([
          ['Content-Type', 'application/json'],
          ['Content-Length', '8'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ]);
        controller.respondWith(new Response('{"a":1}\n', { status: 201, statusText: 'Made', headers }));
      } else if (route === 'stream') {
        const headers = { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' };
        controller.respondWith(new Response(streamOf(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n'], 'complete'), { headers }));
      } else if (route === 'until-close') {
        controller.respondWith(new Response(streamOf(['first ', 'second'], 'complete'), { headers: { 'content-type': 'text/plain' } }));
      } else if (route === 'empty') {
        controller.respondWith(new Response(null, { status: 204 }));
      } else if (route === 'reset') {
        const headers = { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' };
        controller.respondWith(new Response(streamOf(['first chunk'], guard.connectionLost('reset')), { headers }));
      } else if (route === 'closed') {
        const headers = { 'content-type': 'text/plain', 'content-length': '100' };
        controller.respondWith(new Response(streamOf(['first chunk'], guard.connectionLost('closed')), { headers }));
      } else if (route === 'hang') {
        const headers = { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' };
        controller.respondWith(
          new Response(
            streamOf(['first chunk'], 'open', () => (cancelled += 1)),
            { headers },
          ),
        );
      } else if (route === 'fail') {
        controller.errorWith(Object.assign(new Error('The handler refused it'), { code: 'E_REFUSED' }));
      } else if (route === 'network-error') {
        controller.respondWith(Response.error());
      }
    });
  });

  afterAll(async () => {
    removeHandler();
    guard.clientRequestFastPath.enabled = true;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Run `scenario` on the socket path, then on the fast path; what each saw and how many requests the fast path answered and handed over. */
  async function bothWays<T>(scenario: () => Promise<T>): Promise<{ socketPath: T; fastPath: T; answered: number; handedOver: number }> {
    const fast = guard.clientRequestFastPath;
    fast.enabled = false;
    const socketBefore = [fast.answered, fast.handedOver];
    const socketPath = await scenario();
    expect([fast.answered, fast.handedOver]).toEqual(socketBefore);
    fast.enabled = true;
    const [answeredBefore, handedOverBefore] = [fast.answered, fast.handedOver];
    const fastPath = await scenario();
    return { socketPath, fastPath, answered: fast.answered - answeredBefore, handedOver: fast.handedOver - handedOverBefore };
  }

  it.each([
    ['a response with a length, repeated headers and a status text', 'json'],
    ['a chunked stream, chunk by chunk', 'stream'],
    ['a body framed by the end of the connection', 'until-close'],
    ['a response without a body', 'empty'],
    ['an answer that took the handler a while', 'slow-json'],
  ])('should deliver %s byte for byte as the socket path does', async (_name, route) => {
    const { socketPath, fastPath, answered } = await bothWays(() => exchange(`${origin}/answered/${route}`));

    expect(answered).toBe(1);
    expect(fastPath).toEqual(socketPath);
    expect(fastPath.error).toBeUndefined();
    expect(fastPath.wire.startsWith('HTTP/1.1 ')).toBe(true);
  });

  it('should open no connection to the real server while a handler takes its time to answer', async () => {
    connections = 0;
    const { fastPath, answered } = await bothWays(() => exchange(`${origin}/answered/slow-json`));

    expect(answered).toBe(1);
    expect(fastPath.status).toBe(201);
    expect(connections).toBe(0);
  });

  it('should hand the handlers the request as the socket path does: method, URL, headers and body', async () => {
    seenByHandler.length = 0;
    const { socketPath, fastPath, answered } = await bothWays(() =>
      exchange(`${origin}/answered/json?q=caf%C3%A9`, { method: 'POST', body: '{"question":"refunds?"}' }),
    );

    expect(answered).toBe(1);
    expect(fastPath).toEqual(socketPath);
    expect(seenByHandler).toEqual([
      `POST ${origin}/answered/json?q=caf%C3%A9 application/json {"question":"refunds?"}`,
      `POST ${origin}/answered/json?q=caf%C3%A9 application/json {"question":"refunds?"}`,
    ]);
  });

  it.each([
    ['a reset mid-body', 'reset'],
    ['a close mid-body', 'closed'],
    ['a handler error', 'fail'],
    ['a network error response', 'network-error'],
  ])('should fail the client on %s as the socket path does', async (_name, route) => {
    const { socketPath, fastPath, answered } = await bothWays(() => exchange(`${origin}/answered/${route}`));

    expect(answered).toBe(1);
    expect(fastPath.error).toBeDefined();
    expect(fastPath).toEqual(socketPath);
  });

  it('should stop a stream the client aborts mid-way and cancel its source, as the socket path does', async () => {
    cancelled = 0;
    const { socketPath, fastPath, answered } = await bothWays(() => exchange(`${origin}/answered/hang`, { abortAfterFirstChunk: true }));
    // The source is cancelled once the client's socket is gone.
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(answered).toBe(1);
    expect(fastPath.error?.name).toBe('AbortError');
    expect(fastPath).toEqual(socketPath);
    expect(cancelled).toBe(2);
  });

  it('should pass an unanswered request through on a kept-alive socket after an answered one, offered to the handlers once', async () => {
    seenByServer.length = 0;
    offered.length = 0;
    const { socketPath, fastPath, answered, handedOver } = await bothWays(async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const first = await exchange(`${origin}/answered/json`, { agent });
        const second = await exchange(`${origin}/live`, { agent, method: 'POST', body: '{"n":2}' });
        const third = await exchange(`${origin}/answered/json`, { agent });
        return { first, second, third };
      } finally {
        agent.destroy();
      }
    });

    expect([answered, handedOver]).toEqual([2, 1]);
    expect(fastPath).toEqual(socketPath);
    expect(fastPath.second.reusedSocket).toBe(true);
    expect(fastPath.second.chunks.join('')).toBe('from the real server');
    expect(fastPath.third.status).toBe(201);
    expect(seenByServer).toEqual(['POST /live', 'POST /live']);
    expect(offered.filter((request) => request === 'POST /live')).toEqual(['POST /live', 'POST /live']);
  });

  it('should answer a request written in several pieces in one turn and free its socket for the next one', async () => {
    const send = (agent: Agent): Promise<{ status?: number; body: string; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          `${origin}/answered/json`,
          { method: 'POST', agent, headers: { 'content-length': '13' } },
          (incoming) => {
            let body = '';
            incoming.on('data', (chunk: Buffer) => (body += String(chunk)));
            incoming.on('end', () => resolve({ status: incoming.statusCode, body, reused: outgoing.reusedSocket }));
          },
        );
        outgoing.on('error', reject);
        // Writes the socket takes in one batch (as axios's redirect layer writes a request).
        outgoing.write('{"piece":');
        outgoing.end('"1"}');
      });
    const { socketPath, fastPath, answered } = await bothWays(async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        return [await send(agent), await send(agent)];
      } finally {
        agent.destroy();
      }
    });

    expect(fastPath).toEqual(socketPath);
    expect(fastPath.map((seen) => seen.reused)).toEqual([false, true]);
    expect(answered).toBe(2);
  });

  it('should block an unanswered request the policy refuses on a kept-alive socket after an answered one', async () => {
    const before = guard.config;
    guard.configure({ ...before, mode: 'golden' });
    try {
      const { socketPath, fastPath, answered, handedOver } = await bothWays(async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const first = await exchange('http://api.example.test/answered/json', { agent });
          const second = await exchange('http://api.example.test/private', { agent });
          return { first, second };
        } finally {
          agent.destroy();
        }
      });

      expect([answered, handedOver]).toEqual([1, 1]);
      expect(fastPath).toEqual(socketPath);
      expect(fastPath.first.status).toBe(201);
      expect(fastPath.second.error?.code).toBe('TEST_MODES_NETWORK_BLOCKED');
      expect(guard.takeViolations().map((attempt) => attempt.target)).toHaveLength(2);
    } finally {
      guard.configure(before);
    }
  });

  it('should answer an HTTPS request on the TLS stand-in as the socket path does', async () => {
    const send = (): Promise<{ status?: number; body: string; encrypted: boolean; events: string[] }> =>
      new Promise((resolve, reject) => {
        const events: string[] = [];
        const outgoing = httpsRequest('https://api.example.test/answered/json', { method: 'POST', agent: false }, (incoming) => {
          let body = '';
          const encrypted = 'encrypted' in incoming.socket;
          incoming.on('data', (chunk: Buffer) => (body += String(chunk)));
          incoming.on('end', () => resolve({ status: incoming.statusCode, body, encrypted, events }));
        });
        outgoing.on('socket', (socket) => {
          events.push('socket');
          socket.once('secureConnect', () => events.push('secureConnect'));
        });
        outgoing.on('error', reject);
        outgoing.end('{"secure":true}');
      });
    const { socketPath, fastPath, answered } = await bothWays(send);

    expect(answered).toBe(1);
    expect(fastPath).toEqual(socketPath);
    expect(fastPath).toMatchObject({ status: 201, body: '{"a":1}\n', encrypted: true });
  });

  it('should let a client time out while the handler decides, and abort the request, as the socket path does', async () => {
    abortsSeen = 0;
    const { socketPath, fastPath } = await bothWays(
      () =>
        new Promise<string>((resolve) => {
          const outgoing = httpRequest(`${origin}/answered/until-aborted`, { agent: false, timeout: 20 });
          outgoing.on('timeout', () => outgoing.destroy(new Error('client timeout')));
          outgoing.on('response', () => resolve('response'));
          outgoing.on('error', (error) => resolve(error.message));
          outgoing.end();
        }),
    );

    expect(fastPath).toBe('client timeout');
    expect(fastPath).toEqual(socketPath);
    // Both ways, the handler saw its request aborted when the client gave up.
    expect(abortsSeen).toBe(2);
  });

  it('should leave a request whose body is still being written to the socket path', async () => {
    const fast = guard.clientRequestFastPath;
    const [answeredBefore, handedOverBefore] = [fast.answered, fast.handedOver];
    const seen = await new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest(`${origin}/answered/json`, { method: 'POST', agent: false }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => (text += String(chunk)));
        incoming.on('end', () => resolve(text));
      });
      outgoing.on('error', reject);
      outgoing.write('{"part":');
      setImmediate(() => outgoing.end('1}'));
    });

    expect(seen).toBe('{"a":1}\n');
    expect([fast.answered - answeredBefore, fast.handedOver - handedOverBefore]).toEqual([0, 0]);
  });
});
