import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { contentHash } from '../content-hash.js';
import type { GraphEdge, JestSettings, ModuleFacts, ModuleReference } from '../model.js';
import { ModuleResolver, contains, packageName, type ResolvedTarget } from './resolver.js';
import type { ScanCache } from './scan-cache.js';
import { scanModule } from './scan-module.js';

/** Options of {@link buildStaticGraph}. */
export interface StaticGraphOptions {
  /** Absolute repository root. */
  root: string;
  /** Every repository-relative file of the workspace (tracked and untracked, not ignored); source files are scanned, the rest are leaf targets. */
  files: readonly string[];
  /** The Jest settings, moduleNameMapper replacements with `<rootDir>` already made repository-relative. */
  jest?: JestSettings;
  /** Files that existed at the base revision: a specifier resolving only to one of these gets a `base-revision` edge (deleted and renamed files). */
  baseFiles?: ReadonlySet<string>;
  /** Reads a repository file (default: from disk under `root`); undefined when it cannot be read. */
  readFile?: (path: string) => string | undefined;
  cache?: ScanCache;
}

/** The static dependency graph of a workspace. */
export interface StaticGraph {
  readonly files: ReadonlySet<string>;
  /** The scan of a source file. */
  facts(path: string): ModuleFacts | undefined;
  /** The edges from a file to what it refers to. */
  edgesFrom(path: string): readonly GraphEdge[];
  /** The edges from files referring to `path`. */
  edgesTo(path: string): readonly GraphEdge[];
  /** References no rule could resolve. */
  readonly unresolved: readonly { from: string; specifier: string; line: number }[];
  /** The source file a workspace build-output file (`packages/x/dist/cli.mjs`) was built from. */
  sourceOf(buildOutput: string): string | undefined;
}

const SCANNED = /\.(?:[cm]?[jt]sx?)$/;
const NONE: readonly GraphEdge[] = [];

/**
 * Scans every source file of the workspace and resolves its references into edges: relative files,
 * tsconfig paths, Jest moduleNameMapper, workspace packages (build output mapped back to source),
 * installed packages (`npm:<name>`), template-literal patterns, sibling and root `__mocks__`, and
 * snapshots. Type-only references are never edges.
 *
 * @example
 * const graph = buildStaticGraph({ root: '/repo', files: ['src/a.ts', 'src/a.test.ts'] });
 * graph.edgesTo('src/a.ts') // [{ from: 'src/a.test.ts', to: 'src/a.ts', kind: 'import', … }]
 */
