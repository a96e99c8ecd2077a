import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { createJestProject, jestConfigModule, type JestProject } from '@proving-ground/test-kit';
import type { Selection } from '../../src/model.js';
import { selectTests } from '../../src/selection/select-tests.js';
import type { FixtureJestConfig, SafetyCase } from './safety-case.js';

/** The analyzer's package folder: fixtures live under its `.tmp/`, so they resolve Jest and our packages. */
export const packageDir = resolve(import.meta.dirname, '..', '..');

const require = createRequire(import.meta.url);
const jestBin = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');

const RECORDER = '@proving-ground/impact-analyzer/recorder';
const REPORTER = '@proving-ground/impact-analyzer/reporter';
const MAP_DIR = '.impact-analyzer';
const MAP_FILE = `${MAP_DIR}/map.json`;

/** What test-kit's runs leave in the fixture, the installed packages and the map: never part of a commit. */
const GITIGNORE = ['node_modules/', 'dist/', `${MAP_DIR}/`, '.cache-*/', '.out-*/', '.report-*.json', ''].join('\n');

/** One test file of a real Jest run. */
export interface SuiteResult {
  /** Repository-relative path. */
  path: string;
  passed: boolean;
  /** Why it failed (the suite's failure message, first lines). */
  message: string;
}

/** Everything one case produced: the real runs at the base and the head, Jest's own choice, and the analyzer's. */
export interface SafetyOutcome {
  safetyCase: SafetyCase;
  dir: string;
  /** Test files of the recording run at the base. */
  base: SuiteResult[];
  /** Jest's stderr of the base run, for a base that does not pass. */
  baseOutput: string;
  /** The recorder and reporter wrote `.impact-analyzer/map.json` at the base. */
  mapRecorded: boolean;
  /** Test files of the full run at the head. */
  head: SuiteResult[];
  /** The ground truth: test files that fail at the head. */
  broken: string[];
  /** What `jest --changedSince=HEAD~1 --listTests` lists, or why it failed. */
  jestChangedSince: string[] | Error;
  /** `selectTests` with the map recorded at the base. */
  withMap: Selection | Error;
  /** `selectTests` with the map file deleted (static graph only). */
  withoutMap: Selection | Error;
  /** Deletes the fixture. */
  remove(): void;
}

/** The environment for git and the Jest listing: nothing of an outer git hook or Jest worker leaks in. */
function cleanEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(GIT_.*|JEST_WORKER_ID|NODE_OPTIONS|CI)$/.test(key)) env[key] = value;
  }
  return env;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: cleanEnvironment(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function withRecorder(config: FixtureJestConfig): FixtureJestConfig {
  const setup = (config['setupFilesAfterEnv'] as string[] | undefined) ?? [];
  return { ...config, setupFilesAfterEnv: [RECORDER, ...setup] };
}

/** A fixture's Jest config with the analyzer's recorder (every project) and reporter (the root config only). */
function withImpact(config: FixtureJestConfig, isRoot: boolean): FixtureJestConfig {
  const projects = config['projects'] as (string | FixtureJestConfig)[] | undefined;
  const result: FixtureJestConfig =
    projects === undefined
      ? withRecorder(config)
      : { ...config, projects: projects.map((project) => (typeof project === 'string' ? project : withRecorder(project))) };
  if (isRoot) result['reporters'] = ['default', REPORTER];
  return result;
}

function writeJestConfigs(project: JestProject, configs: Readonly<Record<string, FixtureJestConfig>>): void {
  for (const [file, config] of Object.entries(configs))
    project.write(file, jestConfigModule(withImpact(config, file === 'jest.config.js')));
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, '-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', message);
}

/** Test-kit numbers its runs: the report of run `n` is `.report-<n>.json`. */
function readSuites(dir: string, run: number): SuiteResult[] {
  const file = join(dir, `.report-${run}.json`);
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { testResults: { name: string; status: string; message: string }[] };
  const root = realpathSync(dir);
  return report.testResults
    .map((suite) => ({
      path: relative(root, realpathSync(suite.name)).split('\\').join('/'),
      passed: suite.status === 'passed',
      message: suite.message.split('\n').slice(0, 12).join('\n'),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Every file under a folder, by path inside it, so the base's map survives the recorder running again at the head. */
function snapshotFolder(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(folder)) return files;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path), readFileSync(path));
  }
  return files;
}

