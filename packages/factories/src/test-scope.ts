import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Faker } from '@faker-js/faker';
import { faker as englishFaker } from '@faker-js/faker/locale/en';
import { SEED_ENV, SeededRandom, deriveSeed, hashString, parseRunSeed } from './seed.js';
import { jestCommand } from '@proving-ground/kit';

/**
 * The default pinned reference date of faker's relative dates (`faker.date.past()` and friends).
 *
 * @example
 * configureFactories({ refDate: DEFAULT_REF_DATE }) // back to the default
 */
export const DEFAULT_REF_DATE = '2025-01-01T00:00:00.000Z';

/** The part of Jest's `expect` state this package reads. */
interface ExpectStateLike {
  currentTestName?: string | undefined;
  testPath?: string | undefined;
  /** Jest 30: the full name of the test whose async context is running (`test.concurrent` included). */
  currentConcurrentTestName?: (() => string | undefined) | undefined;
  /** Jest 30.5: the jest-circus test object whose async context is running (cheaper than its name). */
  currentTestIdentity?: (() => object | undefined) | undefined;
}

interface ExpectLike {
  getState(): ExpectStateLike;
}

/** Where the builds of one test (or of a hook, or of the file outside tests) count and seed from. */
export interface Scope {
  /** The test's full name; undefined for a hook or the file. */
  readonly testName: string | undefined;
  /** (run seed, test file, test or hook) folded into one seed. */
  readonly seed: number;
  /** Builds so far, per factory. */
  readonly counters: Map<string, number>;
  /** Whether a factory built anything in this scope (so a failure prints the replay line). */
  used: boolean;
}

/** Per test file state, kept on the file's global object so every copy of the package shares it. */
export interface ScopeState {
  runSeed: number;
  seedSource: 'default' | 'env' | 'random';
  refDate: Date;
  faker: Faker;
  random: SeededRandom;
  testPath: string | undefined;
  /** The scope of builds made outside any test's async context (hooks, the file, Jest 30.0-30.4 serial tests). */
  current: Scope;
  /** The scope of each running test, by full name: concurrent tests run at the same time, each in its own. */
  tests: Map<string, Scope>;
  /** The same scopes by jest-circus test object, for a cheap lookup on every build. */
  byTest: WeakMap<object, Scope>;
  /** Counters of hooks and of the file: they continue where they stopped each time the hook runs again. */
  hookCounters: Map<string, Map<string, number>>;
  /** Set once the setup entry tracks tests through jest-circus events. */
  tracked: boolean;
  /** Reads Jest's expect state (from the setup event, or the injected `expect` global). */
  expectState: (() => ExpectStateLike) | undefined;
  sequences: Map<string, { next: number; used: Set<unknown> }>;
  /** Where sequences start (default 1): an `arbitrary()` sample counts from a number fast-check drew, so its seed replays it. */
  sequenceStart?: number;
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

function injectedExpect(): (() => ExpectStateLike) | undefined {
  const expectGlobal = (globalThis as Record<string, unknown>)['expect'] as ExpectLike | undefined;
  return expectGlobal !== undefined && typeof expectGlobal.getState === 'function' ? () => expectGlobal.getState() : undefined;
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
      testPath: undefined,
      current: { testName: undefined, seed: 0, counters: new Map(), used: false },
      tests: new Map(),
      byTest: new WeakMap(),
      hookCounters: new Map(),
      tracked: false,
      expectState: injectedExpect(),
      sequences: new Map(),
    };
    Object.defineProperty(holder, kState, { value: state, configurable: true, enumerable: false, writable: true });
    enterHook(state, FILE_SCOPE);
  }
  return state;
}

function relativeTestPath(testPath: string | undefined): string {
  if (testPath === undefined) return '';
  return relative(process.cwd(), testPath).split(sep).join('/');
}

const packageRoots = new Map<string, string>();

/** The folder of the nearest package.json above `directory` (the folder itself when there is none). */
function packageRootOf(directory: string): string {
  const known = packageRoots.get(directory);
  if (known !== undefined) return known;
  let root = directory;
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) {
      root = current;
      break;
    }
    if (dirname(current) === current) break;
  }
  packageRoots.set(directory, root);
  return root;
}

/**
 * The test file as seeds see it: relative to its package's root, so the data does not depend on
 * the folder Jest was started from.
 */
function seedTestPath(testPath: string | undefined): string {
  if (testPath === undefined) return '';
  return relative(packageRootOf(dirname(testPath)), testPath)
    .split(sep)
    .join('/');
}

function scopeSeed(state: ScopeState, key: string): number {
  return deriveSeed(deriveSeed(state.runSeed, hashString(seedTestPath(state.testPath))), hashString(stableTestName(key)));
}

