import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, constants, createGzip, deflateSync, gzipSync } from 'node:zlib';

/** A real HTTP server on 127.0.0.1 (random port) with the routes the record/replay tests use. */
export interface LocalServer {
  origin: string;
  /** Requests seen, as `METHOD /path`. */
  seen: string[];
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function chatChunk(content: string | null, finish: string | null, usage?: object): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-local',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: usage === undefined ? [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] : [],
    ...(usage === undefined ? {} : { usage }),
  })}\n\n`;
}

const routes: Record<string, Route> = {
  '/json': (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.setHeader('x-request-id', `req-${Math.random()}`);
    response.end(JSON.stringify({ items: [1, 2, 3], note: 'café ☕' }));
  },
  '/echo': (request, response, body) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ method: request.method, url: request.url, body }));
  },
  '/binary': (_request, response) => {
    response.setHeader('content-type', 'application/octet-stream');
    response.end(Buffer.from([0, 1, 2, 253, 254, 255]));
  },
  '/gzip': (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.setHeader('content-encoding', 'gzip');
    response.end(gzipSync(JSON.stringify({ compressed: 'gzip' })));
  },
  '/deflate': (_request, response) => {
    response.setHeader('content-type', 'text/plain');
    response.setHeader('content-encoding', 'deflate');
    response.end(deflateSync('deflated text'));
  },
  '/br': (_request, response) => {
    response.setHeader('content-type', 'text/plain');
    response.setHeader('content-encoding', 'br');
    response.end(brotliCompressSync('brotli text'));
  },
  '/sse': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    void (async () => {
      for (const event of ['one', 'two', 'three']) {
        response.write(`event: tick\ndata: ${event}\n\n`);
        await sleep(40);
      }
      response.end();
    })();
  },
  '/sse-gzip': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
    const gzip = createGzip();
    gzip.pipe(response);
    void (async () => {
      for (const event of ['one', 'two', 'three']) {
        gzip.write(`data: {"n":"${event}"}\n\n`);
        await new Promise((flushed) => gzip.flush(constants.Z_SYNC_FLUSH, () => flushed(undefined)));
        await sleep(30);
      }
      gzip.end();
    })();
  },
  '/random-completion': (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
        created: Date.now(),
        choices: [{ message: { content: 'Same answer' } }],
      }),
    );
  },
  '/ndjson': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    void (async () => {
      for (const row of [{ n: 1 }, { n: 2 }]) {
        response.write(`${JSON.stringify(row)}\n`);
        await sleep(30);
      }
      response.end();
    })();
  },
  '/broken': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: first\n\n');
    setTimeout(() => response.destroy(), 30);
  },
  '/v1/chat/completions': (_request, response, body) => {
    const parsed = JSON.parse(body) as { stream?: boolean };
    if (parsed.stream !== true) {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          id: 'chatcmpl-local',
          object: 'chat.completion',
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    void (async () => {
      for (const piece of ['Refunds ', 'take ', '5 days.']) {
        response.write(chatChunk(piece, null));
        await sleep(15);
      }
      response.write(chatChunk(null, 'stop'));
      response.write(chatChunk(null, null, { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 }));
      response.write('data: [DONE]\n\n');
      response.end();
    })();
  },
};

/**
 * Start the server on 127.0.0.1 port 0.
 *
 * @example
 * const server = await startLocalServer(); afterAll(() => server.close())
 */
export async function startLocalServer(): Promise<LocalServer> {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      seen.push(`${request.method} ${path}`);
      const route = routes[path];
      if (route === undefined) {
        response.statusCode = 404;
        response.end('not found');
      } else route(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${address.port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
