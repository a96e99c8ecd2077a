import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import type { GraphEdge, JestProjectSettings, JestSettings } from '../model.js';
import { TsconfigLookup } from './tsconfig-paths.js';
import { exportTargets, findWorkspacePackages, type WorkspacePackage } from './workspace-packages.js';

/** One file (or installed package) a specifier resolves to. */
export interface ResolvedTarget {
  /** Repository-relative file, or `npm:<name>`. */
  to: string;
  via: GraphEdge['via'];
  /** Set when the target is a guess (every source file of a workspace package): why. */
  note?: string;
}

/** What a specifier resolves to: targets, a Node builtin (no edge), or nothing. */
export type Resolution = { kind: 'targets'; targets: ResolvedTarget[] } | { kind: 'builtin' } | { kind: 'unresolved' };

/** Options of {@link ModuleResolver}: see `StaticGraphOptions`. */
export interface ModuleResolverOptions {
  root: string;
  files: ReadonlySet<string>;
  jest?: JestSettings;
  baseFiles?: ReadonlySet<string>;
  readFile?: (path: string) => string | undefined;
}

/**
 * Jest's default `moduleFileExtensions`, the probing order when no project gives one.
 *
 * @example
 * DEFAULT_EXTENSIONS[0] // 'js'
 */
export const DEFAULT_EXTENSIONS: readonly string[] = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'json', 'node'];

/**
 * Extensions whose files are scanned for references.
 *
 * @example
 * SOURCE_EXTENSIONS.includes('mts') // true
 */
export const SOURCE_EXTENSIONS: readonly string[] = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'mts', 'cts'];

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?)$/;
const TEST_FILE = /(?:^|\/)__tests__\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;
const BUILD_EXTENSION = /(?:\.d)?\.(?:[cm]?[jt]sx?)$/;
const ESM_SOURCE: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
const BUILD_TO_SOURCE: readonly string[] = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
const BUILTINS = new Set(builtinModules);

type Exists = (path: string) => boolean;

/**
 * Whether a repository-relative path looks like a test file (left out of the workspace fallback).
 *
 * @example
 * isTestLike('src/a.test.ts') // true
 */
export function isTestLike(path: string): boolean {
  return TEST_FILE.test(path);
}

/**
 * Resolves specifiers the way Jest and TypeScript would in a workspace: relative paths with
 * extension probing, Jest's moduleNameMapper, tsconfig `paths`/`baseUrl`, workspace packages mapped
 * from their build output back to source, installed packages and Node builtins. Answers are cached
 * per folder and specifier.
 *
 * @example
 * const resolver = new ModuleResolver({ root: '/repo', files: new Set(['src/a.ts', 'src/b.ts']) });
 * resolver.resolve('src/a.ts', './b.js') // { kind: 'targets', targets: [{ to: 'src/b.ts', via: 'relative' }] }
 */
export class ModuleResolver {
  private readonly cache = new Map<string, Resolution>();
  private readonly readFile: (path: string) => string | undefined;
  private readonly tsconfig: TsconfigLookup;
  private readonly packages: Map<string, WorkspacePackage>;
  private readonly packageSources = new Map<string, string[]>();
  private readonly installed = new Map<string, boolean>();
  private readonly regexes = new Map<string, RegExp | undefined>();
  private readonly projectsByFolder = new Map<string, JestProjectSettings[]>();
  private readonly inFiles: Exists;
  private readonly inBase: Exists | undefined;

  constructor(private readonly options: ModuleResolverOptions) {
    const { root, files, baseFiles } = options;
    this.readFile = options.readFile ?? ((path) => readOptional(join(root, path)));
    this.tsconfig = new TsconfigLookup(root, files, this.readFile);
    this.packages = findWorkspacePackages(files, this.readFile);
    this.inFiles = (path) => files.has(path);
    this.inBase = baseFiles && ((path) => baseFiles.has(path) && !files.has(path));
  }

  /** The workspace packages, by name. */
  get workspacePackages(): ReadonlyMap<string, WorkspacePackage> {
    return this.packages;
  }