export function buildStaticGraph(options: StaticGraphOptions): StaticGraph {
  const { root, cache } = options;
  const files = new Set(options.files);
  const readFile = options.readFile ?? ((path: string) => readOptional(join(root, path)));
  const resolver = new ModuleResolver({ root, files, jest: options.jest, baseFiles: options.baseFiles, readFile });
  const siblingMocks = new Map<string, string[]>();
  const rootMocks = rootMockIndex(files, options.jest);
  for (const file of files) {
    const match = /^(?:(.*)\/)?__mocks__\/([^/]+)\.[^./]+$/.exec(file);
    if (!match) continue;
    const key = match[1] === undefined ? match[2]! : `${match[1]}/${match[2]}`;
    siblingMocks.set(key, [...(siblingMocks.get(key) ?? []), file]);
  }

  const factsByFile = new Map<string, ModuleFacts>();
  const from = new Map<string, GraphEdge[]>();
  const to = new Map<string, GraphEdge[]>();
  const unresolved: { from: string; specifier: string; line: number }[] = [];
  const add = (edge: GraphEdge): void => {
    const list = from.get(edge.from);
    if (list?.some((other) => other.to === edge.to && other.kind === edge.kind && other.line === edge.line)) return;
    if (list) list.push(edge);
    else from.set(edge.from, [edge]);
    const back = to.get(edge.to);
    if (back) back.push(edge);
    else to.set(edge.to, [edge]);
  };

  for (const file of files) {
    if (!SCANNED.test(file) || file.endsWith('.d.ts') || file.includes('node_modules/')) continue;
    const source = readFile(file);
    if (source === undefined) continue;
    const hash = cache ? contentHash(source) : '';
    let facts = cache?.get(hash);
    if (!facts) {
      facts = scanModule(source, file);
      cache?.set(hash, facts);
    }
    factsByFile.set(file, facts);
    const snapshot = `${posix.dirname(file)}/__snapshots__/${posix.basename(file)}.snap`.replace(/^\.\//, '');
    if (files.has(snapshot))
      add({ from: file, to: snapshot, kind: 'snapshot', specifier: `__snapshots__/${posix.basename(file)}.snap`, line: 1, via: 'jest' });
    for (const reference of facts.references) {
      if (reference.typeOnly) continue;
      const targets = resolveReference(resolver, file, reference);
      if (targets === 'builtin') {
        addRootMock(file, reference, reference.specifier.replace(/^node:/, ''));
        continue;
      }
      if (targets.length === 0) {
        unresolved.push({ from: file, specifier: reference.specifier, line: reference.line });
        const name = packageName(reference.specifier);
        if (name !== undefined && !reference.specifier.startsWith('.')) addRootMock(file, reference, name);
        continue;
      }
      for (const target of targets) {
        const edge: GraphEdge = {
          from: file,
          to: target.to,
          kind: reference.kind,
          specifier: target.note ? `${reference.specifier} (${target.note})` : reference.specifier,
          line: reference.line,
          via: target.via,
        };
        if (reference.names !== undefined) edge.names = reference.names;
        if (reference.reexports !== undefined) edge.reexports = reference.reexports;
        add(edge);
        if (target.to.startsWith('npm:')) addRootMock(file, reference, target.to.slice(4));
        else {
          for (const mock of siblingMocks.get(target.to.replace(/\.[^./]+$/, '')) ?? []) {
            if (mock === file || mock === target.to) continue;
            add({
              from: file,
              to: mock,
              kind: 'mocks-folder',
              specifier: `__mocks__ of ${reference.specifier}`,
              line: reference.line,
              names: '*',
              via: 'jest',
            });
          }
        }
      }
    }
  }

  function addRootMock(file: string, reference: ModuleReference, name: string): void {
    for (const mock of rootMocks.get(name) ?? []) {
      if (mock === file) continue;
      add({
        from: file,
        to: mock,
        kind: 'mocks-folder',
        specifier: `root __mocks__ of ${reference.specifier}`,
        line: reference.line,
        names: '*',
        via: 'jest',
      });
    }
  }

  return {
    files,
    facts: (path) => factsByFile.get(path),
    edgesFrom: (path) => from.get(path) ?? NONE,
    edgesTo: (path) => to.get(path) ?? NONE,
    unresolved,
    sourceOf: (buildOutput) => resolver.sourceOfBuildOutput(buildOutput),
  };
}

function resolveReference(resolver: ModuleResolver, file: string, reference: ModuleReference): ResolvedTarget[] | 'builtin' {
  if (reference.kind === 'pattern') return resolver.resolvePattern(file, reference.specifier);
  const resolution = resolver.resolve(file, reference.specifier);
  if (resolution.kind === 'builtin') return 'builtin';
  return resolution.kind === 'targets' ? resolution.targets : [];
}

/** Root `__mocks__/<package>.*` files of every Jest project's roots (or rootDir), by package name. */
function rootMockIndex(files: ReadonlySet<string>, jest: JestSettings | undefined): Map<string, string[]> {
  const roots = new Set<string>();
  for (const project of jest?.projects ?? [])
    for (const folder of project.roots.length > 0 ? project.roots : [project.rootDir]) roots.add(folder.replace(/\/$/, '') || '.');
  if (roots.size === 0) roots.add('.');
  const index = new Map<string, string[]>();
  for (const file of files) {
    for (const folder of roots) {
      const prefix = folder === '.' ? '__mocks__/' : `${folder}/__mocks__/`;
      if (!file.startsWith(prefix) || !contains(folder, file)) continue;
      const name = file.slice(prefix.length).replace(/\.[^./]+$/, '');
      index.set(name, [...(index.get(name) ?? []), file]);
    }
  }
  return index;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
