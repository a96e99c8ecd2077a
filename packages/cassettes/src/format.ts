/**
 * The cassette format version this package writes; it reads every version from 1 up to it.
 * Version 2 stores `test.file` relative to the cassette's folder (version 1: relative to the
 * working folder of the Jest run that recorded it).
 */
export const CASSETTE_VERSION = 2;

/** The oldest cassette format version this package still reads. */
export const OLDEST_READABLE_CASSETTE_VERSION = 1;

/**
 * A stored body: JSON as JSON, text as text, anything else as base64. `layout` says how JSON was
 * spaced (absent: compact), so replay gives back the same bytes.
 */
export type StoredBody = { json: unknown; layout?: 'pretty' | 'pretty-newline' } | { text: string } | { base64: string };

/** One piece of a streamed response, with its time offset from the response head. */
export interface StreamChunk {
  /** Milliseconds after the response head arrived. */
  atMs: number;
  text?: string;
  base64?: string;
}

/**
 * How a recorded stream ended: `complete`; `reset` or `closed` when the server reset or closed the
 * connection mid-body (replayed as the same loss, so each client sees what it saw live); `aborted`
 * when the client left first (replayed as a server still streaming). `error` is what cassettes
 * recorded before the kind of loss was kept (its message is the recording client's error text):
 * replayed as `closed`.
 */
export type StreamEnd =
  { kind: 'complete' } | { kind: 'reset' } | { kind: 'closed' } | { kind: 'aborted' } | { kind: 'error'; message: string };

/** A streamed response body (SSE, NDJSON, or any stream that broke off), chunk by chunk. */
export interface RecordedStream {
  /** `sse` and `ndjson` by content type; `chunks` for other streams kept chunk by chunk. */
  kind: 'sse' | 'ndjson' | 'chunks';
  chunks: StreamChunk[];
  end: StreamEnd;
}

/** A recorded request, secrets redacted, origin aliased. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: StoredBody;
}

/** A recorded response. Bodies are stored decoded; `contentEncoding` is re-applied on replay. */
export interface RecordedResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string | string[]>;
  /** `gzip`, `deflate` or `br` when the server compressed the body. */
  contentEncoding?: string;
  body?: StoredBody;
  stream?: RecordedStream;
}

/** Token usage of an LLM call, read from OpenAI- or Anthropic-style responses. */
export interface LlmUsage {
  model?: string;
  /** All input tokens, cached ones (and Anthropic cache writes) included. */
  inputTokens: number;
  /** How many of the input tokens were read from a prompt cache. */
  cachedInputTokens?: number;
  outputTokens: number;
}

/** One request and the response it got. */
export interface Interaction {
  /** Stable id: a hash of the normalized request and its occurrence, the same on every re-record. */
  id: string;
  request: RecordedRequest;
  response: RecordedResponse;
  usage?: LlmUsage;
}

/** What a cassette file holds. */
export interface Cassette {
  version: number;
  /** ISO time of the recording (kept when a re-record changes nothing). */
  recordedAt: string;
  recordedWith: string;
  /**
   * The test that owns the cassette, for `lint` and `prune` (orphans) and messages: its file,
   * relative to the cassette's folder with `/` separators (e.g. `../../faq.test.ts`), and its full name.
   */
  test?: { file: string; name: string };
  interactions: Interaction[];
}

/** Sort keys at every level, except inside a stored JSON body (`{ json }`), whose order is the server's bytes. */
function sortKeys(value: unknown, keepOrder = false): unknown {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, keepOrder));
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    const keys = keepOrder ? Object.keys(value) : Object.keys(value).sort();
    for (const key of keys) {
      const entry = (value as Record<string, unknown>)[key];
      if (entry !== undefined) sorted[key] = sortKeys(entry, keepOrder || key === 'json');
    }
    return sorted;
  }
  return value;
}

/**
 * The text of a cassette file: canonical, pretty-printed JSON. Keys are sorted at every level (but
 * inside stored JSON bodies, `{ json }`, kept as the server sent them), with two-space indentation
 * and a final newline, so the same content always gives the same bytes.
 * (For the compact form used in request keys, see {@link compactCanonicalJson}.)
 *
 * @example
 * formatCassetteJson({ b: 1, a: 2 }) // '{\n  "a": 2,\n  "b": 1\n}\n'
 */
export function formatCassetteJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/**
 * Compact canonical JSON (sorted keys, no whitespace), used for request keys.
 *
 * @example
 * compactCanonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 */
export function compactCanonicalJson(value: unknown): string {
  return JSON.stringify(sortAllKeys(value));
}

function sortAllKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortAllKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortAllKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
