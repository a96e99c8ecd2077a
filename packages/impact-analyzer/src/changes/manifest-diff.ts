/**
 * Fields of `package.json` whose change alters how every module loads or what is installed for
 * all of them, so that nothing narrower than "run everything" is safe:
 * - `jest`: the Jest config itself.
 * - `type`: switches every `.js` file between CommonJS and ESM.
 * - `exports`, `imports`, `main`, `module`, `browser`: where the package and its `#` imports resolve.
 * - `workspaces`: which folders are linked as packages.
 * - `overrides`, `resolutions`, `pnpm`: force versions of nested packages the lockfile may not show
 *   per test.
 * - `babel`: a Babel config in the manifest.
 * - `packageManager`: the package manager version, which can change how everything installs.
 * `engines` is left out on purpose: it only states a requirement and changes nothing that runs.
 */
const RUN_ALL_FIELDS = [
  'jest',
  'type',
  'exports',
  'imports',
  'main',
  'module',
  'browser',
  'workspaces',
  'overrides',
  'resolutions',
  'pnpm',
  'babel',
  'packageManager',
] as const;

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** What changed in a `package.json`, as {@link diffManifest} reports it. */
export interface ManifestDiff {
  /** Changed fields that can change how every test loads (see the list above the function). */
  runAllFields: string[];
  /** Packages added, removed or given another range in any dependency field; `@types/x` also names `x`. */
  dependencies: string[];
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function ranges(manifest: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = manifest[field];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * What changed between two versions of a `package.json` (undefined: absent on that side). A file
 * that is not a JSON object on either side reports every run-all field, since nothing can be told.
 *
 * @example
 * diffManifest('{"dependencies":{"a":"1"}}', '{"type":"module","dependencies":{"a":"2"}}')
 * // { runAllFields: ['type'], dependencies: ['a'] }
 */
export function diffManifest(before: string | undefined, after: string | undefined): ManifestDiff {
  const old = parse(before);
  const next = parse(after);
  if (old === undefined || next === undefined) return { runAllFields: ['(unparsable package.json)'], dependencies: [] };
  const runAllFields = RUN_ALL_FIELDS.filter((field) => !same(old[field], next[field]));
  const dependencies = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    const a = ranges(old, field);
    const b = ranges(next, field);
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (same(a[name], b[name])) continue;
      dependencies.add(name);
      const typed = /^@types\/(.+)$/.exec(name)?.[1];
      // `@types/scope__name` types `@scope/name`.
      if (typed !== undefined) dependencies.add(typed.includes('__') ? `@${typed.replace('__', '/')}` : typed);
    }
  }
  return { runAllFields: [...runAllFields], dependencies: [...dependencies].sort() };
}
