import type { RecordedResponse, StreamChunk } from './format.js';
import { parsePath, replaceAtPath, type PathStep } from './internal/json-path.js';

/**
 * Values a server changes on every call (completion ids, `created` timestamps), replaced before a
 * cassette is written so that re-recording unchanged traffic gives the same file.
 */
export interface NormalizeOptions {
  /**
   * JSON paths in response bodies, in the JSON payload of each SSE `data:` line and in each NDJSON
   * line, each with the value stored instead: `{ id: 'chatcmpl-recorded', created: 0 }`. Paths use
   * the syntax of `match.ignoreBodyPaths` (`choices[*].id`); a path a response lacks is left alone.
   */
  responseJson?: Readonly<Record<string, unknown>>;
}

interface CompiledRule {
  path: PathStep[];
  value: unknown;
}

function compile(options: NormalizeOptions | undefined): CompiledRule[] {
  return Object.entries(options?.responseJson ?? {}).map(([path, value]) => ({ path: parsePath(path), value }));
}

function applyRules(json: unknown, rules: readonly CompiledRule[]): boolean {
  let changed = false;
  for (const rule of rules) changed = replaceAtPath(json, rule.path, () => structuredClone(rule.value)) || changed;
  return changed;
}

/** Normalize each complete line of stream text that holds JSON (`data: {...}` for SSE, `{...}` for NDJSON). */
function normalizeLines(text: string, kind: 'sse' | 'ndjson' | 'chunks', rules: readonly CompiledRule[]): string {
  if (kind === 'chunks') return text;
  return text
    .split('\n')
    .map((line) => {
      const prefix = kind === 'sse' ? /^data: ?/.exec(line)?.[0] : '';
      if (prefix === undefined) return line;
      const payload = line.slice(prefix.length);
      if (!payload.trimStart().startsWith('{') && !payload.trimStart().startsWith('[')) return line;
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return line; // a line split across chunks, or not JSON: kept as received
      }
      return applyRules(json, rules) ? `${prefix}${JSON.stringify(json)}${payload.endsWith('\r') ? '\r' : ''}` : line;
    })
    .join('\n');
}

/**
 * The response with the `normalize` rules applied to its stored JSON body or stream chunks (a new
 * object; the input is not changed). Stream chunks are normalized one by one, line by line.
 *
 * @example
 * normalizeResponse(recorded, { responseJson: { id: 'chatcmpl-recorded', created: 0 } })
 */
export function normalizeResponse(response: RecordedResponse, options: NormalizeOptions | undefined): RecordedResponse {
  const rules = compile(options);
  if (rules.length === 0) return response;
  if (response.body !== undefined && 'json' in response.body) {
    const json = structuredClone(response.body.json);
    return applyRules(json, rules) ? { ...response, body: { ...response.body, json } } : response;
  }
  if (response.stream !== undefined) {
    const { kind } = response.stream;
    const chunks = response.stream.chunks.map((chunk): StreamChunk =>
      chunk.text === undefined ? chunk : { ...chunk, text: normalizeLines(chunk.text, kind, rules) },
    );
    return { ...response, stream: { ...response.stream, chunks } };
  }
  return response;
}
