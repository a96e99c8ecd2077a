import picomatch from 'picomatch';
import { posix } from 'node:path';
import { parseJsonc } from './jsonc.js';

/** One package of the npm/yarn/pnpm-style workspace. */
export interface WorkspacePackage {
  name: string;
  /** The package folder, repository-relative. */
  dir: string;
  /** The parsed package.json. */
  manifest: Readonly<Record<string, unknown>>;
}

/**
 * The workspace packages named by the root package.json `workspaces` (an array of globs, or
 * `{ packages }`), keyed by package name. Only folders holding a package.json among `files` count.
 *
 * @example
 * findWorkspacePackages(new Set(['package.json', 'packages/a/package.json']), read).get('@scope/a')?.dir // 'packages/a'
 */
export function findWorkspacePackages(
  files: ReadonlySet<string>,
  readFile: (path: string) => string | undefined,
): Map<string, WorkspacePackage> {
  const packages = new Map<string, WorkspacePackage>();
  const root = readManifest('package.json', readFile);
  const workspaces = root?.['workspaces'];
  const globs = Array.isArray(workspaces)
    ? workspaces
    : workspaces && typeof workspaces === 'object' && Array.isArray((workspaces as { packages?: unknown }).packages)
      ? (workspaces as { packages: unknown[] }).packages
      : [];
  const patterns = globs
    .filter((glob): glob is string => typeof glob === 'string')
    .map((glob) => glob.replace(/^\.\//, '').replace(/\/$/, ''));
  const include = patterns.filter((glob) => !glob.startsWith('!'));
  const exclude = patterns.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
  if (include.length === 0) return packages;
  const included = picomatch(include);
  const excluded = exclude.length > 0 ? picomatch(exclude) : () => false;
  for (const file of files) {
    if (!file.endsWith('/package.json') || file.includes('node_modules/')) continue;
    const dir = posix.dirname(file);
    if (!included(dir) || excluded(dir)) continue;
    const manifest = readManifest(file, readFile);
    const name = manifest?.['name'];
    if (typeof name === 'string' && manifest) packages.set(name, { name, dir, manifest });
  }
  return packages;
}

function readManifest(file: string, readFile: (path: string) => string | undefined): Record<string, unknown> | undefined {
  const text = readFile(file);
  const json = text === undefined ? undefined : parseJsonc(text);
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/**
 * Conditions tried, in order, when a package's `exports` offers several (`source` first: it names the source itself).
 *
 * @example
 * EXPORT_CONDITIONS[0] // 'source'
 */
export const EXPORT_CONDITIONS = ['source', 'development', 'import', 'require', 'node', 'default'] as const;

/**
 * The targets (package-relative, `./`-prefixed) that a package's `exports` gives a subpath (`.` or
 * `./sub`), conditions tried in {@link EXPORT_CONDITIONS} order, `*` subpath patterns substituted.
 *
 * @example
 * exportTargets({ '.': { import: './dist/index.mjs' } }, '.') // ['./dist/index.mjs']
 */
export function exportTargets(exports: unknown, subpath: string): string[] {
  if (exports === undefined || exports === null) return [];
  if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.' ? conditionTargets(exports) : [];
  if (typeof exports !== 'object') return [];
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.length > 0 && !keys[0]!.startsWith('.')) return subpath === '.' ? conditionTargets(map) : [];
  if (subpath in map) return conditionTargets(map[subpath]);
  // The longest prefix before `*` wins, as Node does.
  const patterns = keys.filter((key) => key.includes('*')).sort((a, b) => b.indexOf('*') - a.indexOf('*'));
  for (const key of patterns) {
    const [prefix, suffix] = [key.slice(0, key.indexOf('*')), key.slice(key.indexOf('*') + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length) {
      const match = subpath.slice(prefix.length, subpath.length - suffix.length);
      return conditionTargets(map[key]).map((target) => target.split('*').join(match));
    }
  }
  return [];
}

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((item) => conditionTargets(item));
  if (!value || typeof value !== 'object') return [];
  const map = value as Record<string, unknown>;
  const targets: string[] = [];
  for (const condition of EXPORT_CONDITIONS) if (condition in map) targets.push(...conditionTargets(map[condition]));
  return targets;
}
