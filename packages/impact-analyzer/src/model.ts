/**
 * The shapes the parts of the analyzer share: the static graph, the runtime map the recorder and
 * reporter write, the Jest settings both read, and the selection with its reasons.
 *
 * Paths are always relative to the repository root (the git top level), with `/` separators.
 */

/** How a file changed between the base and the head. */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed';

/** One changed file of a change. */
export interface ChangedFile {
  /** The path at the head (for a deleted file, the path it had at the base). */
  path: string;
  status: ChangeStatus;
  /** For a rename: the path at the base. */
  previousPath?: string;
}

/** How a source file refers to another module. */
export type ReferenceKind =
  /** `import x from 'y'`, `import { a } from 'y'`, `import * as n from 'y'`, `import 'y'`. */
  | 'import'
  /** `export { a } from 'y'`, `export * from 'y'`, `export * as n from 'y'`. */
  | 'export-from'
  /** `require('y')`, `require.resolve('y')`. */
  | 'require'
  /** `import('y')`. */
  | 'dynamic-import'
  /** `jest.mock('y')`, `jest.doMock`, `jest.unmock`, `jest.setMock`, `jest.createMockFromModule`, `jest.requireMock`. */
  | 'jest-mock'
  /** `jest.requireActual('y')`. */
  | 'require-actual'
  /** A template literal with expressions (`` require(`./locale/${name}.js`) ``): a glob over the files it can name. */
  | 'pattern';

/** One reference found in a source file. */
export interface ModuleReference {
  /** The literal specifier, or for `pattern` a glob with `*` for each expression (`./locale/*.js`). */
  specifier: string;
  kind: ReferenceKind;
  /** Imported or re-exported names (`default` for a default import), `*` for a namespace or unknown use, undefined for a side-effect import. */
  names?: readonly string[] | '*';
  /** `import type` / `export type ... from`: erased at run time, so never an edge. */
  typeOnly: boolean;
  /** 1-based line of the reference. */
  line: number;
  /** Names the file re-exports from this reference: exported name → name in the referenced module (`*` for `export * as n`); `export * from` leaves it undefined. */
  reexports?: Readonly<Record<string, string>>;
}

/** What a scan of one source file finds; cached by the file's content hash. */
export interface ModuleFacts {
  references: readonly ModuleReference[];
  /** Names the file exports itself (not re-exports); `default` for a default export. */
  exports: readonly string[];
  /** The file is only imports and re-exports (a barrel): no top-level code of its own. */
  barrel: boolean;
  /** The docblock carries `@impact unskippable`. */
  unskippable: boolean;
}

/** Why one file depends on another in the graph. */
export type EdgeKind =
  | ReferenceKind
  /** A sibling `__mocks__/<name>` or a root `__mocks__/<package>` that Jest uses in place of the module. */
  | 'mocks-folder'
  /** A test's snapshot file (`__snapshots__/<test>.snap`). */
  | 'snapshot';

/** One resolved edge of the static graph. */
export interface GraphEdge {
  /** The file that refers. */
  from: string;
  /** The file it reaches (repository-relative), or `npm:<package name>` for an installed package. */
  to: string;
  kind: EdgeKind;
  /** The specifier as written (or how the edge arose, for `mocks-folder` and `snapshot`). */
  specifier: string;
  line: number;
  /** Names used through this edge (see {@link ModuleReference.names}). */
  names?: readonly string[] | '*';
  /** Names re-exported through this edge (see {@link ModuleReference.reexports}). */
  reexports?: Readonly<Record<string, string>>;
  /** How the specifier was resolved: `relative`, `tsconfig-paths`, `moduleNameMapper`, `workspace-package`, `node_modules`, `base-revision` (the target exists only at the base). */
  via: 'relative' | 'tsconfig-paths' | 'moduleNameMapper' | 'workspace-package' | 'node_modules' | 'base-revision' | 'jest';
}

