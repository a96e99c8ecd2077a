import { decodeContent, decodeContentChunks, isKnownEncoding, isUtf8, storeBody } from './bodies.js';
import { normalizeResponse, type NormalizeOptions } from './normalization.js';
import type { RecordedRequest, RecordedResponse, RecordedStream, StoredBody, StreamChunk, StreamEnd } from './format.js';
import type { Redactor } from './redaction/redactor.js';

/** Request headers left out of cassettes by default: they change between runs and machines. */
export const VOLATILE_REQUEST_HEADERS: readonly (string | RegExp)[] = [
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'user-agent',
  'date',
  'x-request-id',
  'traceparent',
  'tracestate',
  'baggage',
  'sentry-trace',
  /^x-stainless-/i,
];

/** Response headers left out of cassettes by default. */
export const VOLATILE_RESPONSE_HEADERS: readonly (string | RegExp)[] = [
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'x-request-id',
  'request-id',
  'cf-ray',
  'cf-cache-status',
  'openai-processing-ms',
  'x-envoy-upstream-service-time',
  'server-timing',
  'age',
  'alt-svc',
  /^x-ratelimit-/i,
  /^anthropic-ratelimit-/i,
];

/** How requests and responses are turned into cassette entries. */
export interface CaptureSettings {
  redactor: Redactor;
  /** Real origin → stable alias (`http://127.0.0.1:53211` → `https://llm.test`). */
  aliases: { get(origin: string): string | undefined };
  /** Extra headers to leave out, on top of the volatile ones. */
  dropHeaders: readonly (string | RegExp)[];
  /** Values replaced in stored responses (see {@link NormalizeOptions}). */
  normalize?: NormalizeOptions | undefined;
}

function dropped(name: string, lists: readonly (readonly (string | RegExp)[])[]): boolean {
  const lower = name.toLowerCase();
  return lists.some((list) => list.some((entry) => (typeof entry === 'string' ? entry.toLowerCase() === lower : entry.test(lower))));
}

/**
 * The URL as stored: its origin replaced by its alias when it has one.
 *
 * @example
 * aliasUrl('http://127.0.0.1:5123/v1/chat', new Map([['http://127.0.0.1:5123', 'https://llm.test']])) // 'https://llm.test/v1/chat'
 */
export function aliasUrl(raw: string, aliases: { get(origin: string): string | undefined }): string {
  const url = new URL(raw);
  const alias = aliases.get(url.origin);
  return alias === undefined ? url.toString() : `${alias.replace(/\/$/, '')}${url.pathname}${url.search}`;
}

function redactBody(body: StoredBody | undefined, contentType: string, redactor: Redactor): StoredBody | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) return { ...body, json: redactor.json(body.json) };
  if ('text' in body) {
    if (/x-www-form-urlencoded/i.test(contentType)) {
      const params = new URLSearchParams(body.text);
      const redacted = new URL(`http://form.invalid/?${params.toString()}`);
      return { text: new URL(redactor.url(redacted.toString())).search.slice(1) };
    }
    return { text: redactor.text(body.text) };
  }
  return body;
}

/**
 * The stored form of a request: origin aliased, volatile headers dropped, secrets redacted. The
 * same function runs before matching and before writing, so both see the same request.
 *
 * @example
 * const recorded = recordRequest('POST', url, headers, bytes, settings)
 */
export function recordRequest(
  method: string,
  url: string,
  headers: Iterable<[string, string]>,
  body: Uint8Array,
  settings: CaptureSettings,
): RecordedRequest {
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (dropped(name, [VOLATILE_REQUEST_HEADERS, settings.dropHeaders])) continue;
    kept[name.toLowerCase()] = settings.redactor.header(name, value);
  }
  const contentType = kept['content-type'] ?? '';
  const stored = redactBody(storeBody(body, contentType), contentType, settings.redactor);
  return {
    method: method.toUpperCase(),
    url: settings.redactor.url(aliasUrl(url, settings.aliases)),
    headers: kept,
    ...(stored === undefined ? {} : { body: stored }),
  };
}