  /** The Jest projects whose rootDir holds `folder`, the root project last. */
  projectsFor(folder: string): JestProjectSettings[] {
    let projects = this.projectsByFolder.get(folder);
    if (!projects) {
      projects = (this.options.jest?.projects ?? [])
        .filter((project) => contains(project.rootDir, folder))
        .sort((a, b) => b.rootDir.length - a.rootDir.length);
      this.projectsByFolder.set(folder, projects);
    }
    return projects;
  }

  /** Resolves `specifier` as written in the repository file `from`. */
  resolve(from: string, specifier: string): Resolution {
    const folder = posix.dirname(from);
    const key = `${folder}\0${specifier}`;
    let resolution = this.cache.get(key);
    if (!resolution) {
      resolution = this.resolveWith(folder, specifier, this.inFiles);
      if (resolution.kind === 'unresolved' && this.inBase) {
        const base = this.resolveWith(folder, specifier, this.inBase);
        if (base.kind === 'targets') {
          const targets = base.targets.filter((target) => !target.to.startsWith('npm:') && target.note === undefined);
          if (targets.length > 0)
            resolution = { kind: 'targets', targets: targets.map((target) => ({ to: target.to, via: 'base-revision' })) };
        }
      }
      this.cache.set(key, resolution);
    }
    return resolution;
  }

  /** Every file matching a `pattern` reference's glob (`*` for each template expression). */
  resolvePattern(from: string, glob: string): ResolvedTarget[] {
    const folder = posix.dirname(from);
    let base: string;
    if (glob.startsWith('./') || glob.startsWith('../')) base = posix.normalize(posix.join(folder, glob));
    else {
      const name = packageName(glob);
      const workspacePackage = name === undefined ? undefined : this.packages.get(name);
      if (!workspacePackage) return [];
      return this.everySource(workspacePackage).map((to) => ({
        to,
        via: 'workspace-package',
        note: `every source file of ${workspacePackage.name}`,
      }));
    }
    if (base.startsWith('../')) return [];
    const source = base
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    const regex = new RegExp(`^${source}(?:/index)?(?:\\.[^/]+)?$`);
    const targets: ResolvedTarget[] = [];
    for (const file of this.options.files) if (regex.test(file)) targets.push({ to: file, via: 'relative' });
    for (const file of this.options.baseFiles ?? []) {
      if (!this.options.files.has(file) && regex.test(file)) targets.push({ to: file, via: 'base-revision' });
    }
    return targets;
  }

  private extensions(folder: string): readonly string[] {
    const project = this.projectsFor(folder)[0];
    return project && project.moduleFileExtensions.length > 0 ? project.moduleFileExtensions : DEFAULT_EXTENSIONS;
  }

