import type { ImpactMap } from '../model.js';

/** The map turned inside out: for each file, folder, variable and package, the tests that used it. */
export interface RuntimeIndex {
  /** Tests that loaded or read the file. */
  byFile: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tests that listed the folder. */
  byDirectory: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tests that read the environment variable. */
  byVariable: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tests that loaded the installed package. */
  byPackage: ReadonlyMap<string, ReadonlySet<string>>;
}

function add(index: Map<string, Set<string>>, key: string, test: string): void {
  let tests = index.get(key);
  if (tests === undefined) index.set(key, (tests = new Set()));
  tests.add(test);
}

/**
 * Inverts the map's per-test records once, so each changed file costs one lookup.
 *
 * @example
 * runtimeIndex(map).byFile.get('test/fixtures/users.json') // Set { 'test/users.test.ts' }
 */
export function runtimeIndex(map: ImpactMap | undefined): RuntimeIndex {
  const byFile = new Map<string, Set<string>>();
  const byDirectory = new Map<string, Set<string>>();
  const byVariable = new Map<string, Set<string>>();
  const byPackage = new Map<string, Set<string>>();
  for (const [test, record] of Object.entries(map?.tests ?? {})) {
    for (const file of record.modules) add(byFile, file, test);
    for (const file of record.reads) add(byFile, file, test);
    for (const folder of record.directories) add(byDirectory, folder, test);
    for (const name of record.env) add(byVariable, name, test);
    for (const name of Object.keys(record.packages)) add(byPackage, name, test);
  }
  return { byFile, byDirectory, byVariable, byPackage };
}

/**
 * Tests that listed a folder in which `path` appeared or disappeared: its own folder and, for a
 * recursive listing, any folder above it.
 *
 * @example
 * testsListing(index, 'fixtures/new.json') // tests that listed 'fixtures' or '.'
 */
export function testsListing(index: RuntimeIndex, path: string): Map<string, string> {
  const found = new Map<string, string>();
  const parts = path.split('/');
  for (let depth = parts.length - 1; depth >= 0; depth--) {
    const folder = depth === 0 ? '.' : parts.slice(0, depth).join('/');
    for (const test of index.byDirectory.get(folder) ?? []) if (!found.has(test)) found.set(test, folder);
  }
  return found;
}

/**
 * For each source file, the tests that ran build output made from it (a workspace package's
 * `dist/` file loaded in the test or in a child process it started), with that output's path.
 *
 * @example
 * builtFromIndex(index, (path) => graph.sourceOf(path)).get('packages/x/src/cli.ts')
 * // Map { 'packages/x/test/cli.test.ts' => 'packages/x/dist/cli.mjs' }
 */
export function builtFromIndex(
  index: RuntimeIndex,
  sourceOf: (buildOutput: string) => string | undefined,
): Map<string, Map<string, string>> {
  const bySource = new Map<string, Map<string, string>>();
  for (const [file, tests] of index.byFile) {
    const source = sourceOf(file);
    if (source === undefined) continue;
    let users = bySource.get(source);
    if (users === undefined) bySource.set(source, (users = new Map<string, string>()));
    for (const test of tests) if (!users.has(test)) users.set(test, file);
  }
  return bySource;
}
