import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Config } from '@jest/types';
import { ImpactError } from '../errors.js';
import type { JestProjectSettings, JestSettings } from '../model.js';

export { testFileMatcher, regexSubject } from './test-file-matcher.js';

/** The project fields {@link jestSettingsFromConfigs} reads (what `jest --showConfig` prints for each project). */
export type JestProjectConfig = Pick<
  Config.ProjectConfig,
  | 'rootDir'
  | 'roots'
  | 'testMatch'
  | 'testRegex'
  | 'testPathIgnorePatterns'
  | 'moduleFileExtensions'
  | 'moduleNameMapper'
  | 'moduleDirectories'
  | 'modulePaths'
  | 'setupFiles'
  | 'setupFilesAfterEnv'
  | 'snapshotSerializers'
  | 'testEnvironment'
  | 'transform'
  | 'runner'
  | 'testRunner'
> &
  Partial<
    Pick<
      Config.ProjectConfig,
      | 'displayName'
      | 'modulePathIgnorePatterns'
      | 'globalSetup'
      | 'globalTeardown'
      | 'resolver'
      | 'snapshotResolver'
      | 'dependencyExtractor'
    >
  >;

/** The global fields {@link jestSettingsFromConfigs} reads: the sequencer applies to every project. */
export type JestGlobalConfig = Partial<Pick<Config.GlobalConfig, 'testSequencer'>>;

const CONFIG_FILE_NAMES = ['js', 'ts', 'mjs', 'cjs', 'cts', 'mts', 'json'].map((extension) => `jest.config.${extension}`);

function slashes(path: string): string {
  return sep === '\\' ? path.replaceAll('\\', '/') : path;
}

/** `path` relative to `root` with `/` separators, `.` for the root itself. */
function repositoryPath(root: string, path: string): string {
  return slashes(relative(root, path)) || '.';
}

function insideRepository(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !slashes(rel).split('/').includes('node_modules');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A regex written over absolute paths, made to test `/<repository-relative path>` instead: the
 * repository root, written plainly or escaped, becomes `/`.
 */
function relativeRegex(root: string, source: string): string {
  const plain = slashes(root);
  let result = source;
  for (const form of new Set([escapeRegex(plain), plain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), plain])) {
    result = result.split(`${form}/`).join('/').split(`${form}\\/`).join('\\/');
    if (result.endsWith(form)) result = `${result.slice(0, -form.length)}/`;
  }
  return result;
}

/** A glob written over absolute paths made repository-relative; a relative glob (`**\/*.test.ts`) is kept. */
function relativeGlob(root: string, glob: string): string {
  const negation = /^!+/.exec(glob)?.[0] ?? '';
  const body = slashes(glob.slice(negation.length));
  const prefix = `${slashes(root)}/`;
  return body.startsWith(prefix) ? `${negation}${body.slice(prefix.length)}` : glob;
}

function relativeReplacement(root: string, rootDir: string, replacement: string): string {
  const withRoot = replacement.replaceAll('<rootDir>', rootDir === '.' ? '.' : rootDir);
  if (!isAbsolute(withRoot)) return withRoot;
  const rel = repositoryPath(root, withRoot);
  return rel === '.' ? '.' : rel.startsWith('..') ? withRoot : rel;
}

function projectName(config: JestProjectConfig, rootDir: string): string {
  const display = config.displayName;
  if (typeof display === 'string' && display !== '') return display;
  if (display !== undefined && typeof display === 'object' && display.name !== '') return display.name;
  return rootDir;
}

