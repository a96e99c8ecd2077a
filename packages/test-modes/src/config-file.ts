import { existsSync, readFileSync } from 'node:fs';
import { checks, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { dirname, join, resolve } from 'node:path';
import { TestModesError } from './errors.js';
import { describeInvalidAllowedHost, type AllowedHost } from './host-policy.js';
import { nativeRequire } from '@proving-ground/kit';
import { MODES, RECORD_POLICIES, type Mode, type RecordPolicy } from './mode.js';

/** The options of `test-modes.config.{ts,js,json}`. Every option is optional. */
export interface TestModesConfig {
  /** Mode when `TEST_MODE` is unset. Default `mock`. */
  defaultMode?: Mode;
  /** Record policy when `TEST_RECORD` is unset. Default `none`. */
  defaultRecord?: RecordPolicy;
  /** Hosts reachable in `mock` and `golden` besides loopback: `api.internal`, `*.internal`, `db:5432`, or a RegExp. */
  allowHosts?: AllowedHost[];
  /** Let connections to loopback (127.0.0.0/8, ::1, localhost) through in `mock` and `golden`. Default `true`; `false` makes every connection need an `allowHosts` entry. */
  allowLoopback?: boolean;
  /** Print the mode and record policy once at the start of a run. Default `true`. */
  banner?: boolean;
  /** Fail a test whose code attempted a blocked connection, even if the code swallowed the error. Default `true`. */
  failOnBlockedConnection?: boolean;
}

/** A config file that was found and validated. */
export interface LoadedConfig {
  config: TestModesConfig;
  /** Absolute path of the file, or undefined when no file exists. */
  file: string | undefined;
}

/** File names searched, in order, from the starting folder up to the file system root. */
export const CONFIG_FILE_NAMES = [
  'test-modes.config.ts',
  'test-modes.config.mts',
  'test-modes.config.cts',
  'test-modes.config.js',
  'test-modes.config.mjs',
  'test-modes.config.cjs',
  'test-modes.config.json',
] as const;

/** Set this variable to a path to use that config file instead of searching. */
export const CONFIG_PATH_ENV = 'TEST_MODES_CONFIG';

const OPTIONS: Record<keyof TestModesConfig, OptionCheck> = {
  defaultMode: (value) =>
    typeof value === 'string' && (MODES as readonly string[]).includes(value)
      ? undefined
      : `expected one of ${MODES.join(', ')}, got ${JSON.stringify(value)}`,
  defaultRecord: (value) =>
    typeof value === 'string' && (RECORD_POLICIES as readonly string[]).includes(value)
      ? undefined
      : `expected one of ${RECORD_POLICIES.join(', ')}, got ${JSON.stringify(value)}`,
  allowHosts: (value) => {
    if (!Array.isArray(value)) return `expected an array of host names, got ${typeof value}`;
    const problems = value.flatMap((entry: unknown, index) => {
      const problem = describeInvalidAllowedHost(entry);
      return problem === undefined ? [] : [`[${index}]: ${problem}`];
    });
    return problems.length === 0 ? undefined : problems.join('; ');
  },
  allowLoopback: checks.boolean(),
  banner: checks.boolean(),
  failOnBlockedConnection: checks.boolean(),
};

/**
 * Check a config object as a whole and report every problem at once, by option name.
 *
 * @param value - the config file's export
 * @param file - the file's path, named in the error
 * @throws TestModesError `TEST_MODES_INVALID_CONFIG` listing each problem
 * @example
 * validateConfig({ allowHosts: ['api.internal'] }, 'test-modes.config.json')
 */
export function validateConfig(value: unknown, file: string): TestModesConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TestModesError('TEST_MODES_INVALID_CONFIG', {
      action: `load ${file}`,
      reason: `the file must export an object of options, got ${Array.isArray(value) ? 'an array' : typeof value}`,
      fix: 'Export an object such as { "allowHosts": [] }.',
    });
  }
  const problems = listOptionProblems(value, OPTIONS);
  if (problems.length > 0) {
    throw new TestModesError('TEST_MODES_INVALID_CONFIG', {
      action: `load ${file}`,
      reason: `${problems.length} invalid option${problems.length === 1 ? '' : 's'}`,
      details: problems,
      fix: 'Fix the options named above; see docs/test-modes.md for each option.',
    });
  }
  return value;
}

function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readConfigFile(file: string): unknown {
  if (file.endsWith('.json')) {
    const text = readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new TestModesError(
        'TEST_MODES_INVALID_CONFIG',
        {
          action: `load ${file}`,
          reason: `the file is not valid JSON (${(error as Error).message})`,
          fix: 'Fix the syntax; nothing was changed.',
        },
        { cause: error },
      );
    }
  }
  try {
    // Node's own require, not Jest's: loads ESM (.mjs, type: module) and, on Node >= 22.18,
    // TypeScript with erasable syntax, without a Jest transform.
    const loaded = nativeRequire(file);
    const asModule = loaded as { default?: unknown };
    return typeof loaded === 'object' && loaded !== null && 'default' in asModule ? asModule.default : loaded;
  } catch (error) {
    const esmInCommonJs =
      /\.(ts|js)$/.test(file) && /Unexpected token 'export'|Cannot use import statement/.test(String((error as Error).message));
    const hint = esmInCommonJs
      ? ` The file uses ESM syntax in a CommonJS package: rename it to ${file.replace(/\.(ts|js)$/, (ext) => (ext === '.ts' ? '.mts' : '.mjs'))}, or set "type": "module" in package.json.`
      : '';
    throw new TestModesError(
      'TEST_MODES_INVALID_CONFIG',
      {
        action: `load ${file}`,
        reason: `${(error as Error).message}.${hint}`,
        fix: 'Fix the file so that it loads, and export the options object as its default export.',
      },
      { cause: error },
    );
  }
}

/**
 * Find and validate the config file: `TEST_MODES_CONFIG` if set, else the nearest
 * `test-modes.config.{ts,js,mjs,cjs,json}` from `cwd` upwards. No file means an empty config.
 *
 * @throws TestModesError `TEST_MODES_INVALID_CONFIG` with every problem at once
 * @example
 * const { config, file } = loadConfig()
 */
export function loadConfig(options: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const explicit = env[CONFIG_PATH_ENV];
  let file: string | undefined;
  if (explicit !== undefined && explicit.trim() !== '') {
    file = resolve(options.cwd ?? process.cwd(), explicit);
    if (!existsSync(file)) {
      throw new TestModesError('TEST_MODES_INVALID_CONFIG', {
        action: `load ${file}`,
        reason: `${CONFIG_PATH_ENV} names a file that does not exist`,
        fix: `Fix the path or unset ${CONFIG_PATH_ENV}.`,
      });
    }
  } else {
    file = findConfigFile(options.cwd ?? process.cwd());
  }
  if (file === undefined) return { config: {}, file: undefined };
  return { config: validateConfig(readConfigFile(file), file), file };
}

/**
 * Type the options of a `test-modes.config.ts` file.
 *
 * @example
 * export default defineConfig({ allowHosts: ['*.internal'] })
 */
export function defineConfig(config: TestModesConfig): TestModesConfig {
  return config;
}