/**
 * The stored form of a live request (its body read from a clone, so it can still be sent).
 *
 * @example
 * const recorded = await recordLiveRequest(request, settings)
 */
export async function recordLiveRequest(request: Request, settings: CaptureSettings): Promise<RecordedRequest> {
  const body = request.body === null ? new Uint8Array() : new Uint8Array(await request.clone().arrayBuffer());
  return recordRequest(request.method, request.url, request.headers, body, settings);
}

/** Which kind of stream a content type is, if it is one this package keeps chunk by chunk. */
export function streamKind(contentType: string | null): 'sse' | 'ndjson' | undefined {
  if (contentType === null) return undefined;
  if (/^text\/event-stream\b/i.test(contentType)) return 'sse';
  if (/^application\/(?:x-)?(?:ndjson|jsonl|jsonlines|x-jsonlines)\b/i.test(contentType)) return 'ndjson';
  return undefined;
}

/** Response headers as stored: volatile ones dropped, secrets redacted, repeated ones kept as arrays. */
function recordResponseHeaders(headers: Headers, settings: CaptureSettings): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue;
    if (dropped(name, [VOLATILE_RESPONSE_HEADERS, settings.dropHeaders])) continue;
    kept[name] = settings.redactor.header(name, value);
  }
  const cookies = headers.getSetCookie();
  if (cookies.length > 0 && !dropped('set-cookie', [settings.dropHeaders])) {
    kept['set-cookie'] = cookies.map((cookie) => settings.redactor.header('set-cookie', cookie));
  }
  return kept;
}

/** A chunk as received, before it is stored. */
export interface ReceivedChunk {
  atMs: number;
  bytes: Uint8Array;
}

function storeChunk(chunk: ReceivedChunk, raw: boolean): StreamChunk {
  const atMs = Math.round(chunk.atMs);
  if (!raw && isUtf8(chunk.bytes)) return { atMs, text: Buffer.from(chunk.bytes).toString('utf8') };
  return { atMs, base64: Buffer.from(chunk.bytes).toString('base64') };
}

/**
 * Chunks with secrets redacted over their concatenation (a secret split between two chunks is
 * caught), boundaries kept; chunks left empty by a redaction are dropped.
 */
function redactChunks(chunks: readonly ReceivedChunk[], redactor: Redactor): ReceivedChunk[] {
  const redacted = redactor.chunks(chunks.map((chunk) => chunk.bytes));
  return chunks.map((chunk, index) => ({ atMs: chunk.atMs, bytes: redacted[index]! })).filter((chunk) => chunk.bytes.byteLength > 0);
}

/**
 * The stored form of a response whose body was read to its end (or broke off). Compressed bodies
 * are stored decoded with their encoding; SSE and NDJSON, and any stream that broke off, are kept
 * chunk by chunk with their time offsets.
 *
 * @example
 * const recorded = recordResponse(response, chunks, { kind: 'complete' }, settings)
 */
export function recordResponse(
  response: Response,
  chunks: readonly ReceivedChunk[],
  end: StreamEnd,
  settings: CaptureSettings,
): RecordedResponse {
  return normalizeResponse(storeResponse(response, chunks, end, settings), settings.normalize);
}

