/**
 * Response bodies that go wrong the way servers' do: cut off after some bytes, sent a few bytes at a
 * time, JSON that does not parse, a server-sent event stream that stops mid-way.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** How a connection breaks off: reset (a TCP RST) or closed (a FIN) with the body unfinished. */
export type BodyLoss = 'reset' | 'closed';

/** A body a fault answers with: text, bytes, or a value sent as JSON. */
export type BodySource = string | Uint8Array | Record<string, unknown> | readonly unknown[];

const encoder = new TextEncoder();

/** The bytes of `body`, and the content type it implies. */
export function bodyBytes(body: BodySource): { bytes: Uint8Array; type: string } {
  if (typeof body === 'string') return { bytes: encoder.encode(body), type: 'text/plain; charset=utf-8' };
  if (body instanceof Uint8Array) return { bytes: body, type: 'application/octet-stream' };
  return { bytes: encoder.encode(JSON.stringify(body)), type: 'application/json' };
}

/** A response for `body`, with its content type unless `headers` give one. */
export function responseOf(
  body: BodySource,
  init: { status?: number; statusText?: string; headers?: Headers | Record<string, string> } = {},
): Response {
  const { bytes, type } = bodyBytes(body);
  const headers = new Headers(init.headers);
  if (!headers.has('content-type')) headers.set('content-type', type);
  return new Response(bytes, { status: init.status ?? 200, statusText: init.statusText ?? '', headers });
}

/** `response` with another body; a length that no longer holds is dropped. */
function withBody(response: Response, body: ReadableStream<Uint8Array>, keepLength: boolean): Response {
  const headers = new Headers(response.headers);
  if (!keepLength) headers.delete('content-length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Reads `source` chunk by chunk into `sink`, which says when to stop; cancels the source then. */
function reshape(
  source: ReadableStream<Uint8Array> | null,
  step: (chunk: Uint8Array, controller: ReadableStreamDefaultController<Uint8Array>) => 'more' | 'stop' | Promise<'more' | 'stop'>,
  end: (controller: ReadableStreamDefaultController<Uint8Array>) => void | Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = source?.getReader();
  let stopped = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (stopped) return;
        const read = reader === undefined ? undefined : await reader.read();
        if (read !== undefined && !read.done && (await step(read.value, controller)) === 'more') return;
        stopped = true;
        if (read !== undefined && !read.done) await reader?.cancel().catch(() => undefined);
        await end(controller);
      },
      cancel: (reason) => reader?.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * The error that ends a body as a broken connection ends it: the guard then fails each client as a
 * real server's reset or close would.
 */
export type LossError = (loss: BodyLoss) => Error;

/** Ends `controller` with a connection loss once the client has read what came before it. */
async function breakOff(controller: ReadableStreamDefaultController<Uint8Array>, loss: BodyLoss, lossError: LossError): Promise<void> {
  // Let the bytes before the break reach the client first, as they would on the wire.
  await delay(1);
  controller.error(lossError(loss));
}

/**
 * `response` cut after `after` bytes of its body: the connection then breaks off (`loss`), or, with
 * `loss: 'end'`, the body simply ends there (a short body, no error).
 */
export function truncated(response: Response, after: number, loss: BodyLoss | 'end', lossError: LossError): Response {
  let sent = 0;
  const body = reshape(
    response.body,
    (chunk, controller) => {
      const room = after - sent;
      if (room > 0) controller.enqueue(chunk.subarray(0, room));
      sent += Math.min(room, chunk.length);
      return sent < after ? 'more' : 'stop';
    },
    async (controller) => {
      if (loss === 'end') controller.close();
      else await breakOff(controller, loss, lossError);
    },
  );
  return withBody(response, body, loss !== 'end');
}

/** `response` with its body sent `chunkSize` bytes at a time, `interval` ms apart. */
export function trickled(response: Response, chunkSize: number, interval: number): Response {
  let first = true;
  const body = reshape(
    response.body,
    async (chunk, controller): Promise<'more'> => {
      for (let offset = 0; offset < chunk.length; offset += chunkSize) {
        if (!first) await delay(interval);
        first = false;
        controller.enqueue(chunk.slice(offset, offset + chunkSize));
      }
      return 'more';
    },
    (controller) => controller.close(),
  );
  return withBody(response, body, true);
}

/**
 * `response` with a JSON body that does not parse: the text is cut at its middle (at least one
 * character kept) and the body ends cleanly, with a `content-length` that matches, as a server that
 * built the JSON wrong would send it. `JSON.parse` then fails with `Unexpected end of JSON input`
 * or an unterminated-string error.
 */
export async function malformedJson(response: Response): Promise<Response> {
  const text = await response.text();
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.set('content-length', String(encoder.encode(cut).length));
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Response(cut, { status: response.status, statusText: response.statusText, headers });
}

/** The end of a server-sent event: a blank line (`\n\n`, `\r\n\r\n` or `\r\r`). */
const EVENT_END = /\r\n\r\n|\n\n|\r\r/g;

/**
 * `response`, a server-sent event stream, broken off (`loss`) after its first `afterEvents` events:
 * the client reads those whole events, then the connection fails.
 */
export function cutEventStream(response: Response, afterEvents: number, loss: BodyLoss, lossError: LossError): Response {
  const decoder = new TextDecoder();
  let pending = '';
  let events = 0;
  const body = reshape(
    response.body,
    (chunk, controller) => {
      pending += decoder.decode(chunk, { stream: true });
      let keep = 0;
      EVENT_END.lastIndex = 0;
      for (let match = EVENT_END.exec(pending); match !== null && events < afterEvents; match = EVENT_END.exec(pending)) {
        events++;
        keep = match.index + match[0].length;
      }
      if (keep > 0) controller.enqueue(encoder.encode(pending.slice(0, keep)));
      pending = pending.slice(keep);
      return events < afterEvents ? 'more' : 'stop';
    },
    (controller) => breakOff(controller, loss, lossError),
  );
  return withBody(response, body, false);
}
