import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize, relative, resolve, sep } from 'node:path';
import { cassetteFileName } from './cassette-path.js';
import { parseCassette } from './cassette-store.js';
import { CassettesError, isCassettesError } from './errors.js';
import type { Cassette } from './format.js';
import { parseDuration } from './options.js';
import { Redactor } from './redaction/redactor.js';
import type { RedactionOptions } from './redaction/rules.js';
import { resolveTestFile } from './internal/test-file-reference.js';

/** Options of {@link lintCassettes}. */
export interface LintOptions {
  /**
   * Folders and cassette files to check; each must exist. A named `.json` file is checked. A named
   * folder is searched for cassettes, told from other JSON (manifests, lockfiles, tsconfig, fixtures)
   * by their format and location: JSON objects with `interactions` and a `version`, `recordedAt` or
   * `recordedWith`; in a `cassettes` folder also broken ones (not JSON, or with only some of those
   * fields); and every `.json` file in a `__cassettes__` folder. Only the folders from the named one
   * down count as locations.
   */
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

/** The folders where cassettes are written: `__cassettes__` (per-test cassettes) and `cassettes` (the usual `dir`). */
type CassettesFolder = '__cassettes__' | 'cassettes' | undefined;

/**
 * The cassettes folder `file` lies in, judged only by the folders from the named one down (and the
 * named folder's own name as given): where the named folder itself lives (say under
 * `~/work/cassettes/`) says nothing about the files in it.
 */
function cassettesFolderOf(named: string, root: string, file: string): CassettesFolder {
  const folders = [basename(normalize(named)), ...relative(root, dirname(file)).split(sep)];
  if (folders.includes('__cassettes__')) return '__cassettes__';
  return folders.includes('cassettes') ? 'cassettes' : undefined;
}

/** Top-level fields only a cassette has, by which a cassette is told from other JSON. */
const CASSETTE_FIELDS = ['interactions', 'recordedAt', 'recordedWith'];

/**
 * Whether a JSON file is a cassette, possibly a broken one, by its format and its location:
 * - anywhere, a JSON object with `interactions` and a `version`, `recordedAt` or `recordedWith`
 *   (a Pact file's `interactions` alone does not make it one), or text that is not JSON but begins
 *   like a cassette or names its fields (a truncated write);
 * - in a `cassettes` folder, any object with one of those fields, and any file that is not JSON;
 * - in a `__cassettes__` folder, which only this package writes, every `.json` file.
 * A manifest, a lockfile, a tsconfig with comments or a test fixture is none of these.
 */
function isCassetteFile(path: string, folder: CassettesFolder): boolean {
  if (folder === '__cassettes__') return true;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return folder === 'cassettes' || /^\s*\{\s*"interactions"\s*:/.test(text) || /"recorded(?:At|With)"\s*:/.test(text);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const has = (field: string): boolean => Object.hasOwn(parsed, field);
  if (folder === 'cassettes') return CASSETTE_FIELDS.some(has);
  return has('interactions') && (has('version') || has('recordedAt') || has('recordedWith'));
}

/** The cassette files of a named file or folder: a named `.json` file itself; in a folder, the `.json` files that are cassettes. */
function cassetteFiles(named: string): string[] {
  const root = resolve(named);
  if (statSync(root).isFile()) return [root];
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.json') && isCassetteFile(path, cassettesFolderOf(named, root, path))) found.push(path);
    }
  };
  walk(root);
  return found.sort();
}

/**
 * Every problem with the named folders and files, the limits and the usage files of `lint` or
 * `prune`, at once (the CLI adds the problems of its flags to these, so one bad flag hides nothing).
 */
