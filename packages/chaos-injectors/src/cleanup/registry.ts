import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { createRandom, SEED_ENV, type Random } from '../random.js';

/** One line of a test's fault timeline. */
export interface TimelineEntry {
  /** Milliseconds since the test (or the test file, outside a test) started, on the monotonic clock. */
  at: number;
  /** What happened to the fault. */
  event: 'injected' | 'fired' | 'restored' | 'left active';
  /** The fault family: `fs`, `descriptors`, `memory`, `clock`, `tcp`, ... */
  kind: string;
  /** What the fault acts on, in words: `EIO on write /tmp/exports/**`. */
  target: string;
  /** The seed its random stream came from. */
  seed: string;
  /** What fired, for `fired` entries: `write '/tmp/exports/a.csv'`. */
  detail?: string;
}

/** What a fault tells the registry when it is injected. */
export interface FaultRegistration {
  /** The fault family (`fs`, `clock`, ...). */
  kind: string;
  /** What the fault acts on, in words. */
  target: string;
  /** Undo the fault. Called once, by `restore()`, `await using`, or the setup entry after the test. */
  restore(): void | Promise<void>;
}

/**
 * A registered fault: `await using`-disposable, restored at most once, recorded in the timeline.
 *
 * @example
 * await using fault = injectFsFault({ path: '/tmp/out/**', error: 'EIO' })
 */
export interface FaultHandle extends AsyncDisposable {
  readonly kind: string;
  readonly target: string;
  /** The seed of the registry when the fault was injected (replay with `CHAOS_SEED=<seed>`). */
  readonly seed: string;
  /** True until the fault is restored. */
  readonly active: boolean;
  /** The test that injected it (its full name), or undefined outside a test. */
  readonly test: string | undefined;
  /** Undo the fault (again is a no-op). */
  restore(): Promise<void>;
  /** Add a `fired` entry to the timeline (the first 50 per fault; later ones are counted). */
  record(detail: string): void;
}

/** @internal The test a fault belongs to, as the setup entry tracks it. */
export interface TestScope {
  name: string;
  path: string | undefined;
  ended: boolean;
  used: boolean;
  started: number;
  /** The seed of this test when it is one seed of a sweep (`chaosTest()`), else the file's. */
  seed?: string;
  /** The name its random streams are keyed on when it differs from `name` (a sweep's `name [seed 7]` keys on `name`). */
  key?: string;
}

interface FaultRecord {
  handle: FaultHandle;
  scope: TestScope | undefined;
}

interface RegistryState {
  readonly version: 1;
  seed: string;
  faults: Set<FaultRecord>;
  timeline: TimelineEntry[];
  origin: number;
  current: TestScope | undefined;
  storage: AsyncLocalStorage<TestScope>;
  labels: Map<string, number>;
}

const kRegistry = Symbol.for('@proving-ground/chaos-injectors/registry@1');
const MAX_FIRED_ENTRIES = 50;

/**
 * @internal The registry of this test file (one per realm, shared by every bundled copy of the
 * package: the setup entry and the main entry are separate builds, in ESM and CommonJS).
 */
export function registryState(): RegistryState {
  const holder = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  let state = holder[kRegistry];
  if (state === undefined) {
    state = {
      version: 1,
      seed: createRandom().seed,
      faults: new Set(),
      timeline: [],
      origin: performance.now(),
      current: undefined,
      storage: new AsyncLocalStorage(),
      labels: new Map(),
    };
    Object.defineProperty(holder, kRegistry, { value: state, configurable: true, enumerable: false });
  }
  return state;
}

/** The test running in this async context (concurrent tests each keep their own), else the current one. */
function currentScope(state: RegistryState): TestScope | undefined {
  return state.storage.getStore() ?? state.current;
}

function elapsed(state: RegistryState, scope: TestScope | undefined): number {
  return Math.round(performance.now() - (scope?.started ?? state.origin));
}

/** @internal The test running now (in this async context), as the setup entry tracks it. */
export function currentTest(): TestScope | undefined {
  return currentScope(registryState());
}

/**
 * The seed the faults of the current test draw from: the seed of its sweep when it is one seed of a
 * `chaosTest()` sweep, else `CHAOS_SEED` when set, else one made for the test file.
 *
 * @example
 * console.log(`replay with CHAOS_SEED=${chaosSeed()}`)
 */
export function chaosSeed(): string {
  const state = registryState();
  return currentScope(state)?.seed ?? state.seed;
}

/**
 * A random stream for one fault: from the seed, the current test's name and `label`, so a test
 * replayed alone with `-t` rolls the same numbers, and adding a fault never changes another's rolls.
 *
 * @example
 * const random = faultRandom('fs:EIO'); if (random.chance(0.3)) ...
 */
