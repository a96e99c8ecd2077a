import { bodyBytes, storeBody } from './bodies.js';
import { CassettesError } from './errors.js';
import { CASSETTE_VERSION, type Cassette, type Interaction, type RecordedResponse, type StoredBody, type StreamEnd } from './format.js';
import { readUsage } from './llm-usage.js';
import { recordRequest, type CaptureSettings } from './recording.js';
import { Redactor } from './redaction/redactor.js';
import type { RedactionOptions } from './redaction/rules.js';
import { createHash } from 'node:crypto';

/** A HAR 1.2 document, as far as this package reads and writes it. */
export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string };
    entries: HarEntry[];
  };
}

interface HarNameValue {
  name: string;
  value: string;
}

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarNameValue[];
    queryString: HarNameValue[];
    cookies: HarNameValue[];
    headersSize: number;
    bodySize: number;
    postData?: { mimeType: string; text: string };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarNameValue[];
    cookies: HarNameValue[];
    content: { size: number; mimeType: string; text?: string; encoding?: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  /** Stream chunks with their offsets (HAR has no place for them; `_` fields are ignored by others). */
  _chunks?: { atMs: number; text?: string; base64?: string }[];
  _streamEnd?: StreamEnd;
  _streamKind?: string;
}

function content(body: StoredBody | undefined, mimeType: string): Har['log']['entries'][number]['response']['content'] {
  if (body === undefined) return { size: 0, mimeType };
  if ('base64' in body) return { size: Buffer.from(body.base64, 'base64').byteLength, mimeType, text: body.base64, encoding: 'base64' };
  const text = bodyBytes(body).toString('utf8');
  return { size: Buffer.byteLength(text), mimeType, text };
}

/**
 * A HAR 1.2 log of a cassette (bodies decoded, streams joined into `content.text` with their chunks
 * kept in `_chunks`), for browser dev tools and other HAR readers.
 *
 * @example
 * writeFileSync('faq.har', JSON.stringify(cassetteToHar(readCassette(path)!), null, 2))
 */
export function cassetteToHar(cassette: Cassette): Har {
  const entries = cassette.interactions.map((interaction): HarEntry => {
    const { request, response } = interaction;
    const url = new URL(request.url);
    const headerList = (headers: Record<string, string | string[]>): HarNameValue[] =>
      Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => ({ name, value: item })));
    const requestType = request.headers['content-type'] ?? 'application/octet-stream';
    const responseType =
      typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : 'application/octet-stream';
    const streamText = response.stream?.chunks
      .map((chunk) => chunk.text ?? Buffer.from(chunk.base64 ?? '', 'base64').toString('utf8'))
      .join('');
    const lastAt = response.stream?.chunks.at(-1)?.atMs ?? 0;
    return {
      startedDateTime: cassette.recordedAt,
      time: lastAt,
      request: {
        method: request.method,
        url: request.url,
        httpVersion: 'HTTP/1.1',
        headers: headerList(request.headers),
        queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
        cookies: [],
        headersSize: -1,
        bodySize: request.body === undefined ? 0 : bodyBytes(request.body).byteLength,
        ...(request.body === undefined ? {} : { postData: { mimeType: requestType, text: bodyBytes(request.body).toString('utf8') } }),
      },
      response: {
        status: response.status,
        statusText: response.statusText ?? '',
        httpVersion: 'HTTP/1.1',
        headers: headerList(response.headers),
        cookies: [],
        content:
          streamText === undefined
            ? content(response.body, responseType)
            : { size: Buffer.byteLength(streamText), mimeType: responseType, text: streamText },
        redirectURL: typeof response.headers['location'] === 'string' ? response.headers['location'] : '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: {
        send: 0,
        wait: response.stream?.chunks[0]?.atMs ?? 0,
        receive: Math.max(0, lastAt - (response.stream?.chunks[0]?.atMs ?? 0)),
      },
      ...(response.stream === undefined
        ? {}
        : { _chunks: response.stream.chunks, _streamEnd: response.stream.end, _streamKind: response.stream.kind }),
    };
  });
  return { log: { version: '1.2', creator: { name: '@proving-ground/cassettes', version: String(CASSETTE_VERSION) }, entries } };
}

