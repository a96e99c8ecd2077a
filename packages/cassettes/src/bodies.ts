import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  deflateSync,
  gzipSync,
  inflateSync,
  unzipSync,
  type BrotliCompress,
  type Deflate,
  type Gzip,
} from 'node:zlib';
import type { StoredBody } from './format.js';

/** The content encodings stored decoded and re-applied on replay. */
export const CONTENT_ENCODINGS = ['gzip', 'x-gzip', 'deflate', 'br'] as const;

/** Whether the content encoding is one this package decodes and re-applies. */
export function isKnownEncoding(encoding: string | undefined): boolean {
  return encoding !== undefined && (CONTENT_ENCODINGS as readonly string[]).includes(encoding.trim().toLowerCase());
}

/**
 * Decode a compressed body (`gzip`, `deflate`, `br`).
 *
 * @example
 * decodeContent(gzipSync('hi'), 'gzip').toString() // 'hi'
 */
export function decodeContent(bytes: Uint8Array, encoding: string): Buffer {
  const name = encoding.trim().toLowerCase();
  if (name === 'br') return brotliDecompressSync(bytes);
  if (name === 'deflate') {
    try {
      return inflateSync(bytes);
    } catch {
      return unzipSync(bytes);
    }
  }
  return unzipSync(bytes);
}

/**
 * Compress a body again for replay, so the client decodes what it decoded when it was recorded.
 *
 * @example
 * encodeContent(Buffer.from('hi'), 'br')
 */
export function encodeContent(bytes: Uint8Array, encoding: string): Buffer {
  const name = encoding.trim().toLowerCase();
  if (name === 'br') return brotliCompressSync(bytes);
  if (name === 'deflate') return deflateSync(bytes);
  return gzipSync(bytes);
}

/** Decode the bytes received so far of a compressed stream that may stop mid-way. */
function decodePrefix(bytes: Uint8Array, name: string): Buffer {
  if (name === 'br') return brotliDecompressSync(bytes, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
  const options = { finishFlush: constants.Z_SYNC_FLUSH };
  if (name === 'deflate') {
    try {
      return inflateSync(bytes, options);
    } catch {
      return unzipSync(bytes, options);
    }
  }
  return unzipSync(bytes, options);
}

/**
 * Decode a compressed stream chunk by chunk: element `i` is what the client could decode once raw
 * chunk `i` had arrived, so chunk boundaries (and their timing) survive decoding.
 *
 * @example
 * decodeContentChunks([gzipped.subarray(0, 20), gzipped.subarray(20)], 'gzip')
 */
export function decodeContentChunks(chunks: readonly Uint8Array[], encoding: string): Buffer[] {
  const name = encoding.trim().toLowerCase();
  const decoded: Buffer[] = [];
  let received = Buffer.alloc(0);
  let produced = 0;
  for (const chunk of chunks) {
    received = Buffer.concat([received, chunk]);
    const all = decodePrefix(received, name);
    decoded.push(all.subarray(produced));
    produced = all.byteLength;
  }
  return decoded;
}

/**
 * Compresses a replayed stream chunk by chunk, flushing after each, so the client decodes every
 * chunk as soon as it arrives (as with a server that flushes its compressor per event).
 */
export class ChunkEncoder {
  readonly #stream: Gzip | Deflate | BrotliCompress;
  readonly #output: Buffer[] = [];

  constructor(encoding: string) {
    const name = encoding.trim().toLowerCase();
    this.#stream = name === 'br' ? createBrotliCompress() : name === 'deflate' ? createDeflate() : createGzip();
    this.#stream.on('data', (data: Buffer) => this.#output.push(data));
  }

  /** The compressed bytes of `bytes`, flushed. */
  encode(bytes: Uint8Array): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#stream.write(bytes);
      this.#stream.flush(() => resolve(Buffer.concat(this.#output.splice(0))));
    });
  }

  /** The end of the compressed stream (its trailer). */
  finish(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#stream.once('end', () => resolve(Buffer.concat(this.#output.splice(0))));
      this.#stream.once('error', reject);
      this.#stream.end();
    });
  }
}

const TEXT_TYPE =
  /^(text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded|graphql|x-ndjson|ndjson|jsonl|yaml|problem\+json)\b)/i;
const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b|^text\/json\b/i;

/** Whether bytes are valid UTF-8 that survive a round trip through a string. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * How a body is stored: JSON content as a JSON value, text as text, anything else (or text that is
 * not valid UTF-8) as base64. Empty bodies are not stored.
 *
 * @example
 * storeBody(Buffer.from('{"a":1}'), 'application/json') // { json: { a: 1 } }
 */
export function storeBody(bytes: Uint8Array, contentType: string | null | undefined): StoredBody | undefined {
  if (bytes.byteLength === 0) return undefined;
  const type = contentType ?? '';
  const utf8 = isUtf8(bytes);
  if (utf8) {
    const text = Buffer.from(bytes).toString('utf8');
    if (JSON_TYPE.test(type)) {
      try {
        const json: unknown = JSON.parse(text);
        // Only when re-serializing gives back the same bytes; any other spacing stays text.
        if (JSON.stringify(json) === text) return { json };
        const pretty = JSON.stringify(json, null, 2);
        if (pretty === text) return { json, layout: 'pretty' };
        if (`${pretty}\n` === text) return { json, layout: 'pretty-newline' };
      } catch {
        // Not JSON after all: keep it as text.
      }
    }
    if (TEXT_TYPE.test(type) || type === '') return { text };
  }
  return { base64: Buffer.from(bytes).toString('base64') };
}

/**
 * The bytes of a stored body.
 *
 * @example
 * bodyBytes({ text: 'hi' }).toString() // 'hi'
 */
export function bodyBytes(body: StoredBody | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if ('json' in body) {
    if (body.layout === undefined) return Buffer.from(JSON.stringify(body.json));
    return Buffer.from(`${JSON.stringify(body.json, null, 2)}${body.layout === 'pretty-newline' ? '\n' : ''}`);
  }
  if ('text' in body) return Buffer.from(body.text, 'utf8');
  return Buffer.from(body.base64, 'base64');
}