/** The Jest settings of one project that the analyzer needs, absolute paths made repository-relative. */
export interface JestProjectSettings {
  /** The project's display name, or its root folder. */
  name: string;
  rootDir: string;
  roots: readonly string[];
  testMatch: readonly string[];
  testRegex: readonly string[];
  testPathIgnorePatterns: readonly string[];
  moduleFileExtensions: readonly string[];
  /** Regexes of paths Jest's haste map leaves out (never tests, never resolved), tested like {@link testPathIgnorePatterns}. */
  modulePathIgnorePatterns?: readonly string[];
  /** `[regex source, replacement or replacements]` in Jest's order. */
  moduleNameMapper: readonly (readonly [string, string | readonly string[]])[];
  moduleDirectories: readonly string[];
  modulePaths: readonly string[];
  /** Files whose change runs every test of the project: setup files, global setup and teardown, environment, transforms, resolver, snapshot resolver and serializers, sequencer, runner (those inside the repository). */
  configFiles: readonly string[];
}

/** The Jest configuration of a repository as the analyzer sees it. */
export interface JestSettings {
  /** The configuration files themselves (`jest.config.*`, or `package.json` when it holds `jest`). */
  configFiles: readonly string[];
  projects: readonly JestProjectSettings[];
}

/** What one test file did in a recorded run. */
export interface TestRecord {
  /** ISO time the record was made. */
  recordedAt: string;
  /** The commit checked out when it was recorded (undefined outside git). */
  commit?: string;
  durationMs: number;
  status: 'passed' | 'failed' | 'skipped';
  /** Modules the test file loaded, repository-relative, outside `node_modules`. */
  modules: readonly string[];
  /** Files read with `fs` (fixtures, cassettes, snapshots), repository-relative. */
  reads: readonly string[];
  /** Folders listed with `fs.readdir`/`opendir`/glob, repository-relative (`.` for the root). */
  directories: readonly string[];
  /** Environment variables the test file read. */
  env: readonly string[];
  /** Installed packages the test file loaded, by name, with the version it loaded. */
  packages: Readonly<Record<string, string>>;
  /** Optional function-level coverage: for each file, the ids of the functions the test ran. */
  functions?: Readonly<Record<string, readonly string[]>>;
}

/** The variant of a run a map was recorded in: a map from another variant is stale. */
export interface RunVariant {
  /** `process.version`. */
  node: string;
  /** The IANA time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), or `TZ` when set. */
  timeZone: string;
  platform: string;
}

/** The map file (`.impact-analyzer/map.json`): what each test loaded and read, with content hashes. */
export interface ImpactMap {
  version: 1;
  /** ISO time of the newest recording merged in. */
  updatedAt: string;
  /** The commit of the newest full (or merged-to-full) recording. */
  commit?: string;
  variant: RunVariant;
  /** Every test file known to the recording run, so a test missing here is new. */
  knownTests: readonly string[];
  tests: Readonly<Record<string, TestRecord>>;
  /** Content hash (sha1 hex) of every file a record names, at the time it was recorded. */
  hashes: Readonly<Record<string, string>>;
  /** The Jest settings the recording ran with. */
  jest?: JestSettings;
}

