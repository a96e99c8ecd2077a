import type { ReasonCode } from '../../src/model.js';

/** Jest options of one config file of a fixture, before the analyzer's recorder and reporter are added. */
export type FixtureJestConfig = Record<string, unknown>;

/** The commit a case makes on top of its base: what a developer pushed. */
export interface FixtureChange {
  /** Files written (added or modified), by path inside the fixture. */
  write?: Readonly<Record<string, string>>;
  /** Files deleted. */
  delete?: readonly string[];
  /** Files moved, old path to new path (git records them as renames). */
  rename?: Readonly<Record<string, string>>;
  /** Jest config files rewritten, by path (the recorder and reporter are added as at the base). */
  jestConfigs?: Readonly<Record<string, FixtureJestConfig>>;
  /** The commit message (default: the case title). */
  message?: string;
}

/**
 * One failure mode of Jest's `--changedSince` as a tiny git repository: the files of the base
 * commit, and a change that breaks at least one test in a way a module graph alone does not see.
 */
export interface SafetyCase {
  /** Number and short name, used as the row of the safety table (`01-deleted-file`). */
  id: string;
  /** The failure mode in a few words. */
  title: string;
  /** Files of the base commit, by path inside the fixture (`package.json` included when the case needs its own). */
  files: Readonly<Record<string, string>>;
  /** Jest config files by path (`jest.config.js` at least): the harness adds the recorder to each and the reporter to the root one. */
  jestConfigs: Readonly<Record<string, FixtureJestConfig>>;
  /** Symbolic links made after the files are written, link path to target path (npm workspaces' `node_modules/<name>`). */
  links?: Readonly<Record<string, string>>;
  change: FixtureChange;
  /** A reason the analyzer must give beyond selecting the broken tests: on a test's decision, or with `test: 'runAll'` among the reasons to run everything. */
  mustCite?: { test: string; code: ReasonCode; onlyWithMap?: boolean };
}
