import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CassettesError } from './errors.js';
import { CASSETTE_VERSION, OLDEST_READABLE_CASSETTE_VERSION, formatCassetteJson, type Cassette } from './format.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkBody(body: unknown, where: string, problems: string[]): void {
  if (body === undefined) return;
  if (!isRecord(body) || !('json' in body || typeof body['text'] === 'string' || typeof body['base64'] === 'string')) {
    problems.push(`${where} must be { json }, { text } or { base64 }`);
  }
}

/**
 * Check the shape of a parsed cassette and list every problem (empty when it is valid).
 *
 * @example
 * validateCassette(JSON.parse(text)) // [] or ['interactions[0].request.method must be a string', ...]
 */
export function validateCassette(value: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(value)) return ['the file must hold a JSON object'];
  if (typeof value['recordedAt'] !== 'string' || Number.isNaN(Date.parse(value['recordedAt'])))
    problems.push('recordedAt must be an ISO date');
  if (!Array.isArray(value['interactions'])) {
    problems.push('interactions must be an array');
    return problems;
  }
  value['interactions'].forEach((interaction: unknown, index) => {
    const at = `interactions[${index}]`;
    if (!isRecord(interaction)) {
      problems.push(`${at} must be an object`);
      return;
    }
    if (typeof interaction['id'] !== 'string') problems.push(`${at}.id must be a string`);
    const { request, response } = interaction;
    if (!isRecord(request)) problems.push(`${at}.request must be an object`);
    else {
      if (typeof request['method'] !== 'string') problems.push(`${at}.request.method must be a string`);
      if (typeof request['url'] !== 'string' || !URL.canParse(request['url'])) problems.push(`${at}.request.url must be an absolute URL`);
      if (!isRecord(request['headers'])) problems.push(`${at}.request.headers must be an object`);
      checkBody(request['body'], `${at}.request.body`, problems);
    }
    if (!isRecord(response)) problems.push(`${at}.response must be an object`);
    else {
      if (typeof response['status'] !== 'number' || response['status'] < 100 || response['status'] > 599) {
        problems.push(`${at}.response.status must be an HTTP status (100-599)`);
      }
      if (!isRecord(response['headers'])) problems.push(`${at}.response.headers must be an object`);
      checkBody(response['body'], `${at}.response.body`, problems);
      const stream = response['stream'];
      if (stream !== undefined) {
        if (!isRecord(stream) || !Array.isArray(stream['chunks']) || !isRecord(stream['end'])) {
          problems.push(`${at}.response.stream must be { kind, chunks: [], end: {} }`);
        } else {
          stream['chunks'].forEach((chunk: unknown, chunkIndex) => {
            if (
              !isRecord(chunk) ||
              typeof chunk['atMs'] !== 'number' ||
              (typeof chunk['text'] !== 'string' && typeof chunk['base64'] !== 'string')
            ) {
              problems.push(`${at}.response.stream.chunks[${chunkIndex}] must be { atMs, text } or { atMs, base64 }`);
            }
          });
        }
      }
    }
  });
  return problems;
}

/**
 * Parse cassette text, failing with the file path and what is wrong: not JSON (a truncated write),
 * written by a newer version of this package, or of the wrong shape.
 *
 * @param text - the file's content
 * @param path - the file, for messages
 * @throws CassettesError `CASSETTES_CORRUPT_CASSETTE` or `CASSETTES_UNSUPPORTED_VERSION`
 * @example
 * const cassette = parseCassette(readFileSync(path, 'utf8'), path)
 */
export function parseCassette(text: string, path: string): Cassette {
  const action = `read cassette ${path}`;
  const fix = `Restore it from version control (git checkout -- ${path}) or delete it and re-record with TEST_MODE=live_smoke TEST_RECORD=missing; it is never overwritten silently.`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parse error is quoted, not nested as a cause: its message is all it holds, and Jest would print it twice.
    const reason = `it is not valid JSON (${(error as Error).message}; ${text.length} bytes, possibly truncated)`;
    throw new CassettesError('CASSETTES_CORRUPT_CASSETTE', { action, reason, fix });
  }
  const version = isRecord(parsed) ? parsed['version'] : undefined;
  if (typeof version === 'number' && version > CASSETTE_VERSION) {
    throw new CassettesError('CASSETTES_UNSUPPORTED_VERSION', {
      action,
      reason: `it has format version ${version}, and this copy of @proving-ground/cassettes reads up to version ${CASSETTE_VERSION}`,
      fix: `Upgrade @proving-ground/cassettes, or to re-record it with this version delete it (or restore the older file from version control: git checkout -- ${path}); it is never overwritten silently.`,
    });
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < OLDEST_READABLE_CASSETTE_VERSION) {
    throw new CassettesError('CASSETTES_CORRUPT_CASSETTE', {
      action,
      reason: `"version" is ${JSON.stringify(version)}, expected a format version from ${OLDEST_READABLE_CASSETTE_VERSION} to ${CASSETTE_VERSION}`,
      fix,
    });
  }
  const problems = validateCassette(parsed);
  if (problems.length > 0) {
    throw new CassettesError('CASSETTES_CORRUPT_CASSETTE', {
      action,
      reason: `${problems.length} problem${problems.length > 1 ? 's' : ''}: ${problems.slice(0, 10).join('; ')}`,
      fix,
    });
  }
  return parsed as Cassette;
}

/**
 * Read a cassette file, or `undefined` when there is none.
 *
 * @param shownAs - how messages name the file (default `path`)
 * @throws CassettesError when the file exists but cannot be used (see {@link parseCassette})
 * @example
 * const cassette = readCassette('__cassettes__/api.test.ts/should-list-users-1a2b3c4d.json')
 */
export function readCassette(path: string, shownAs: string = path): Cassette | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseCassette(text, shownAs);
}

/**
 * Write `cassette` atomically: canonical JSON to a temporary file beside it, `verify` run on that
 * file's content, then a rename over the target. Readers (other Jest workers) see the old file or
 * the new one, never a partial one; a `verify` that throws leaves the target untouched.
 *
 * @param verify - inspects the serialized text; throw to refuse the write
 * @returns the text written
 * @example
 * writeCassetteAtomically(path, cassette, (text) => assertNoSecrets(text, path))
 */
export function writeCassetteAtomically(path: string, cassette: Cassette, verify: (text: string, path: string) => void = () => {}): string {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const text = formatCassetteJson(cassette);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    verify(readFileSync(temporary, 'utf8'), path);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return text;
}