export function lintOptionProblems(options: {
  dirs: readonly string[];
  maxBytes?: unknown;
  maxAge?: unknown;
  usage?: readonly string[];
}): string[] {
  const problems: string[] = [];
  for (const dir of options.dirs) {
    if (!existsSync(dir)) problems.push(`${dir} does not exist (dirs)`);
    else if (statSync(dir).isFile() && !dir.endsWith('.json')) problems.push(`${dir} is not a folder or a .json cassette (dirs)`);
  }
  if (
    options.maxBytes !== undefined &&
    !(typeof options.maxBytes === 'number' && Number.isInteger(options.maxBytes) && options.maxBytes > 0)
  ) {
    problems.push(`maxBytes (--max-bytes) must be a whole number of bytes above 0, got ${JSON.stringify(options.maxBytes)}`);
  }
  if (options.maxAge !== undefined && parseDuration(options.maxAge) === undefined) {
    problems.push(`maxAge (--max-age) must be milliseconds or a duration like 12h, 90d or 2w, got ${JSON.stringify(options.maxAge)}`);
  }
  for (const file of options.usage ?? []) if (!existsSync(file)) problems.push(`the usage file ${file} does not exist (usage, --usage)`);
  return problems;
}

function checkLintOptions(
  command: string,
  options: { dirs: readonly string[]; maxBytes?: unknown; maxAge?: unknown; usage?: readonly string[] },
): void {
  const problems = lintOptionProblems(options);
  if (problems.length > 0) {
    throw new CassettesError('CASSETTES_INVALID_OPTIONS', {
      action: `${command} cassettes`,
      reason: problems.join('; '),
      fix: `Fix the ${problems.length > 1 ? 'arguments' : 'argument'} and run it again.`,
    });
  }
}

/**
 * The test file a per-test cassette belongs to by its place, `<dir>/__cassettes__/<file>/<name>.json`
 * → `<dir>/<file>`, when the folder is named like a file (`users.test.ts`): a cassette named with
 * `withCassette('named/x')` lives in `__cassettes__/named/`, and `named` is no test file.
 */
function owningTestFile(path: string): string | undefined {
  const parts = path.split(sep);
  const at = parts.lastIndexOf('__cassettes__');
  if (at === -1 || at + 2 !== parts.length - 1 || !/\.[cm]?[jt]sx?$/.test(parts[at + 1]!)) return undefined;
  return [...parts.slice(0, at), parts[at + 1]!].join(sep);
}

/**
 * Why a cassette is an orphan, or undefined when it is not: the one rule by which `lint` reports
 * orphans and `prune` deletes them, so prune deletes exactly what lint reports.
 *
 * - A cassette that replay runs loaded (it is in a usage file) is in use.
 * - The test file is the one the cassette names (`test.file`, written when it was recorded), else
 *   the one its `__cassettes__/<test file>/` folder names; an orphan when that file is gone.
 * - A per-test cassette (its file name made from `test.name`) is also an orphan when no test of that
 *   name seems to remain in the file. A named cassette (`withCassette('named/x')`, whose `test.name`
 *   is the name it was given) is not judged by name: a name can be built at run time.
 */
function orphanReason(file: string, cassette: Cassette, usage: ReadonlyMap<string, ReadonlySet<string>>): string | undefined {
  if (usage.has(resolve(file))) return undefined;
  const testFile = resolveTestFile(file, cassette) ?? owningTestFile(file);
  if (testFile === undefined) return undefined;
  if (!existsSync(testFile)) return `its test file ${relative(process.cwd(), testFile)} does not exist`;
  const name = cassette.test?.name;
  if (name === undefined || basename(file) !== cassetteFileName(name)) return undefined;
  const lastWords = name.split(' ').slice(-3).join(' ');
  if (readFileSync(testFile, 'utf8').includes(lastWords.replace(/^\S+ /, ''))) return undefined;
  return `no test named "${name}" seems to remain in ${relative(process.cwd(), testFile)}`;
}

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
        throw new CassettesError('CASSETTES_INVALID_USAGE_FILE', {
          action: `read usage file ${file}`,
          reason: `line ${index + 1} is not JSON (${(error as Error).message})`,
          fix: 'Delete the file and run the replay again.',
        });
      }
      if (typeof record.cassette !== 'string' || !Array.isArray(record.used)) return;
      const ids = used.get(resolve(record.cassette)) ?? new Set<string>();
      for (const id of record.used) ids.add(String(id));
      used.set(resolve(record.cassette), ids);
    });
  }
  return used;
}