export function faultRandom(label: string): Random {
  const state = registryState();
  const scope = currentScope(state);
  const seed = scope?.seed ?? state.seed;
  const key = `${seed}\u0000${scope?.name ?? ''}\u0000${label}`;
  const count = (state.labels.get(key) ?? 0) + 1;
  state.labels.set(key, count);
  return createRandom(seed)
    .fork(scope?.key ?? scope?.name ?? '(file)')
    .fork(`${label}#${count}`);
}

/**
 * Record a fault: it joins the active faults and the timeline, and the setup entry restores it after
 * the test (failing the test that left it active). Every fault of this package registers itself;
 * call it for a fault of your own to get the same guarantee.
 *
 * @example
 * const handle = registerFault({ kind: 'flag', target: 'payments off', restore: () => flags.reset() })
 * await handle.restore()
 */
export function registerFault(registration: FaultRegistration): FaultHandle {
  const state = registryState();
  const scope = currentScope(state);
  let active = true;
  let fired = 0;
  let restoring: Promise<void> | undefined;
  const seed = scope?.seed ?? state.seed;
  const entry = (event: TimelineEntry['event'], detail?: string): void => {
    const line: TimelineEntry = { at: elapsed(state, scope), event, kind: registration.kind, target: registration.target, seed };
    if (detail !== undefined) line.detail = detail;
    state.timeline.push(line);
  };
  const record: FaultRecord = { scope, handle: undefined as unknown as FaultHandle };
  const restore = (): Promise<void> => {
    if (restoring !== undefined) return restoring;
    active = false;
    state.faults.delete(record);
    restoring = (async () => {
      try {
        await registration.restore();
      } finally {
        if (fired > MAX_FIRED_ENTRIES) entry('fired', `${fired - MAX_FIRED_ENTRIES} more times`);
        entry('restored');
      }
    })();
    return restoring;
  };
  const handle: FaultHandle = {
    kind: registration.kind,
    target: registration.target,
    seed,
    test: scope?.name,
    get active() {
      return active;
    },
    restore,
    record: (detail) => {
      fired++;
      if (fired <= MAX_FIRED_ENTRIES) entry('fired', detail);
    },
    [Symbol.asyncDispose]: restore,
  };
  record.handle = handle;
  if (scope !== undefined) scope.used = true;
  state.faults.add(record);
  entry('injected');
  if (scope?.ended === true) {
    // A test that timed out keeps running in the background: what it injects now is undone at once.
    entry('fired', 'injected after its test ended (did the test time out?); restored at once');
    void restore().catch(() => undefined);
  }
  return handle;
}

/**
 * The faults not restored yet, oldest first.
 *
 * @example
 * expect(activeFaults()).toEqual([])
 */
export function activeFaults(): FaultHandle[] {
  return [...registryState().faults].map((record) => record.handle);
}

/**
 * The timeline of this test file so far (the setup entry starts a new one for each test).
 *
 * @example
 * console.log(formatTimeline(faultTimeline()))
 */
export function faultTimeline(): TimelineEntry[] {
  return [...registryState().timeline];
}

/**
 * Restore every active fault (or those `which` selects), newest first, and return them. A fault whose
 * restore throws is still removed; the first error is thrown after every fault was restored.
 *
 * @example
 * afterEach(() => restoreFaults())
 */
export async function restoreFaults(which: (fault: FaultHandle) => boolean = () => true): Promise<FaultHandle[]> {
  const chosen = activeFaults().filter(which).reverse();
  const errors: unknown[] = [];
  for (const fault of chosen) {
    try {
      await fault.restore();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
  return chosen;
}

/** @internal The faults a test (or, with undefined, the file outside any test) injected and left active. */
export function faultsOf(scope: TestScope | undefined): FaultHandle[] {
  return [...registryState().faults].filter((record) => record.scope === scope).map((record) => record.handle);
}

/**
 * The timeline as text, one entry a line, as printed under a failing test.
 *
 * @example
 * formatTimeline(faultTimeline())
 * // '  +0ms injected fs EIO on write /tmp/out/**\n  +3ms fired fs: EIO on write '/tmp/out/a.csv''
 */
export function formatTimeline(timeline: readonly TimelineEntry[]): string {
  return timeline
    .map((entry) =>
      entry.event === 'fired'
        ? `  +${entry.at}ms fired ${entry.kind}: ${entry.detail ?? ''}`
        : `  +${entry.at}ms ${entry.event} ${entry.kind} ${entry.target}`,
    )
    .join('\n');
}

/** The environment variable name and the seed (the current test's, or `seed`), for a replay line. */
export function seedAssignment(seed: string = chaosSeed()): string {
  return `${SEED_ENV}=${seed}`;
}
