/** Sending a request to its real server past every interceptor, for request handlers that forward. */
import * as nodeHttp from 'node:http';
import * as nodeHttps from 'node:https';
import { isIP, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { connectionLostError } from './connection-loss.js';

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
 * The response body as the client reads it: `incoming`'s bytes, failing with a connection loss
 * (`connectionLostError`) when the server reset or closed the connection mid-way, or with the
 * request's abort reason when the client walked away.
 */
function bodyOf(
  incoming: nodeHttp.IncomingMessage,
  request: Request,
  socketError: () => NodeJS.ErrnoException | undefined,
): ReadableStream<Uint8Array> {
  const source = (Readable.toWeb(incoming) as ReadableStream<Uint8Array>).getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await source.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          if (request.signal.aborted) controller.error(error);
          else controller.error(connectionLostError(socketError()?.code === 'ECONNRESET' ? 'reset' : 'closed'));
        }
      },
      cancel: (reason) => source.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * Send `request` to its server on a socket connected with Node's own `connect`, so neither the
 * guard's interceptors nor another copy (msw in a test file) sees it, and resolve with the response
 * head; the body streams unchanged (no decompression). A body the server cuts off fails with the
 * connection loss (see `connection-loss.ts`), so a handler answering with it passes the loss on.
 */
export async function sendOutsideInterceptors(nativeConnect: Socket['connect'], request: Request): Promise<Response> {
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
  // Ask for the connection the client asked for (HTTP/1.1 keeps it alive unless told to close), so
  // the server frames and ends its response as it does for the client: a client that keeps the
  // connection alive reads a reset mid-body as an error, one told `Connection: close` as the end.
  // The connection is not reused: it is closed once the response has ended.
  const keepAlive = !/\bclose\b/i.test(request.headers.get('connection') ?? '');
  if (keepAlive) headers['connection'] = 'keep-alive';
  const createConnection = (): Socket => {
    const socket = new Socket();
    Reflect.apply(nativeConnect, socket, [{ host: hostname, port }]);
    return secure ? tlsConnect({ socket, servername: isIP(hostname) === 0 ? hostname : undefined, ALPNProtocols: ['http/1.1'] }) : socket;
  };
  const send = secure ? nodeHttps.request : nodeHttp.request;
  let socketError: NodeJS.ErrnoException | undefined;
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
          new Response(hasBody ? bodyOf(incoming, request, () => socketError) : null, {
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
    outgoing.on('socket', (socket) => {
      socket.once('error', (error) => (socketError = error));
      // Nobody pools this connection: close it once the response has ended.
      outgoing.once('response', (incoming) => incoming.once('end', () => setImmediate(() => socket.destroy())));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
