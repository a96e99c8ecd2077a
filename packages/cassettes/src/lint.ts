import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseCassette } from './cassette-store.js';
import { isCassettesError } from './errors.js';
import type { Cassette } from './format.js';
import { requestKey, requestShape } from './matching.js';
import { parseDuration } from './options.js';
import { Redactor, type RedactionOptions } from './redaction.js';
import { resolveTestFile } from './internal/test-file-reference.js';

/** Options of {@link lintCassettes}. */
export interface LintOptions {
  /** Folders searched for cassette files (`*.json` under any `__cassettes__` folder, or every `*.json` in `dirs`). */
  dirs: readonly string[];
  /** Largest allowed cassette file, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Oldest allowed cassette: milliseconds or `90d`. */
  maxAge?: number | string;
  redact?: RedactionOptions;
  /**
   * Usage files written by replay runs (`PROVING_GROUND_CASSETTES_USAGE=usage.jsonl TEST_MODE=golden npx jest`):
   * an interaction of a cassette those runs loaded that no run used is reported as `unused`.
   */
  usage?: readonly string[];
  /** Environment whose secret values must not appear (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One finding of `lint`. */
export interface LintProblem {
  file: string;
  rule: 'schema' | 'secret' | 'orphan' | 'unused' | 'shadowed' | 'size' | 'stale';
  message: string;
}

/** Every finding of a lint run. */
export interface LintReport {
  files: number;
  problems: LintProblem[];
}

function cassetteFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.json') && (path.split(sep).includes('__cassettes__') || path.split(sep).includes('cassettes'))) found.push(path);
    }
  };
  walk(resolve(dir));
  return found.sort();
}

/** The test file a per-test cassette belongs to: `<dir>/__cassettes__/<file>/<name>.json` → `<dir>/<file>`. */
function owningTestFile(path: string): string | undefined {
  const parts = path.split(sep);
  const at = parts.lastIndexOf('__cassettes__');
  if (at === -1 || at + 2 !== parts.length - 1) return undefined;
  return [...parts.slice(0, at), parts[at + 1]!].join(sep);
}

/** The test file a cassette names (`test.file`), or undefined when it names none or cannot be read. */
function namedTestFile(path: string): string | undefined {
  try {
    return resolveTestFile(path, parseCassette(readFileSync(path, 'utf8'), path));
  } catch {
    return undefined;
  }
}

/**
 * Check cassette files for CI: schema (corrupt, truncated, future version), secrets that survived
 * redaction, orphans (the test file or the test name is gone), unused interactions (given the usage
 * files of replay runs), shadowed interactions (an exact duplicate of an earlier one, which only
 * `match.repeats` could reach), size over `maxBytes`, and age over `maxAge`.
 *
 * @example
 * const report = lintCassettes({ dirs: ['test'], maxAge: '180d' })
 * if (report.problems.length > 0) process.exitCode = 1
 */
/** Cassette path → ids used by any replay run, from the usage files. */
function readUsage(files: readonly string[]): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      let record: { cassette?: unknown; used?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch (error) {
        throw new Error(`[cassettes] Failed to read usage file ${file}: line ${index + 1} is not JSON. Delete the file and run the replay again.`, { cause: error });
      }
      if (typeof record.cassette !== 'string' || !Array.isArray(record.used)) return;
      const ids = used.get(resolve(record.cassette)) ?? new Set<string>();
      for (const id of record.used) ids.add(String(id));
      used.set(resolve(record.cassette), ids);
    });
  }
  return used;
}

export function lintCassettes(options: LintOptions): LintReport {
  const problems: LintProblem[] = [];
  const usage = readUsage(options.usage ?? []);
  const files = options.dirs.flatMap(cassetteFiles);
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxAge = parseDuration(options.maxAge);
  for (const file of files) {
    const shown = relative(process.cwd(), file);
    const text = readFileSync(file, 'utf8');
    if (Buffer.byteLength(text) > maxBytes) problems.push({ file: shown, rule: 'size', message: `${Buffer.byteLength(text)} bytes, above the limit of ${maxBytes}` });
    let cassette: Cassette;
    try {
      cassette = parseCassette(text, shown);
    } catch (error) {
      problems.push({ file: shown, rule: 'schema', message: isCassettesError(error) ? error.message : String(error) });
      continue;
    }
    for (const leak of new Redactor(options.redact, options.env ?? process.env).findLeaksInCassette(text)) {
      problems.push({ file: shown, rule: 'secret', message: `holds ${leak}` });
    }
    const owner = owningTestFile(file);
    const testFile = owner ?? resolveTestFile(file, cassette);
    if (testFile !== undefined && !existsSync(testFile)) {
      problems.push({ file: shown, rule: 'orphan', message: `its test file ${relative(process.cwd(), testFile)} does not exist` });
    } else if (testFile !== undefined && owner !== undefined && cassette.test !== undefined) {
      const source = readFileSync(testFile, 'utf8');
      const lastWords = cassette.test.name.split(' ').slice(-3).join(' ');
      if (!source.includes(lastWords.replace(/^\S+ /, ''))) {
        problems.push({ file: shown, rule: 'orphan', message: `no test named "${cassette.test.name}" seems to remain in ${relative(process.cwd(), testFile)}` });
      }
    }
    const seen = new Map<string, string>();
    for (const interaction of cassette.interactions) {
      const signature = `${requestKey(requestShape(interaction.request))} ${JSON.stringify(interaction.response)}`;
      const earlier = seen.get(signature);
      if (earlier !== undefined) {
        problems.push({ file: shown, rule: 'shadowed', message: `interaction ${interaction.id} repeats ${earlier} exactly (same request, same response): keep one and set match.repeats` });
      } else seen.set(signature, interaction.id);
    }
    const usedIds = usage.get(resolve(file));
    if (usedIds !== undefined) {
      for (const interaction of cassette.interactions) {
        if (!usedIds.has(interaction.id)) {
          problems.push({ file: shown, rule: 'unused', message: `interaction ${interaction.id} (${interaction.request.method} ${interaction.request.url}) was not used by the replay runs: re-record the cassette or remove it` });
        }
      }
    }
    const age = Date.now() - Date.parse(cassette.recordedAt);
    if (maxAge !== undefined && age > maxAge) {
      problems.push({ file: shown, rule: 'stale', message: `recorded ${cassette.recordedAt}, older than ${String(options.maxAge)}` });
    }
  }
  return { files: files.length, problems };
}

/**
 * Delete orphaned cassettes (the test file they belong to is gone: by their `__cassettes__/<test file>/`
 * folder, else by the test file they name) and folders left empty. A cassette that cannot be read
 * is left for `lint` to report.
 *
 * @returns the files removed (or that would be, with `dryRun`)
 * @example
 * pruneCassettes({ dirs: ['test'], dryRun: true })
 */
export function pruneCassettes(options: { dirs: readonly string[]; dryRun?: boolean }): string[] {
  const removed: string[] = [];
  for (const file of options.dirs.flatMap(cassetteFiles)) {
    const owner = owningTestFile(file) ?? namedTestFile(file);
    if (owner === undefined || existsSync(owner)) continue;
    removed.push(relative(process.cwd(), file));
    if (options.dryRun !== true) {
      rmSync(file);
      const folder = dirname(file);
      if (readdirSync(folder).length === 0) rmSync(folder, { recursive: true });
    }
  }
  return removed;
}