/**
 * Check cassette files for CI: schema (corrupt, truncated, future version), secrets that survived
 * redaction, orphans (the test file or the test name is gone), unused interactions (given the usage
 * files of replay runs), shadowed interactions (an id an earlier interaction already has, so usage
 * records and messages cannot tell them apart), size over `maxBytes`, and age over `maxAge`.
 * Identical interactions are not a problem: identical requests replay them in recorded order.
 *
 * @throws CassettesError `CASSETTES_INVALID_OPTIONS` when a folder or file does not exist or a limit is invalid, naming each
 *
 * @example
 * const report = lintCassettes({ dirs: ['test'], maxAge: '180d' })
 * if (report.problems.length > 0) process.exitCode = 1
 */
export function lintCassettes(options: LintOptions): LintReport {
  checkLintOptions('lint', options);
  const problems: LintProblem[] = [];
  const usage = readUsage(options.usage ?? []);
  const files = [...new Set(options.dirs.flatMap((dir) => cassetteFiles(dir)))];
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxAge = parseDuration(options.maxAge);
  for (const file of files) {
    const shown = relative(process.cwd(), file);
    const text = readFileSync(file, 'utf8');
    if (Buffer.byteLength(text) > maxBytes)
      problems.push({ file: shown, rule: 'size', message: `${Buffer.byteLength(text)} bytes, above the limit of ${maxBytes}` });
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
    const orphan = orphanReason(file, cassette, usage);
    if (orphan !== undefined) problems.push({ file: shown, rule: 'orphan', message: orphan });
    // Identical interactions are all reachable (identical requests replay them in order); a repeated id is not told apart.
    const seen = new Map<string, number>();
    cassette.interactions.forEach((interaction, index) => {
      const earlier = seen.get(interaction.id);
      if (earlier !== undefined) {
        problems.push({
          file: shown,
          rule: 'shadowed',
          message: `interactions[${index}] has the id ${interaction.id} of interactions[${earlier}], so usage records and messages cannot tell them apart: re-record the cassette (TEST_MODE=live_smoke TEST_RECORD=all)`,
        });
      } else seen.set(interaction.id, index);
    });
    const usedIds = usage.get(resolve(file));
    if (usedIds !== undefined) {
      for (const interaction of cassette.interactions) {
        if (!usedIds.has(interaction.id)) {
          problems.push({
            file: shown,
            rule: 'unused',
            message: `interaction ${interaction.id} (${interaction.request.method} ${interaction.request.url}) was not used by the replay runs: re-record the cassette or remove it`,
          });
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
 * Delete exactly the cassettes {@link lintCassettes} reports as orphans (same rule, same usage
 * files), and folders left empty. A cassette that cannot be read is left for `lint` to report.
 *
 * @param options - the folders and files, `usage` files of replay runs (a cassette they loaded is
 *   kept), and `dryRun` to only list what would go
 * @returns the files removed (or that would be, with `dryRun`)
 * @throws CassettesError `CASSETTES_INVALID_OPTIONS` when a named folder or usage file does not exist
 * @example
 * pruneCassettes({ dirs: ['test'], usage: ['cassette-usage.jsonl'], dryRun: true })
 */
export function pruneCassettes(options: { dirs: readonly string[]; usage?: readonly string[]; dryRun?: boolean }): string[] {
  checkLintOptions('prune', options);
  const usage = readUsage(options.usage ?? []);
  const removed: string[] = [];
  for (const file of [...new Set(options.dirs.flatMap((dir) => cassetteFiles(dir)))]) {
    let cassette: Cassette;
    try {
      cassette = parseCassette(readFileSync(file, 'utf8'), file);
    } catch {
      continue;
    }
    if (orphanReason(file, cassette, usage) === undefined) continue;
    removed.push(relative(process.cwd(), file));
    if (options.dryRun !== true) {
      rmSync(file);
      const folder = dirname(file);
      if (readdirSync(folder).length === 0) rmSync(folder, { recursive: true });
    }
  }
  return removed;
}
