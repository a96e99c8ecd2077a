import { relative, sep } from 'node:path';
import type { Faker } from '@faker-js/faker';
import { faker as englishFaker } from '@faker-js/faker/locale/en';
import { SEED_ENV, SeededRandom, deriveSeed, hashString, parseRunSeed } from './seed.js';

/** The default pinned reference date of faker's relative dates (`faker.date.past()` and friends). */
export const DEFAULT_REF_DATE = '2025-01-01T00:00:00.000Z';

/** The part of Jest's `expect` this package reads. */
interface ExpectLike {
  getState(): { currentTestName?: string | undefined; testPath?: string | undefined };
}

/** Per test file state, kept on the file's global object so every copy of the package shares it. */
export interface ScopeState {
  runSeed: number;
  seedSource: 'default' | 'env' | 'random';
  refDate: Date;
  faker: Faker;
  random: SeededRandom;
  /** The key of the current scope: a test's full name, or a hook's describe path, or the file. */
  scope: string;
  /** The current test's full name, when a test runs. */
  testName: string | undefined;
  testPath: string | undefined;
  scopeSeed: number;
  counters: Map<string, number>;
  /** Whether a factory built anything in the current test (so a failure prints the replay line). */
  used: boolean;
  /** Set once the setup entry tracks tests through jest-circus events. */
  tracked: boolean;
  sequences: Map<string, { next: number; used: Set<unknown> }>;
  scopes: Map<string, Map<string, number>>;
}

const kState = Symbol.for('@proving-ground/factories/state');
const FILE_SCOPE = 'file';

function createFaker(random: SeededRandom, refDate: Date): Faker {
  // The class and definitions of the English build: importing '@faker-js/faker' itself would load every locale.
  const FakerClass = englishFaker.constructor as new (options: { locale: unknown; randomizer: SeededRandom }) => Faker;
  const faker = new FakerClass({ locale: englishFaker.rawDefinitions, randomizer: random });
  faker.setDefaultRefDate(refDate);
  return faker;
}

/**
 * The factories' state of the current test file (created on first use).
 *
 * @example
 * const { runSeed } = scopeState()
 */
export function scopeState(): ScopeState {
  const holder = globalThis as unknown as Record<symbol, ScopeState | undefined>;
  let state = holder[kState];
  if (state === undefined) {
    const { seed, source } = parseRunSeed(process.env[SEED_ENV]);
    const random = new SeededRandom(seed);
    const refDate = new Date(DEFAULT_REF_DATE);
    state = {
      runSeed: seed,
      seedSource: source,
      refDate,
      faker: createFaker(random, refDate),
      random,
      scope: FILE_SCOPE,
      testName: undefined,
      testPath: undefined,
      scopeSeed: 0,
      counters: new Map(),
      used: false,
      tracked: false,
      sequences: new Map(),
      scopes: new Map(),
    };
    Object.defineProperty(holder, kState, { value: state, configurable: true, enumerable: false, writable: true });
    enterScope(state, FILE_SCOPE, undefined);
  }
  if (!state.tracked) followExpectState(state);
  return state;
}

function relativeTestPath(testPath: string | undefined): string {
  if (testPath === undefined) return '';
  return relative(process.cwd(), testPath).split(sep).join('/');
}

/**
 * Enter a scope: a test (its builds count from 0 again, so a retry rebuilds the same data) or a hook
 * or the file (their counts continue). Seeds derive from (run seed, test file, scope).
 */
export function enterScope(state: ScopeState, scope: string, testName: string | undefined): void {
  state.scope = scope;
  state.testName = testName;
  let counters = state.scopes.get(scope);
  if (counters === undefined || testName !== undefined) {
    counters = new Map();
    state.scopes.set(scope, counters);
  }
  state.counters = counters;
  state.used = false;
  state.scopeSeed = deriveSeed(deriveSeed(state.runSeed, hashString(relativeTestPath(state.testPath))), hashString(stableTestName(scope)));
  state.faker.setDefaultRefDate(state.refDate);
}

/** Without the setup entry, follow the test Jest's `expect` reports (when Jest injected it). */
function followExpectState(state: ScopeState): void {
  const expectGlobal = (globalThis as Record<string, unknown>)['expect'] as ExpectLike | undefined;
  if (expectGlobal === undefined || typeof expectGlobal.getState !== 'function') return;
  const { currentTestName, testPath } = expectGlobal.getState();
  if (testPath !== undefined) state.testPath = testPath;
  if (currentTestName !== state.testName) {
    enterScope(state, currentTestName === undefined ? FILE_SCOPE : `test:${currentTestName}`, currentTestName);
  }
}

/**
 * The seed of the next top-level build of `factoryName` in the current scope, counting the build.
 *
 * @example
 * const seed = nextBuildSeed('user') // (run seed, test file, test name, 'user', build index)
 */
export function nextBuildSeed(factoryName: string, factoryKey: number): number {
  const state = scopeState();
  const index = state.counters.get(factoryName) ?? 0;
  state.counters.set(factoryName, index + 1);
  state.used = true;
  return deriveSeed(deriveSeed(state.scopeSeed, factoryKey), index);
}

// @fast-check/jest appends the property's seed to the test name: it is not part of the test's identity.
const PROPERTY_SEED_SUFFIX = / \(with seed=(-?\d+)\)$/;

/** A test's name without what changes from run to run (the seed @fast-check/jest appends). */
export function stableTestName(name: string): string {
  return name.replace(PROPERTY_SEED_SUFFIX, '');
}

function escapeForJest(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "'\\''");
}

/**
 * The one line that replays the current test's data: the run seed and how to run just this test
 * (with Jest's `--seed` too for a `@fast-check/jest` property, whose seed comes from Jest's).
 *
 * @example
 * console.log(replayLine()) // FACTORIES_SEED=20260101 npx jest src/orders.test.ts -t '^orders should total$'
 */
export function replayLine(state: ScopeState = scopeState()): string {
  const path = relativeTestPath(state.testPath);
  const name = state.testName;
  let filter = '';
  if (name !== undefined) {
    const propertySeed = PROPERTY_SEED_SUFFIX.exec(name)?.[1];
    filter =
      propertySeed === undefined
        ? ` -t '^${escapeForJest(name)}$'`
        : ` -t '^${escapeForJest(stableTestName(name))} \\(with seed=' --seed=${propertySeed}`;
  }
  return `${SEED_ENV}=${state.runSeed} npx jest${path === '' ? '' : ` ${path}`}${filter}`;
}