function storeResponse(response: Response, chunks: readonly ReceivedChunk[], end: StreamEnd, settings: CaptureSettings): RecordedResponse {
  const contentType = response.headers.get('content-type');
  const encoding = response.headers.get('content-encoding') ?? undefined;
  const known = isKnownEncoding(encoding);
  const headers = recordResponseHeaders(response.headers, settings);
  const base: RecordedResponse = {
    status: response.status,
    ...(response.statusText === '' ? {} : { statusText: response.statusText }),
    headers,
  };
  const kind = streamKind(contentType);
  if (kind !== undefined || end.kind !== 'complete') {
    // A compressed stream is stored decoded chunk by chunk (each chunk is what the client could decode
    // when it arrived); an encoding this package cannot decode is kept as sent (base64 chunks).
    const compressed = encoding !== undefined && encoding.trim().toLowerCase() !== 'identity';
    let received: readonly ReceivedChunk[] = chunks;
    if (compressed && known) {
      const decoded = decodeContentChunks(
        chunks.map((chunk) => chunk.bytes),
        encoding,
      );
      received = chunks.map((chunk, index) => ({ atMs: chunk.atMs, bytes: decoded[index]! })).filter((chunk) => chunk.bytes.byteLength > 0);
    }
    const raw = compressed && !known;
    if (!raw) received = redactChunks(received, settings.redactor);
    const stream: RecordedStream = { kind: kind ?? 'chunks', chunks: received.map((chunk) => storeChunk(chunk, raw)), end };
    return { ...base, ...(compressed ? { contentEncoding: known ? encoding.trim().toLowerCase() : encoding } : {}), stream };
  }
  const joined = Buffer.concat(chunks.map((chunk) => chunk.bytes));
  let decoded: Buffer = joined;
  let contentEncoding: string | undefined;
  if (known && joined.byteLength > 0) {
    decoded = decodeContent(joined, encoding!);
    contentEncoding = encoding!.trim().toLowerCase();
  } else if (encoding !== undefined && encoding !== 'identity') {
    contentEncoding = encoding;
  }
  const stored =
    contentEncoding !== undefined && !known
      ? { base64: joined.toString('base64') }
      : redactBody(storeBody(decoded, contentType), contentType ?? '', settings.redactor);
  return { ...base, ...(contentEncoding === undefined ? {} : { contentEncoding }), ...(stored === undefined ? {} : { body: stored }) };
}

/**
 * A copy of `source` for the client, while every chunk is kept with its time offset. The source is
 * read as it arrives, whether or not the client reads its copy (a test that checks only the status
 * of a `fetch` response still records the body); the client gets the same chunks, in order, when it
 * reads. `onEnd` runs once: when the source ends, fails, when the client cancels (an abort), or
 * when `stop` is aborted (the test ended with the response still open: recorded as `aborted`). A
 * failure reaches the client as it is, after the chunks before it (the guard ends the client's
 * connection as the server did), and is recorded as the kind of connection loss `lossOf` reads
 * from it (`closed` when it names none).
 *
 * @example
 * const body = teeForRecording(response.body, performance.now(), (chunks, end) => save(chunks, end), guard.connectionLossOf)
 */
export function teeForRecording(
  source: ReadableStream<Uint8Array>,
  startedAt: number,
  onEnd: (chunks: ReceivedChunk[], end: StreamEnd) => void,
  lossOf: (error: unknown) => 'reset' | 'closed' | undefined = () => undefined,
  stop?: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const chunks: ReceivedChunk[] = [];
  const queue: Uint8Array[] = [];
  let outcome: { error: unknown } | 'done' | undefined;
  let wake: (() => void) | undefined;
  let ended = false;
  const finish = (end: StreamEnd): void => {
    if (ended) return;
    ended = true;
    onEnd(chunks, end);
  };
  const settle = (result: { error: unknown } | 'done'): void => {
    outcome ??= result;
    wake?.();
  };
  const pump = async (): Promise<void> => {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        finish({ kind: lossOf(error) ?? 'closed' });
        settle({ error });
        return;
      }
      if (result.done) {
        finish({ kind: 'complete' });
        settle('done');
        return;
      }
      if (!ended) chunks.push({ atMs: performance.now() - startedAt, bytes: result.value });
      queue.push(result.value);
      wake?.();
    }
  };
  void pump();
  stop?.addEventListener(
    'abort',
    () => {
      finish({ kind: 'aborted' });
      reader.cancel(stop.reason).catch(() => undefined);
    },
    { once: true },
  );
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (queue.length === 0 && outcome === undefined) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const next = queue.shift();
      if (next !== undefined) controller.enqueue(next);
      else if (outcome === 'done') controller.close();
      else if (outcome !== undefined) controller.error(outcome.error);
    },
    async cancel(reason) {
      finish({ kind: 'aborted' });
      queue.length = 0;
      await reader.cancel(reason);
    },
  });
}