function projectSettings(config: JestProjectConfig, root: string, global: JestGlobalConfig): JestProjectSettings {
  const rootDir = repositoryPath(root, config.rootDir);
  const toPath = (path: string): string => (isAbsolute(path) ? repositoryPath(root, path) : path);
  const candidates = [
    ...config.setupFiles,
    ...config.setupFilesAfterEnv,
    config.globalSetup,
    config.globalTeardown,
    config.testEnvironment,
    ...config.transform.map(([, module]) => module),
    config.resolver,
    config.snapshotResolver,
    ...config.snapshotSerializers,
    global.testSequencer,
    config.runner,
    config.testRunner,
    config.dependencyExtractor,
  ];
  const configFiles = new Set<string>();
  for (const file of candidates) {
    if (typeof file === 'string' && isAbsolute(file) && insideRepository(root, file)) configFiles.add(repositoryPath(root, file));
  }
  return {
    name: projectName(config, rootDir),
    rootDir,
    roots: config.roots.map(toPath),
    testMatch: config.testMatch.map((glob) => relativeGlob(root, glob)),
    testRegex: config.testRegex.map((regex) => relativeRegex(root, typeof regex === 'string' ? regex : String(regex))),
    testPathIgnorePatterns: config.testPathIgnorePatterns.map((regex) => relativeRegex(root, regex)),
    modulePathIgnorePatterns: (config.modulePathIgnorePatterns ?? []).map((regex) => relativeRegex(root, regex)),
    moduleFileExtensions: [...config.moduleFileExtensions],
    // Jest's type says one replacement, but an array of them (tried in order) is allowed and kept as is.
    moduleNameMapper: (config.moduleNameMapper as ReadonlyArray<readonly [string, string | readonly string[]]>).map(([regex, target]) => [
      regex,
      typeof target === 'string'
        ? relativeReplacement(root, rootDir, target)
        : target.map((item) => relativeReplacement(root, rootDir, item)),
    ]),
    moduleDirectories: config.moduleDirectories.map(toPath),
    modulePaths: (config.modulePaths ?? []).map(toPath),
    configFiles: [...configFiles].sort(),
  };
}

/**
 * The analyzer's view of Jest's normalized project configs (`jest --showConfig`'s `configs`):
 * absolute paths made repository-relative, `<rootDir>` in `moduleNameMapper` replaced by the
 * project's folder (`.` for the root), and each project's `configFiles` (setup files, global setup
 * and teardown, environment, transforms, resolver, snapshot resolver and serializers, sequencer,
 * runner, test runner, dependency extractor) that live in the repository outside `node_modules`.
 *
 * `testRegex`, `testPathIgnorePatterns` and `modulePathIgnorePatterns` keep Jest's meaning (a regex
 * over the absolute path) with the repository root written as `/`: they are tested against
 * `/<repository-relative path>` (see {@link regexSubject}). The top-level `configFiles` is left
 * empty: {@link findJestConfigFiles} fills it from the disk.
 *
 * @example
 * const { configs } = JSON.parse(showConfigOutput)
 * jestSettingsFromConfigs(configs, '/repo').projects[0].testMatch // ['src/**\/*.test.ts']
 */
export function jestSettingsFromConfigs(
  configs: readonly JestProjectConfig[],
  root: string,
  globalConfig: JestGlobalConfig = {},
): JestSettings {
  return { configFiles: [], projects: configs.map((config) => projectSettings(config, root, globalConfig)) };
}

function hasJestKey(file: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof manifest === 'object' && manifest !== null && 'jest' in manifest;
  } catch {
    return false;
  }
}

/**
 * The Jest configuration files of a repository: `jest.config.{js,ts,mjs,cjs,cts,mts,json}` at the
 * root and at each project's `rootDir`, and `package.json` there when it holds a `jest` key.
 *
 * @example
 * findJestConfigFiles('/repo', settings) // ['jest.config.js', 'packages/a/jest.config.ts']
 */
export function findJestConfigFiles(root: string, settings: Pick<JestSettings, 'projects'>): string[] {
  return configFilesIn(root, ['.', ...settings.projects.map((project) => project.rootDir)]);
}

