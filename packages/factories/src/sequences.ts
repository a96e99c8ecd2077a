import { checks, countProblems, describeOptionValue, listOptionProblems } from '@proving-ground/kit';
import { FactoriesError } from './errors.js';
import type { AnyFactory, FactoryName } from './factory/types.js';
import { factoryNamed } from './internal/registry.js';
import { replayLine, scopeState, type ScopeState } from './test-scope.js';

/**
 * The environment variable Jest sets to the 1-based id of the worker running a test file.
 *
 * @example
 * process.env[WORKER_ID_ENV] // '2' in Jest's second worker
 */
export const WORKER_ID_ENV = 'JEST_WORKER_ID';

/**
 * How many sequence numbers each Jest worker owns by default (worker 1: 1..1e6, worker 2: 1e6+1.., ...).
 *
 * @example
 * configureFactories({ sequenceBlock: DEFAULT_SEQUENCE_BLOCK * 10 })
 */
export const DEFAULT_SEQUENCE_BLOCK = 1_000_000;

let sequenceBlock = DEFAULT_SEQUENCE_BLOCK;

/**
 * Package-wide settings.
 *
 * @param options - `sequenceBlock`: how many numbers each worker owns; `refDate`: faker's pinned reference date
 * @example
 * configureFactories({ sequenceBlock: 10_000, refDate: '2030-06-01T00:00:00Z' })
 */
export function configureFactories(options: { sequenceBlock?: number; refDate?: string | Date }): void {
  const problems = listOptionProblems(options, {
    sequenceBlock: checks.integer(1),
    refDate: (value) =>
      Number.isNaN(new Date(value as string).getTime())
        ? `expected a date or an ISO date string, got ${describeOptionValue(value)}`
        : undefined,
  });
  if (problems.length > 0) {
    throw new FactoriesError('FACTORIES_INVALID_OPTIONS', {
      action: 'configure factories',
      reason: `${countProblems(problems)} in the options`,
      details: problems,
      fix: 'Fix the options passed to configureFactories().',
    });
  }
  const refDate = options.refDate === undefined ? undefined : new Date(options.refDate);
  if (options.sequenceBlock !== undefined) sequenceBlock = options.sequenceBlock;
  cachedWorkerId = undefined;
  if (refDate !== undefined) {
    const state = scopeState();
    state.refDate = refDate;
    state.faker.setDefaultRefDate(refDate);
  }
}

let cachedWorkerId: number | undefined;

/**
 * The 1-based Jest worker id of this process (1 outside Jest workers), read from `JEST_WORKER_ID`
 * once and again after `resetSequences()`. Outside Jest workers sequences have no block limit.
 *
 * @example
 * workerId() // 2 in Jest's second worker
 */
export function workerId(): number {
  return jestWorker() || 1;
}

/** The Jest worker id, or 0 outside Jest workers (then sequences have no block limit). */
function jestWorker(): number {
  if (cachedWorkerId === undefined) {
    const id = Number(process.env[WORKER_ID_ENV]);
    cachedWorkerId = Number.isInteger(id) && id >= 1 ? id : 0;
  }
  return cachedWorkerId;
}

function entry(state: ScopeState, key: string): { next: number; used: Set<unknown> } {
  let found = state.sequences.get(key);
  if (found === undefined) {
    found = { next: state.sequenceStart ?? 1, used: new Set() };
    state.sequences.set(key, found);
  }
  return found;
}

/** @internal How far into a worker's block an `arbitrary()` sample may start its sequences (half the block, so it has room to count). */
export function sequenceStartSpan(): number {
  return Math.max(1, Math.floor(sequenceBlock / 2));
}

/** @internal The next value of a sequence, skipping values already used (by overrides, too). */
export function sequenceValue(state: ScopeState, key: string, factory: string, field: string, format: (n: number) => unknown): unknown {
  const sequence = entry(state, key);
  const worker = jestWorker();
  const inWorker = worker > 0;
  const offset = inWorker ? (worker - 1) * sequenceBlock : 0;
  for (;;) {
    if (inWorker && sequence.next > sequenceBlock) {
      throw new FactoriesError(
        'FACTORIES_UNIQUE_EXHAUSTED',
        `Failed to build "${factory}": sequence "${field}" used up the ${sequenceBlock} numbers of Jest worker ${workerId()}. Raise configureFactories({ sequenceBlock }) or call resetSequences() between tests.`,
      );
    }
    const value = format(offset + sequence.next++);
    // Generated values only grow; the set holds the values overrides used, which the sequence skips.
    if (sequence.used.size === 0 || !sequence.used.has(value)) return value;
  }
}

/** @internal The next of the cycling values. */
export function cycleValue(state: ScopeState, key: string, factory: string, field: string, values: readonly unknown[]): unknown {
  if (values.length === 0) {
    throw new FactoriesError(
      'FACTORIES_INVALID_DEFINITION',
      `Failed to build "${factory}": cycle() of field "${field}" has no values. Pass at least one value.`,
    );
  }
  const sequence = entry(state, `${key}#cycle`);
  const value = values[(sequence.next - 1) % values.length];
  sequence.next++;
  return value;
}

/** @internal A generated value not used before in this test file (overrides included). */
export function uniqueValue(
  state: ScopeState,
  key: string,
  factory: string,
  field: string,
  attempts: number,
  generate: (attempt: number) => unknown,
): unknown {
  const sequence = entry(state, key);
  const tried: unknown[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = generate(attempt);
    if (!sequence.used.has(value)) {
      sequence.used.add(value);
      return value;
    }
    tried.push(value);
  }
  throw new FactoriesError(
    'FACTORIES_UNIQUE_EXHAUSTED',
    `Failed to build "${factory}": unique field "${field}" produced only values already used in ${attempts} attempts (last: ${JSON.stringify(tried.at(-1))}). Widen the generator (e.g. add a sequence number) or raise unique(..., { attempts }); replay its data with: ${replayLine()}`,
  );
}

/** @internal Record a value given explicitly, so a sequence or unique generator never produces it later. */
export function markUsed(state: ScopeState, factory: string, field: string, value: unknown): void {
  entry(state, `${factory}.${field}`).used.add(value);
}

/**
 * Start sequences, cycles and uniqueness checks again (they also start again in every test file).
 *
 * @param factory - only this factory's: the factory, or its name when registered in `FactoryRegistry`; default: all
 * @example
 * beforeEach(() => resetSequences())
 */
// FactoryName is `never` until a project registers its factories.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export function resetSequences(factory?: AnyFactory | FactoryName): void {
  cachedWorkerId = undefined;
  const state = scopeState();
  if (factory === undefined) {
    state.sequences.clear();
    return;
  }
  const name = typeof factory === 'string' ? factoryNamed(factory, 'reset sequences').name : factory.name;
  const prefix = `${name}.`;
  for (const key of [...state.sequences.keys()]) if (key.startsWith(prefix)) state.sequences.delete(key);
}