/**
 * Enter a test: its builds count from 0 again (so a retry rebuilds the same data), with seeds from
 * (run seed, test file, test name). The scope is kept by name until {@link leaveTest}, so builds of
 * concurrent tests find their own.
 */
export function enterTest(state: ScopeState, testName: string, test?: object): Scope {
  const scope: Scope = { testName, seed: scopeSeed(state, `test:${testName}`), counters: new Map(), used: false };
  state.tests.set(testName, scope);
  if (test !== undefined) state.byTest.set(test, scope);
  state.current = scope;
  state.faker.setDefaultRefDate(state.refDate);
  return scope;
}

/** Leave a test: forget its scope and return it (to read whether it built anything). */
export function leaveTest(state: ScopeState, testName: string): Scope | undefined {
  const scope = state.tests.get(testName);
  state.tests.delete(testName);
  enterHook(state, FILE_SCOPE);
  return scope;
}

/** Enter a hook (`beforeAll:<describe path>`) or the file: counts continue where they stopped. */
export function enterHook(state: ScopeState, key: string): void {
  let counters = state.hookCounters.get(key);
  if (counters === undefined) {
    counters = new Map();
    state.hookCounters.set(key, counters);
  }
  state.current = { testName: undefined, seed: scopeSeed(state, key), counters, used: false };
  state.faker.setDefaultRefDate(state.refDate);
}

/** The test file's path changed (known only once Jest runs it): seeds of the current scope follow it. */
export function setTestPath(state: ScopeState, testPath: string): void {
  if (testPath === state.testPath) return;
  state.testPath = testPath;
  const current = state.current;
  state.current = { ...current, seed: scopeSeed(state, current.testName === undefined ? FILE_SCOPE : `test:${current.testName}`) };
}

/**
 * The scope builds go to now: the test whose async context is running (Jest 30 tells, for
 * `test.concurrent` too), else the one the setup entry or Jest's `currentTestName` says.
 */
export function activeScope(state: ScopeState = scopeState()): Scope {
  const expectState = state.expectState?.();
  if (expectState === undefined) return state.current;
  if (expectState.testPath !== undefined && !state.tracked) setTestPath(state, expectState.testPath);
  const test = expectState.currentTestIdentity?.();
  const known = test === undefined ? undefined : state.byTest.get(test);
  if (known !== undefined) return known;
  const running = expectState.currentConcurrentTestName?.();
  if (running !== undefined) return state.tests.get(running) ?? enterTestInContext(state, running, test);
  if (state.tracked) return state.current;
  // Without the setup entry: follow the test Jest reports.
  const name = expectState.currentTestName;
  if (name !== state.current.testName) {
    if (name === undefined) enterHook(state, FILE_SCOPE);
    else enterTest(state, name);
  }
  return state.current;
}

/** A test's context runs without a test_start the package saw (no setup entry): start its scope now. */
function enterTestInContext(state: ScopeState, testName: string, test: object | undefined): Scope {
  const previous = state.current;
  const scope = enterTest(state, testName, test);
  if (state.tracked) state.current = previous;
  return scope;
}

/**
 * The seed of the next top-level build of `factoryName` in the current scope, counting the build.
 *
 * @example
 * const seed = nextBuildSeed('user') // (run seed, test file, test name, 'user', build index)
 */
export function nextBuildSeed(factoryName: string, factoryKey: number): number {
  const scope = activeScope(scopeState());
  const index = scope.counters.get(factoryName) ?? 0;
  scope.counters.set(factoryName, index + 1);
  scope.used = true;
  return deriveSeed(deriveSeed(scope.seed, factoryKey), index);
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
 * The one line that replays the data of a test: the run seed and how to run just this test (with
 * Jest's `--seed` too for a `@fast-check/jest` property, whose seed comes from Jest's).
 */
export function replayLineFor(state: Pick<ScopeState, 'runSeed' | 'testPath'>, testName: string | undefined): string {
  const path = relativeTestPath(state.testPath);
  let filter = '';
  if (testName !== undefined) {
    const propertySeed = PROPERTY_SEED_SUFFIX.exec(testName)?.[1];
    filter =
      propertySeed === undefined
        ? ` -t '^${escapeForJest(testName)}$'`
        : ` -t '^${escapeForJest(stableTestName(testName))} \\(with seed=' --seed=${propertySeed}`;
  }
  return `${SEED_ENV}=${state.runSeed} ${jestCommand()}${path === '' ? '' : ` ${path}`}${filter}`;
}

/**
 * The one line that replays the current test's data: the run seed and how to run just this test
 * (with Jest's `--seed` too for a `@fast-check/jest` property, whose seed comes from Jest's).
 *
 * @example
 * console.log(replayLine()) // FACTORIES_SEED=20260101 npx jest src/orders.test.ts -t '^orders should total$'
 */
export function replayLine(): string {
  const state = scopeState();
  return replayLineFor(state, activeScope(state).testName);
}