function configFilesIn(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  for (const folder of new Set(folders)) {
    if (folder.startsWith('..')) continue;
    for (const name of CONFIG_FILE_NAMES) {
      if (existsSync(join(root, folder, name))) files.push(folder === '.' ? name : `${folder}/${name}`);
    }
    const manifest = folder === '.' ? 'package.json' : `${folder}/package.json`;
    if (hasJestKey(join(root, manifest))) files.push(manifest);
  }
  return files;
}

/** Jest's CLI file, resolved from the project (`cwd`, then the repository root). */
function jestBin(cwd: string, root: string): string | undefined {
  for (const from of [cwd, root]) {
    try {
      const manifest = createRequire(join(from, 'package.json')).resolve('jest/package.json');
      return join(dirname(manifest), 'bin', 'jest.js');
    } catch {
      // Not installed from here: try the next folder.
    }
  }
  return undefined;
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(0, 8)
    .join('\n');
}

/**
 * Reads the Jest configuration the way the project's own Jest sees it: runs
 * `node <jest>/bin/jest.js --showConfig [--config <config>]` with this Node, from `cwd` (default:
 * the root), and converts it with {@link jestSettingsFromConfigs}, config files included. Throws
 * `IMPACT_JEST_CONFIG` with the first lines Jest printed when Jest is missing or fails.
 *
 * @example
 * const settings = readJestSettings('/repo', { config: 'jest.ci.config.js' })
 * settings.configFiles // ['jest.ci.config.js', 'jest.config.js']
 */
export function readJestSettings(root: string, options: { cwd?: string; config?: string } = {}): JestSettings {
  const cwd = options.cwd ?? root;
  const action = `read the Jest configuration of ${cwd}`;
  const bin = jestBin(cwd, root);
  if (bin === undefined) {
    throw new ImpactError('IMPACT_JEST_CONFIG', {
      action,
      reason: 'jest is not installed in the project',
      fix: 'Install jest in the project (npm install --save-dev jest).',
    });
  }
  const args = [bin, '--showConfig', ...(options.config === undefined ? [] : ['--config', options.config])];
  let output: string;
  try {
    output = execFileSync(process.execPath, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 64,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new ImpactError(
      'IMPACT_JEST_CONFIG',
      {
        action,
        reason: '`jest --showConfig` failed',
        details: [stderrOf(error)],
        fix: 'Fix the Jest configuration so that `jest --showConfig` runs.',
      },
      { cause: error },
    );
  }
  let parsed: { configs?: JestProjectConfig[]; globalConfig?: JestGlobalConfig };
  try {
    // A config file may print before Jest does: the JSON starts at the first line that opens it.
    parsed = JSON.parse(output.slice(Math.max(0, output.search(/^\{/m)))) as typeof parsed;
  } catch (error) {
    throw new ImpactError(
      'IMPACT_JEST_CONFIG',
      {
        action,
        reason: '`jest --showConfig` printed no JSON',
        details: [output.split('\n').slice(0, 5).join('\n')],
        fix: 'Run `jest --showConfig` to see what it prints.',
      },
      { cause: error },
    );
  }
  if (!Array.isArray(parsed.configs)) {
    throw new ImpactError('IMPACT_JEST_CONFIG', {
      action,
      reason: '`jest --showConfig` printed no `configs` array',
      fix: 'Check that the project runs Jest 30 (the analyzer reads its --showConfig output).',
    });
  }
  const settings = jestSettingsFromConfigs(parsed.configs, root, parsed.globalConfig ?? {});
  const configFiles = new Set<string>();
  if (options.config !== undefined) {
    const given = resolve(cwd, options.config);
    if (insideRepository(root, given) && existsSync(given)) configFiles.add(repositoryPath(root, given));
  }
  // Jest looks for its config from the folder it starts in: a config there counts even when no project is rooted there.
  const folders = ['.', repositoryPath(root, cwd), ...settings.projects.map((project) => project.rootDir)];
  for (const file of configFilesIn(root, folders)) configFiles.add(file);
  return { configFiles: [...configFiles], projects: settings.projects };
}