function restoreFolder(folder: string, files: Map<string, Buffer>): void {
  rmSync(folder, { recursive: true, force: true });
  for (const [file, content] of files) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), content);
  }
}

/** `jest --changedSince=HEAD~1 --listTests`, as a user would type it, with the fixture's own config. */
async function jestChangedSince(dir: string): Promise<string[] | Error> {
  const args = [jestBin, '--rootDir', dir, '--ci', '--changedSince=HEAD~1', '--listTests', `--cacheDirectory=${join(dir, '.cache-list')}`];
  const child = spawn(process.execPath, args, { cwd: dir, env: cleanEnvironment() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) return new Error(`jest --changedSince exited with ${code}: ${stderr.trim().split('\n').slice(0, 6).join('\n')}`);
  const root = realpathSync(dir);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('/'))
    .map((line) => relative(root, realpathSync(line.trim())).split('\\').join('/'))
    .sort();
}

async function select(dir: string): Promise<Selection | Error> {
  try {
    return await selectTests({ cwd: dir, base: 'HEAD~1', head: 'HEAD' });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Runs one case end to end: writes the fixture as its own git repository, records the map with
 * real Jest at the base, commits the change, runs real Jest in full at the head for the ground
 * truth, then asks Jest's `--changedSince` and the analyzer (with and without the map) which
 * tests to run. Every Jest run is `--ci --maxWorkers=1`.
 *
 * @example
 * const outcome = await runSafetyCase(deletedFile)
 * expect(outcome.broken).toEqual(['test/receipt.test.js'])
 * outcome.remove()
 */
export async function runSafetyCase(safetyCase: SafetyCase): Promise<SafetyOutcome> {
  for (const entry of ['recorder.cjs', 'reporter.cjs']) {
    if (!existsSync(join(packageDir, 'dist', entry))) {
      throw new Error(
        `dist/${entry} is missing: the fixtures load the built recorder and reporter (cd packages/impact-analyzer && npm run build)`,
      );
    }
  }
  const project = createJestProject({ packageDir, files: { '.gitignore': GITIGNORE, ...safetyCase.files } });
  const dir = project.dir;
  let runs = 0;
  const runJest = async (): Promise<{ suites: SuiteResult[]; stderr: string }> => {
    const run = await project.run({ args: ['--maxWorkers=1'] });
    runs++;
    return { suites: readSuites(dir, runs), stderr: run.stderr };
  };

  writeJestConfigs(project, safetyCase.jestConfigs);
  for (const [link, target] of Object.entries(safetyCase.links ?? {})) {
    mkdirSync(dirname(join(dir, link)), { recursive: true });
    symlinkSync(relative(dirname(join(dir, link)), join(dir, target)), join(dir, link), 'dir');
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Safety Suite');
  git(dir, 'config', 'user.email', 'safety@example.invalid');
  commitAll(dir, `base: ${safetyCase.title}`);

  const base = await runJest();
  const mapRecorded = existsSync(join(dir, MAP_FILE));
  const recorded = snapshotFolder(join(dir, MAP_DIR));

  const change = safetyCase.change;
  for (const [from, to] of Object.entries(change.rename ?? {})) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    renameSync(join(dir, from), join(dir, to));
  }
  for (const file of change.delete ?? []) project.delete(file);
  for (const [file, content] of Object.entries(change.write ?? {})) project.write(file, content);
  writeJestConfigs(project, change.jestConfigs ?? {});
  commitAll(dir, change.message ?? safetyCase.title);

  const head = await runJest();
  // The head run records too (the config loads the recorder): put the base's map back.
  restoreFolder(join(dir, MAP_DIR), recorded);
  const jestList = await jestChangedSince(dir);

  const withMap = await select(dir);
  rmSync(join(dir, MAP_FILE), { force: true });
  const withoutMap = await select(dir);

  return {
    safetyCase,
    dir,
    base: base.suites,
    baseOutput: base.stderr,
    mapRecorded,
    head: head.suites,
    broken: head.suites.filter((suite) => !suite.passed).map((suite) => suite.path),
    jestChangedSince: jestList,
    withMap,
    withoutMap,
    remove: () => project.remove(),
  };
}