/** Why a test was selected, skipped, or why everything runs. */
export type ReasonCode =
  /** A changed file reaches the test through the static graph. */
  | 'static-dependency'
  /** The test loaded or read a changed file in the recorded run. */
  | 'runtime-dependency'
  /** The test read a folder where a file was added or removed. */
  | 'directory-listing'
  /** The test read an environment variable that a changed `.env` file sets. */
  | 'environment-variable'
  /** The test loaded an installed package whose version changed. */
  | 'package-changed'
  /** The test ran a function whose body changed (function-level coverage). */
  | 'function-changed'
  /** The test file itself changed or is new. */
  | 'test-changed'
  | 'new-test'
  /** It failed in the last recorded run or in flaky-detector's history. */
  | 'failed-last-time'
  /** It matches a user `include` glob. */
  | 'include-glob'
  /** Its docblock says `@impact unskippable`. */
  | 'unskippable'
  /** No changed file reaches it (a skipped test). */
  | 'not-affected'
  /** Everything runs: a Jest config, setup file, transform, tsconfig or Babel config changed. */
  | 'config-changed'
  /** Everything runs: a lockfile or manifest changed in a way the map cannot narrow. */
  | 'dependencies-unknown'
  /** Everything runs: a changed file matches a user `runAllOn` glob. */
  | 'trigger-glob'
  /** Everything runs: a commit message carries `[impact:all]`. */
  | 'commit-tag'
  /** Everything runs: there is no merge base, or the clone is shallow. */
  | 'no-merge-base'
  /** Everything runs: the map is missing, unreadable, too many commits behind, or from another Node or time zone. */
  | 'stale-map'
  /** Everything runs: a changed file neither the graph nor the map can place. */
  | 'unclassified-file';

/** One reason, with what it rests on. */
export interface Reason {
  code: ReasonCode;
  /** The reason in one sentence. */
  message: string;
  /** The changed file it comes from, if any. */
  changedFile?: string;
  /** The chain from the changed file to the test, changed file first, test last. */
  chain?: readonly string[];
  /** How each link of {@link chain} is made: `steps[i]` is how `chain[i + 1]` refers to `chain[i]` (shown by `why`). */
  steps?: readonly ChainStep[];
}

/** How one file of a reason's chain refers to the file before it. */
export interface ChainStep {
  kind: EdgeKind;
  /** The specifier as written (`./a`), or how the edge arose. */
  specifier: string;
}

/** The decision for one test file. */
export interface TestDecision {
  path: string;
  selected: boolean;
  reasons: readonly Reason[];
  /** Predicted likelihood of failing for this change, 0 to 1 (selected tests only). */
  failureScore?: number;
  /** Recorded duration, when known. */
  durationMs?: number;
}

/** The outcome of {@link selectTests}. */
export interface Selection {
  /** The resolved base commit. */
  base: string;
  /** The resolved head commit, or `working-tree`. */
  head: string;
  changes: readonly ChangedFile[];
  /** True when every test runs; the reasons say why. */
  runAll: boolean;
  runAllReasons: readonly Reason[];
  /** Every known test file with its decision; selected ones first, in predicted failure order. */
  tests: readonly TestDecision[];
  /** The selected test files, repository-relative, in predicted failure order. */
  selected: readonly string[];
  /** Milliseconds the analysis took. */
  elapsedMs: number;
}

/** Options of {@link selectTests}. */
export interface SelectOptions {
  /** A folder inside the repository (default: the current folder). */
  cwd?: string;
  /** The revision to compare against (default `HEAD`); the merge base of it and the head is used. */
  base?: string;
  /** The revision with the change (default: the working tree, staged, unstaged and untracked files included). */
  head?: string;
  /** The map file (default `.impact-analyzer/map.json` at the repository root). */
  map?: string;
  /** The Jest config file, as `jest --config` takes it (default: Jest's own lookup). */
  jestConfig?: string;
  /** Globs of changed files that run everything (Jest's missing `forceRerunTriggers`). */
  runAllOn?: readonly string[];
  /** Globs of test files that always run. */
  include?: readonly string[];
  /** A map more commits behind the base than this is stale and everything runs (default 50). */
  maxStaleCommits?: number;
  /** flaky-detector's history store for "failed last time" (default `.flaky-detector/history.sqlite` when it exists; `false` to ignore it). */
  history?: string | false;
}

/** The selection file `select --out` writes, read by the `--filter` module, the sequencer and the reporter's shadow check. */
export interface SelectionFile extends Selection {
  version: 1;
  /** Absolute path of the repository root the paths are relative to. */
  root: string;
}