  private resolveWith(folder: string, specifier: string, exists: Exists): Resolution {
    const extensions = this.extensions(folder);
    const mapped = this.viaMapper(folder, specifier, extensions, exists);
    if (mapped) return mapped;
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      const path = posix.normalize(posix.join(folder, specifier));
      const found = this.probe(path, extensions, exists) ?? this.fromBuildOutput(path, exists);
      return found ? targets({ to: found, via: 'relative' }) : { kind: 'unresolved' };
    }
    if (specifier.startsWith('/')) {
      const inside = posix.relative(this.options.root.split('\\').join('/'), specifier);
      const found = inside.startsWith('..') ? undefined : this.probe(inside, extensions, exists);
      return found ? targets({ to: found, via: 'relative' }) : { kind: 'unresolved' };
    }
    return this.resolveBare(folder, specifier, extensions, exists);
  }

  private viaMapper(folder: string, specifier: string, extensions: readonly string[], exists: Exists): Resolution | undefined {
    for (const project of this.projectsFor(folder)) {
      for (const [source, replacement] of project.moduleNameMapper) {
        const regex = this.regex(source);
        const match = regex?.exec(specifier);
        if (!match) continue;
        for (const candidate of typeof replacement === 'string' ? [replacement] : replacement) {
          const mapped = candidate.replace(/\$(\d+)/g, (_, index: string) => match[Number(index)] ?? '');
          // A replacement written `./x` came from `<rootDir>/x` of the root project: repository-relative first.
          const resolution = this.resolveMapped(folder, mapped, /^\.{1,2}\//.test(candidate), extensions, exists);
          if (resolution) return resolution;
        }
        return { kind: 'unresolved' };
      }
    }
    return undefined;
  }

  private resolveMapped(
    folder: string,
    mapped: string,
    rootBased: boolean,
    extensions: readonly string[],
    exists: Exists,
  ): Resolution | undefined {
    const candidates: string[] = [];
    // `<rootDir>` comes in replaced by the project's repository-relative root (`.` for the root).
    if (rootBased) candidates.push(posix.normalize(mapped));
    if (mapped.startsWith('./') || mapped.startsWith('../')) candidates.push(posix.normalize(posix.join(folder, mapped)));
    if (mapped.startsWith('/')) candidates.push(posix.relative(this.options.root.split('\\').join('/'), mapped));
    if (!rootBased) candidates.push(posix.normalize(mapped));
    for (const candidate of candidates) {
      if (candidate.startsWith('..')) continue;
      const found = this.probe(candidate, extensions, exists);
      if (found) return targets({ to: found, via: 'moduleNameMapper' });
    }
    if (mapped.startsWith('.') || mapped.startsWith('/')) return undefined;
    const bare = this.resolveBare(folder, mapped, extensions, exists);
    return bare.kind === 'unresolved' ? undefined : bare;
  }

  private resolveBare(folder: string, specifier: string, extensions: readonly string[], exists: Exists): Resolution {
    if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) return { kind: 'builtin' };
    const viaPaths = this.viaTsconfig(folder, specifier, extensions, exists);
    if (viaPaths) return targets({ to: viaPaths, via: 'tsconfig-paths' });
    const viaJest = this.viaModuleDirectories(folder, specifier, extensions, exists);
    if (viaJest) return targets({ to: viaJest, via: 'jest' });
    const name = packageName(specifier);
    if (name === undefined) return { kind: 'unresolved' };
    const workspacePackage = this.packages.get(name);
    if (workspacePackage) return this.resolveWorkspace(workspacePackage, specifier.slice(name.length + 1), exists);
    if (exists !== this.inFiles) return { kind: 'unresolved' };
    return this.isInstalled(folder, name) ? targets({ to: `npm:${name}`, via: 'node_modules' }) : { kind: 'unresolved' };
  }

  private viaTsconfig(folder: string, specifier: string, extensions: readonly string[], exists: Exists): string | undefined {
    const settings = this.tsconfig.forFolder(folder);
    if (!settings) return undefined;
    let best: { prefix: number; targets: string[] } | undefined;
    for (const [pattern, patternTargets] of settings.paths) {
      const star = pattern.indexOf('*');
      if (star === -1) {
        if (pattern === specifier) {
          best = { prefix: Infinity, targets: [...patternTargets] };
          break;
        }
        continue;
      }
      const prefix = pattern.slice(0, star);
      const suffix = pattern.slice(star + 1);
      if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix) || specifier.length < prefix.length + suffix.length) continue;
      if (best && best.prefix >= prefix.length) continue;
      const match = specifier.slice(prefix.length, specifier.length - suffix.length);
      best = { prefix: prefix.length, targets: patternTargets.map((target) => target.split('*').join(match)) };
    }
    for (const target of best?.targets ?? []) {
      const found = this.probe(target, extensions, exists);
      if (found) return found;
    }
    if (settings.baseUrl !== undefined) return this.probe(posix.normalize(posix.join(settings.baseUrl, specifier)), extensions, exists);
    return undefined;
  }

  /** Jest `moduleDirectories` other than node_modules (looked up in every folder above) and `modulePaths`. */
  private viaModuleDirectories(folder: string, specifier: string, extensions: readonly string[], exists: Exists): string | undefined {
    for (const project of this.projectsFor(folder)) {
      for (const directory of project.moduleDirectories) {
        if (directory === 'node_modules') continue;
        for (let dir = folder; ; dir = posix.dirname(dir)) {
          const found = this.probe(posix.normalize(`${dir}/${directory}/${specifier}`), extensions, exists);
          if (found) return found;
          if (dir === '.' || dir === '') break;
        }
      }
      for (const modulePath of project.modulePaths) {
        const found = this.probe(posix.normalize(`${modulePath}/${specifier}`), extensions, exists);
        if (found) return found;
      }
    }
    return undefined;
  }

  /**
   * The source file a workspace build-output file was built from (`packages/x/dist/cli.mjs` →
   * `packages/x/src/cli.ts`), or undefined outside any build output.
   *
   * @example
   * resolver.sourceOfBuildOutput('packages/x/dist/cli.mjs') // 'packages/x/src/cli.ts'
   */
  sourceOfBuildOutput(path: string): string | undefined {
    return this.fromBuildOutput(path, this.inFiles);
  }

  /** A relative path into a package's build output (`../dist/index.mjs`), mapped back to its source. */
  private fromBuildOutput(path: string, exists: Exists): string | undefined {
    let owner: WorkspacePackage = { name: '(root)', dir: '.', manifest: {} };
    for (const candidate of this.packages.values())
      if (contains(candidate.dir, path) && candidate.dir.length > owner.dir.length) owner = candidate;
    const at = (sub: string): string => (owner.dir === '.' ? sub : `${owner.dir}/${sub}`);
    const outDir = this.tsconfig.forFolder(owner.dir)?.outDir;
    if (![outDir, at('dist'), at('build')].some((output) => output !== undefined && output !== owner.dir && contains(output, path)))
      return undefined;
    const found = this.toSource(owner, path, exists);
    return found && found !== path ? found : undefined;
  }

  private resolveWorkspace(workspacePackage: WorkspacePackage, subpath: string, exists: Exists): Resolution {
    const { manifest, dir } = workspacePackage;
    const entries: string[] = [];
    if (manifest['exports'] !== undefined) entries.push(...exportTargets(manifest['exports'], subpath ? `./${subpath}` : '.'));
    else if (subpath) entries.push(subpath);
    else for (const field of ['source', 'module', 'main']) if (typeof manifest[field] === 'string') entries.push(manifest[field]);
    if (!subpath && manifest['exports'] === undefined) entries.push('index');
    for (const entry of entries) {
      const found = this.toSource(workspacePackage, posix.normalize(posix.join(dir, entry)), exists);
      if (found) return targets({ to: found, via: 'workspace-package' });
    }
    if (exists !== this.inFiles) return { kind: 'unresolved' };
    const note = `no source file found: every source file of ${workspacePackage.name}`;
    return targets(...this.everySource(workspacePackage).map((to): ResolvedTarget => ({ to, via: 'workspace-package', note })));
  }

  /** Maps a package file (often build output: `dist/x.mjs`, `dist/x.d.ts`) back to its source file. */
  private toSource(workspacePackage: WorkspacePackage, path: string, exists: Exists): string | undefined {
    const settings = this.tsconfig.forFolder(workspacePackage.dir);
    const { dir } = workspacePackage;
    const pairs: [string, string][] = [];
    const at = (sub: string): string => (dir === '.' ? sub : `${dir}/${sub}`);
    if (settings?.outDir && contains(dir, settings.outDir)) pairs.push([settings.outDir, settings.rootDir ?? at('src')]);
    for (const output of ['dist', 'build', 'lib', 'out']) pairs.push([at(output), at('src')]);
    const stem = path.replace(BUILD_EXTENSION, '');
    for (const [output, sourceRoot] of pairs) {
      if (!contains(output, stem) || output === sourceRoot) continue;
      const candidate = posix.normalize(`${sourceRoot}/${stem.slice(output.length)}`);
      const found = this.probe(candidate, BUILD_TO_SOURCE, exists);
      if (found) return found;
    }
    return this.probe(path, BUILD_TO_SOURCE.concat(['json']), exists);
  }

  private everySource(workspacePackage: WorkspacePackage): string[] {
    let sources = this.packageSources.get(workspacePackage.dir);
    if (!sources) {
      const prefix = `${workspacePackage.dir}/`;
      const settings = this.tsconfig.forFolder(workspacePackage.dir);
      const outputs = [settings?.outDir, ...['dist', 'build', 'out'].map((output) => `${workspacePackage.dir}/${output}`)].filter(
        (output): output is string => output !== undefined && output !== workspacePackage.dir,
      );
      sources = [...this.options.files].filter(
        (file) =>
          file.startsWith(prefix) &&
          SOURCE_FILE.test(file) &&
          !file.endsWith('.d.ts') &&
          !isTestLike(file) &&
          !file.includes('/node_modules/') &&
          !outputs.some((output) => contains(output, file)),
      );
      this.packageSources.set(workspacePackage.dir, sources);
    }
    return sources;
  }

  /** The file `base` names: itself, with an extension, its TS source for an ESM `.js`, or a folder's main/index. */
  probe(base: string, extensions: readonly string[], exists: Exists): string | undefined {
    const file = this.probeFile(base, extensions, exists);
    if (file) return file;
    const manifestPath = base === '.' ? 'package.json' : `${base}/package.json`;
    if (exists(manifestPath) || this.options.files.has(manifestPath)) {
      const text = this.readFile(manifestPath);
      let main: unknown;
      try {
        main = text === undefined ? undefined : (JSON.parse(text) as { main?: unknown }).main;
      } catch {
        main = undefined;
      }
      if (typeof main === 'string') {
        const target = posix.normalize(posix.join(base, main));
        const found = this.probeFile(target, extensions, exists) ?? this.probeIndex(target, extensions, exists);
        if (found) return found;
      }
    }
    return this.probeIndex(base, extensions, exists);
  }

  private probeIndex(base: string, extensions: readonly string[], exists: Exists): string | undefined {
    const prefix = base === '.' ? 'index' : `${base}/index`;
    for (const extension of extensions) if (exists(`${prefix}.${extension}`)) return `${prefix}.${extension}`;
    return undefined;
  }

  private probeFile(base: string, extensions: readonly string[], exists: Exists): string | undefined {
    if (exists(base)) return base;
    const extension = posix.extname(base);
    const sources = ESM_SOURCE[extension];
    if (sources) {
      const stem = base.slice(0, -extension.length);
      for (const source of sources) if (exists(stem + source)) return stem + source;
    }
    for (const candidate of extensions) if (exists(`${base}.${candidate}`)) return `${base}.${candidate}`;
    return undefined;
  }

  private regex(source: string): RegExp | undefined {
    if (!this.regexes.has(source)) {
      let regex: RegExp | undefined;
      try {
        regex = new RegExp(source);
      } catch {
        regex = undefined;
      }
      this.regexes.set(source, regex);
    }
    return this.regexes.get(source);
  }

  private isInstalled(folder: string, name: string): boolean {
    const key = `${folder}\0${name}`;
    let installed = this.installed.get(key);
    if (installed === undefined) {
      installed = existsSync(join(this.options.root, folder, 'node_modules', name));
      if (!installed && folder !== '.') installed = this.isInstalled(posix.dirname(folder), name);
      this.installed.set(key, installed);
    }
    return installed;
  }
}

function targets(...list: ResolvedTarget[]): Resolution {
  return list.length > 0 ? { kind: 'targets', targets: list } : { kind: 'unresolved' };
}

/**
 * Whether the repository folder `folder` holds `path` (itself included; `.` holds everything).
 *
 * @example
 * contains('packages/a', 'packages/a/src/x.ts') // true
 */
export function contains(folder: string, path: string): boolean {
  return folder === '.' || folder === '' || path === folder || path.startsWith(`${folder}/`);
}

/**
 * The package name of a bare specifier (`@scope/name` kept whole), or undefined when it has none.
 *
 * @example
 * packageName('@scope/pkg/sub/path') // '@scope/pkg'
 */
export function packageName(specifier: string): string | undefined {
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] || undefined;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
