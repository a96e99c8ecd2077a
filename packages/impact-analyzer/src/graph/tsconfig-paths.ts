import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { parseJsonc } from './jsonc.js';

/** The module-resolution settings of one tsconfig.json, `extends` followed, folders repository-relative. */
export interface TsconfigSettings {
  /** The tsconfig.json itself. */
  file: string;
  /** `compilerOptions.baseUrl`. */
  baseUrl?: string;
  /** `compilerOptions.paths`, each target made repository-relative (`*` kept). */
  paths: readonly (readonly [pattern: string, targets: readonly string[]])[];
  outDir?: string;
  rootDir?: string;
}

interface RawOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
  pathsBase?: string;
  outDir?: string;
  rootDir?: string;
}

/**
 * Finds the tsconfig.json that applies to a folder (the nearest one above it) and reads its
 * `baseUrl`, `paths`, `outDir` and `rootDir`, following `extends` through relative files and
 * packages in node_modules. Folder answers are cached.
 *
 * @example
 * const lookup = new TsconfigLookup('/repo', new Set(['tsconfig.json']));
 * lookup.forFolder('packages/a/src')?.paths // [['@app/*', ['src/*']]]
 */
export class TsconfigLookup {
  private readonly folders = new Map<string, TsconfigSettings | undefined>();
  private readonly configs = new Map<string, RawOptions>();

  constructor(
    private readonly root: string,
    private readonly files: ReadonlySet<string>,
    private readonly readFile: (path: string) => string | undefined = (path) => readAbsolute(join(root, path)),
  ) {}

  /** The settings of the nearest tsconfig.json at or above `folder` (repository-relative, `.` for the root). */
  forFolder(folder: string): TsconfigSettings | undefined {
    if (this.folders.has(folder)) return this.folders.get(folder);
    const file = folder === '.' ? 'tsconfig.json' : `${folder}/tsconfig.json`;
    let settings: TsconfigSettings | undefined;
    if (this.files.has(file)) settings = this.settings(file);
    else if (folder !== '.') settings = this.forFolder(posix.dirname(folder));
    this.folders.set(folder, settings);
    return settings;
  }

  /** The settings of one repository tsconfig file. */
  settings(file: string): TsconfigSettings {
    const options = this.load(join(this.root, file), new Set());
    const toRepo = (absolute: string | undefined): string | undefined => (absolute === undefined ? undefined : this.relative(absolute));
    const paths: [string, string[]][] = [];
    const pathsBase = options.baseUrl ?? options.pathsBase ?? join(this.root, posix.dirname(file));
    for (const [pattern, targets] of Object.entries(options.paths ?? {})) {
      if (!Array.isArray(targets)) continue;
      paths.push([pattern, targets.filter((target) => typeof target === 'string').map((target) => this.relative(join(pathsBase, target)))]);
    }
    const settings: TsconfigSettings = { file, paths };
    const baseUrl = toRepo(options.baseUrl);
    if (baseUrl !== undefined) settings.baseUrl = baseUrl;
    const outDir = toRepo(options.outDir);
    if (outDir !== undefined) settings.outDir = outDir;
    const rootDir = toRepo(options.rootDir);
    if (rootDir !== undefined) settings.rootDir = rootDir;
    return settings;
  }

  private relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/') || '.';
  }

  private read(absolute: string): string | undefined {
    const inside = relative(this.root, absolute);
    if (!inside.startsWith('..') && !inside.split(sep).includes('node_modules')) return this.readFile(inside.split(sep).join('/'));
    return readAbsolute(absolute);
  }

  private load(absolute: string, seen: Set<string>): RawOptions {
    const cached = this.configs.get(absolute);
    if (cached) return cached;
    if (seen.has(absolute)) return {};
    seen.add(absolute);
    const text = this.read(absolute);
    const json = text === undefined ? undefined : parseJsonc(text);
    const config = (json && typeof json === 'object' ? json : {}) as { extends?: unknown; compilerOptions?: Record<string, unknown> };
    const folder = dirname(absolute);
    const parents = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
    let options: RawOptions = {};
    for (const parent of parents) {
      if (typeof parent !== 'string') continue;
      const parentFile = this.extendsTarget(folder, parent);
      if (parentFile) options = { ...options, ...this.load(parentFile, seen) };
    }
    const own = config.compilerOptions ?? {};
    if (typeof own['baseUrl'] === 'string') options.baseUrl = join(folder, own['baseUrl']);
    if (own['paths'] && typeof own['paths'] === 'object') {
      options.paths = own['paths'] as Record<string, string[]>;
      options.pathsBase = folder;
    }
    if (typeof own['outDir'] === 'string') options.outDir = join(folder, own['outDir']);
    if (typeof own['rootDir'] === 'string') options.rootDir = join(folder, own['rootDir']);
    this.configs.set(absolute, options);
    return options;
  }

  private extendsTarget(folder: string, specifier: string): string | undefined {
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const file = join(folder, specifier);
      return file.endsWith('.json') || existsSync(file) ? file : `${file}.json`;
    }
    for (let dir = folder; ; dir = dirname(dir)) {
      const base = join(dir, 'node_modules', specifier);
      for (const candidate of [base, `${base}.json`, join(base, 'tsconfig.json')]) if (existsFile(candidate)) return candidate;
      if (dirname(dir) === dir) return undefined;
    }
  }
}

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readAbsolute(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