/**
 * A cassette from a HAR 1.2 log (from browser dev tools, Polly.js, mitmproxy...). Requests and
 * responses go through the same redaction as recordings, so secrets in the HAR stay out.
 *
 * @throws CassettesError `CASSETTES_INVALID_HAR` when the document is not a HAR log
 * @example
 * writeCassetteAtomically('imported.json', harToCassette(JSON.parse(readFileSync('session.har', 'utf8'))))
 */
export function harToCassette(har: unknown, options: { redact?: RedactionOptions; aliases?: Record<string, string> } = {}): Cassette {
  const entries = (har as Har | undefined)?.log?.entries;
  if (!Array.isArray(entries)) {
    throw new CassettesError('CASSETTES_INVALID_HAR', {
      action: 'import HAR',
      reason: 'it has no log.entries array',
      fix: 'Export a HAR 1.2 file (e.g. "Save all as HAR" in dev tools).',
    });
  }
  const settings: CaptureSettings = {
    redactor: new Redactor(options.redact),
    aliases: new Map(Object.entries(options.aliases ?? {}).map(([from, to]) => [new URL(from).origin, to])),
    dropHeaders: [],
  };
  const counts = new Map<string, number>();
  const interactions = entries.map((entry: HarEntry, index): Interaction => {
    if (typeof entry?.request?.url !== 'string' || typeof entry.response?.status !== 'number') {
      throw new CassettesError('CASSETTES_INVALID_HAR', {
        action: 'import HAR',
        reason: `entries[${index}] has no request.url or response.status`,
        fix: 'Export a HAR 1.2 file (e.g. "Save all as HAR" in dev tools).',
      });
    }
    const post = entry.request.postData;
    const requestHeaders = entry.request.headers
      .filter((header) => !header.name.startsWith(':'))
      .map((header): [string, string] => [header.name, header.value]);
    const request = recordRequest(entry.request.method, entry.request.url, requestHeaders, Buffer.from(post?.text ?? '', 'utf8'), settings);
    const headers: Record<string, string | string[]> = {};
    for (const { name, value } of entry.response.headers) {
      const lower = name.toLowerCase();
      if (['content-length', 'content-encoding', 'transfer-encoding', 'date', 'connection'].includes(lower) || lower.startsWith(':'))
        continue;
      const redacted = settings.redactor.header(lower, value);
      const previous = headers[lower];
      headers[lower] = previous === undefined ? redacted : [...(Array.isArray(previous) ? previous : [previous]), redacted];
    }
    const { text, encoding, mimeType } = entry.response.content;
    const bytes = text === undefined ? Buffer.alloc(0) : Buffer.from(text, encoding === 'base64' ? 'base64' : 'utf8');
    const stored = storeBody(bytes, mimeType);
    const response: RecordedResponse = {
      status: entry.response.status,
      ...(entry.response.statusText ? { statusText: entry.response.statusText } : {}),
      headers,
      ...(entry._chunks === undefined
        ? stored === undefined
          ? {}
          : {
              body:
                'json' in stored
                  ? { ...stored, json: settings.redactor.json(stored.json) }
                  : 'text' in stored
                    ? { text: settings.redactor.text(stored.text) }
                    : stored,
            }
        : {
            stream: {
              kind: (entry._streamKind as 'sse' | 'ndjson' | 'chunks' | undefined) ?? 'chunks',
              chunks: entry._chunks.map((chunk) =>
                chunk.text === undefined ? chunk : { ...chunk, text: settings.redactor.text(chunk.text) },
              ),
              end: entry._streamEnd ?? { kind: 'complete' },
            },
          }),
    };
    const key = `${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`;
    const occurrence = counts.get(key) ?? 0;
    counts.set(key, occurrence + 1);
    const usage = readUsage(request, response);
    return {
      id: createHash('sha256').update(`${key}#${occurrence}`).digest('hex').slice(0, 12),
      request,
      response,
      ...(usage === undefined ? {} : { usage }),
    };
  });
  const started = entries[0]?.startedDateTime;
  return {
    version: CASSETTE_VERSION,
    recordedAt:
      typeof started === 'string' && !Number.isNaN(Date.parse(started)) ? new Date(started).toISOString() : new Date().toISOString(),
    recordedWith: '@proving-ground/cassettes (HAR import)',
    interactions,
  };
}
