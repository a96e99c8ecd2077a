import { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { fetchBodyErrorFor, translateLoss } from './connection-loss.js';

/** Statuses a `fetch` with `redirect: 'follow'` follows. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Statuses whose responses carry no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function decoderFor(coding: string): Duplex | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      // Servers end gzip bodies loosely; undici's fetch accepts that, and so does this.
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    default:
      return undefined;
  }
}

/**
 * The body a `fetch` caller reads from `response`: decoded from its `content-encoding`, as undici's
 * fetch does (the headers stay as they are). Unknown codings are left encoded, as undici leaves them.
 */
function decodedBody(response: Response, method: string): ReadableStream<Uint8Array> | null {
  if (response.body === null || method === 'HEAD' || NULL_BODY_STATUSES.has(response.status)) return null;
  const codings = (response.headers.get('content-encoding') ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  const decoders = codings.reverse().map(decoderFor);
  if (decoders.some((decoder) => decoder === undefined)) return response.body;
  let body: ReadableStream<Uint8Array> = response.body;
  for (const decoder of decoders as Duplex[]) {
    body = body.pipeThrough(Duplex.toWeb(decoder));
  }
  return body;
}

/**
 * `body`, failing with the abort reason once `signal` aborts (as a fetch body does) and cancelling
 * its source then, so the answering handler sees its client walk away.
 */
function abortable(body: ReadableStream<Uint8Array>, signal: AbortSignal): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let settled = false;
  let onAbort = (): void => undefined;
  const stop = (): void => {
    settled = true;
    signal.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => {
          if (settled) return;
          stop();
          reader.cancel(signal.reason).catch(() => undefined);
          controller.error(signal.reason);
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (settled) return;
          if (done) {
            stop();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          if (settled) return;
          stop();
          controller.error(error);
        }
      },
      cancel(reason) {
        stop();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The `Response` a `fetch` caller gets for `answer`, a handler's answer to `request`: its body
 * decoded, its `url` and `redirected` set. A `Response.error()` becomes the `TypeError` fetch rejects with;
 * a body failing with a connection loss fails with undici's `TypeError: terminated`.
 */
export function fetchResponseFor(request: Request, answer: Response, redirected: boolean): Response {
  if (answer.type === 'error') throw new TypeError('fetch failed', { cause: answer });
  const decoded = decodedBody(answer, request.method);
  // A body cut off by its server fails as undici's fetch fails it.
  const body = decoded === null ? null : translateLoss(decoded, (loss) => fetchBodyErrorFor(loss, request.url));
  const response = new Response(body === null ? null : abortable(body, request.signal), {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
  Object.defineProperty(response, 'url', { value: request.url, enumerable: true });
  if (redirected) Object.defineProperty(response, 'redirected', { value: true, enumerable: true });
  return response;
}

/**
 * The request a `fetch` with `redirect: 'follow'` sends next for `response`, or undefined when it is
 * not a redirect to follow. `redirect: 'error'` rejects as fetch does.
 */
export function redirectedRequest(request: Request, response: Response, body: ArrayBuffer | null): Request | undefined {
  if (!REDIRECT_STATUSES.has(response.status) || request.redirect === 'manual') return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  if (request.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`unexpected redirect to ${location}`) });
  const url = new URL(location, request.url);
  const toGet =
    response.status === 303 ? request.method !== 'HEAD' : (response.status === 301 || response.status === 302) && request.method === 'POST';
  const headers = new Headers(request.headers);
  if (toGet)
    for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
  if (url.origin !== new URL(request.url).origin)
    for (const name of ['authorization', 'proxy-authorization', 'cookie']) headers.delete(name);
  return new Request(url, {
    method: toGet ? 'GET' : request.method,
    headers,
    body: toGet || body === null ? null : body,
    redirect: request.redirect,
    signal: request.signal,
  });
}
