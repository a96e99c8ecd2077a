import { checks, countProblems, firstLine, listOptionProblems, maskUrlCredentials } from '@proving-ground/kit';
import { FactoriesError, isFactoriesError } from './errors.js';
import type { AnyFactory, FactoryName } from './factory/types.js';
import { runInPersistScope } from './internal/persist-scope.js';
import { factoryNamed, factoryRegistry } from './internal/registry.js';
import type { SqlQueryable } from './sql-adapter.js';

/**
 * One factory and trait combination that failed to build or create.
 *
 * @example
 * for (const { factory, traits, message } of report.failures) console.log(factory, traits, message)
 */
export interface VerifyFailure {
  /** The factory's name. */
  readonly factory: string;
  /** The traits applied (empty: the plain factory). */
  readonly traits: readonly string[];
  /** Why it failed (schema problems, a builder that threw, a row the store refused, ...). */
  readonly message: string;
  /** The error itself. */
  readonly error: unknown;
}

/**
 * What {@link verifyFactories} checked.
 *
 * @example
 * const { checked, failures } = verifyFactories({ throwOnFailure: false })
 */
export interface VerifyReport {
  /** `build` or `create`. */
  readonly strategy: 'build' | 'create';
  /** How many factory and trait combinations were built or created. */
  readonly checked: number;
  /** Every combination that failed. */
  readonly failures: readonly VerifyFailure[];
  /** Parameterized traits left out (they need a parameter), as `factory.trait`. */
  readonly skipped: readonly string[];
  /** With `strategy: 'create'`: factories without an adapter, which were built instead. */
  readonly builtOnly: readonly string[];
}

/**
 * Options of {@link verifyFactories}.
 *
 * @example
 * verifyFactories({ factories: [User, 'order'], maxCombinationTraits: 4 })
 */
export interface VerifyOptions {
  /**
   * The factories to check: the factories themselves, or names of factories defined in this test
   * file (typed once registered in `FactoryRegistry`). Default: every factory defined.
   */
  // FactoryName is `never` until a project registers its factories.
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  factories?: ReadonlyArray<AnyFactory | FactoryName>;
  /** Above this many plain traits, check each trait alone and each pair instead of every combination. Default 8. */
  maxCombinationTraits?: number;
  /** Throw `FACTORIES_INVALID_FACTORIES` listing every failure (default true), or just return the report. */
  throwOnFailure?: boolean;
  /** `build` (default): build every combination, synchronously. */
  strategy?: 'build';
}

/**
 * Options of {@link verifyFactories} with `strategy: 'create'`.
 *
 * @example
 * await verifyFactories({ strategy: 'create', into: pool, factories: [User] })
 */
export interface VerifyCreateOptions extends Omit<VerifyOptions, 'strategy'> {
  /** Create every combination (parents, the object, its children, `afterCreate` hooks). */
  strategy: 'create';
  /**
   * Where the rows go:
   * - `'adapters'` (default): each factory's own adapter; the rows stay.
   * - `'memory'`: every factory (with or without an adapter) persists into a throwaway in-memory store.
   * - a PostgreSQL connection (a `pg` Client, a `pg` Pool, of which one client is checked out, or
   *   PGlite): every `sqlAdapter` inserts through it inside ONE transaction that is rolled back at the
   *   end, each combination in a savepoint of its own (so a refused row does not spoil the next).
   *   Adapters that are not `sqlAdapter` still write to their own store.
   */
  into?: 'adapters' | 'memory' | SqlQueryable;
}

interface Job {
  readonly factory: AnyFactory;
  readonly traits: string[];
}

interface Plan {
  readonly jobs: Job[];
  readonly skipped: string[];
}

const DEFAULT_MAX_TRAITS = 8;

function combinations(names: readonly string[], max: number): string[][] {
  if (names.length <= max) {
    const all: string[][] = [];
    for (let mask = 0; mask < 1 << names.length; mask++) all.push(names.filter((_, index) => (mask & (1 << index)) !== 0));
    return all;
  }
  const some: string[][] = [[]];
  names.forEach((first, index) => {
    some.push([first]);
    for (const second of names.slice(index + 1)) some.push([first, second]);
  });
  return some;
}

function resolveFactories(list: ReadonlyArray<AnyFactory | string> | undefined): AnyFactory[] {
  if (list === undefined) return [...factoryRegistry<AnyFactory>().values()];
  return list.map((item) => (typeof item === 'string' ? factoryNamed<AnyFactory>(item, 'verify factories') : item));
}

function checkOptions(options: VerifyOptions | VerifyCreateOptions): void {
  const { strategy } = options;
  const problems = listOptionProblems(options, {
    factories: () => undefined,
    maxCombinationTraits: checks.integer(0, 16),
    throwOnFailure: checks.boolean(),
    strategy: checks.oneOf(['build', 'create']),
    into: () => undefined,
  });
  const into = (options as VerifyCreateOptions).into;
  if (into !== undefined) {
    if (strategy !== 'create') problems.push('- into: only with strategy: "create".');
    else if (into !== 'adapters' && into !== 'memory' && typeof (into as Partial<SqlQueryable>).query !== 'function')
      problems.push(
        `- into: expected "adapters", "memory" or a database with query(), got ${typeof into === 'object' ? 'an object without query()' : JSON.stringify(into)}.`,
      );
  }
  if (problems.length > 0) {
    throw new FactoriesError('FACTORIES_INVALID_OPTIONS', {
      action: 'verify factories',
      reason: `${countProblems(problems)} in the options`,
      details: problems,
      fix: 'Fix the options passed to verifyFactories().',
    });
  }
}

function planJobs(options: VerifyOptions | VerifyCreateOptions): Plan {
  const jobs: Job[] = [];
  const skipped: string[] = [];
  for (const factory of resolveFactories(options.factories)) {
    const plain: string[] = [];
    for (const name of factory.traitNames()) {
      if (factory.definition.traits.get(name)?.fn === undefined) plain.push(name);
      else skipped.push(`${factory.name}.${name}`);
    }
    for (const traits of combinations(plain, options.maxCombinationTraits ?? DEFAULT_MAX_TRAITS)) jobs.push({ factory, traits });
  }
  return { jobs, skipped };
}

function failureOf(job: Job, error: unknown): VerifyFailure {
  return { factory: job.factory.name, traits: job.traits, message: error instanceof Error ? error.message : String(error), error };
}

/** A dependency cycle fails every combination of the factory the same way: report it once. */
const endsFactory = (error: unknown): boolean => isFactoriesError(error) && error.code === 'FACTORIES_DEPENDENCY_CYCLE';

function finish(report: VerifyReport, options: VerifyOptions | VerifyCreateOptions): VerifyReport {
  if (report.failures.length > 0 && options.throwOnFailure !== false) {
    const lines = report.failures.map(
      (failure) => `  - ${failure.factory}${failure.traits.length > 0 ? ` with ${failure.traits.join(' + ')}` : ''}: ${failure.message}`,
    );
    throw new FactoriesError(
      'FACTORIES_INVALID_FACTORIES',
      `Failed to verify factories: ${report.failures.length} of ${report.checked} factory and trait combinations are invalid when ${report.strategy === 'build' ? 'built' : 'created'}:\n${lines.join('\n')}\nFix each factory or trait named above.`,
    );
  }
  return report;
}

interface PoolLike extends SqlQueryable {
  connect(): Promise<SqlQueryable & { release(): void }>;
  readonly totalCount: number;
}

const isPool = (db: SqlQueryable): db is PoolLike =>
  typeof (db as Partial<PoolLike>).connect === 'function' && typeof (db as Partial<PoolLike>).totalCount === 'number';

/** Where a `pg` Pool or Client connects, as a URL without its password (undefined for PGlite or an unknown client). */
function databaseTarget(db: SqlQueryable, error: unknown): string | undefined {
  type Params = { connectionString?: unknown; host?: unknown; port?: unknown; database?: unknown; user?: unknown };
  const params: Params | undefined = (db as { options?: Params }).options ?? (db as { connectionParameters?: Params }).connectionParameters;
  if (typeof params?.connectionString === 'string' && params.connectionString !== '') return maskUrlCredentials(params.connectionString);
  const failed = (error instanceof AggregateError ? error.errors[0] : error) as { address?: unknown; port?: unknown } | undefined;
  const host = typeof params?.host === 'string' ? params.host : typeof failed?.address === 'string' ? failed.address : undefined;
  const rawPort = params?.port ?? failed?.port;
  const port = typeof rawPort === 'number' || typeof rawPort === 'string' ? `:${rawPort}` : '';
  if (host === undefined) return undefined;
  const user = typeof params?.user === 'string' && params.user !== '' ? `${params.user}@` : '';
  const database = typeof params?.database === 'string' ? `/${params.database}` : '';
  return `postgres://${user}${host.includes(':') ? `[${host}]` : host}${port}${database}`;
}

/** The error for a database `verifyFactories({ into })` could not open a transaction on, the original kept as `cause`. */
function unreachable(db: SqlQueryable, error: unknown): FactoriesError {
  const target = databaseTarget(db, error);
  return new FactoriesError(
    'FACTORIES_DATABASE_UNREACHABLE',
    {
      action: `verify factories by creating them in ${target === undefined ? 'the database passed as into' : `the database at ${target}`}`,
      reason: `could not open a transaction there: ${firstLine(error) || (error as { code?: string }).code || 'the connection failed'}`,
      fix: "Start the database, or point the pool at a running one (check its connection string or DATABASE_URL); to check the factories without a database, pass into: 'memory'.",
    },
    { cause: error },
  );
}

async function inRolledBackTransaction<R>(db: SqlQueryable, run: (connection: SqlQueryable) => Promise<R>): Promise<R> {
  // A pool hands each query to any connection: a transaction needs one connection for all of them.
  let client: (SqlQueryable & { release(): void }) | undefined;
  try {
    client = isPool(db) ? await db.connect() : undefined;
  } catch (error) {
    throw unreachable(db, error);
  }
  const connection = client ?? db;
  try {
    try {
      await connection.query('BEGIN');
    } catch (error) {
      throw unreachable(db, error);
    }
    try {
      return await run(connection);
    } finally {
      await connection.query('ROLLBACK');
    }
  } finally {
    client?.release();
  }
}

async function verifyByCreating(options: VerifyCreateOptions, plan: Plan): Promise<VerifyReport> {
  const into = options.into ?? 'adapters';
  const failures: VerifyFailure[] = [];
  const builtOnly = new Set<string>();
  let checked = 0;
  const runJobs = async (around: (attempt: () => Promise<void>) => Promise<void>): Promise<void> => {
    let stopped: AnyFactory | undefined;
    for (const job of plan.jobs) {
      if (job.factory === stopped) continue;
      checked++;
      const createsRows = into === 'memory' || job.factory.definition.adapter !== undefined;
      if (!createsRows) builtOnly.add(job.factory.name);
      try {
        await around(async () => {
          if (createsRows) await job.factory.create(undefined, { traits: job.traits });
          else job.factory.build(undefined, { traits: job.traits });
        });
      } catch (error) {
        failures.push(failureOf(job, error));
        if (endsFactory(error)) stopped = job.factory;
      }
    }
  };
  if (into === 'adapters') await runJobs((attempt) => attempt());
  else if (into === 'memory') await runInPersistScope({ memory: new Map() }, () => runJobs((attempt) => attempt()));
  else {
    await inRolledBackTransaction(into, (connection) =>
      runInPersistScope({ sql: connection }, () =>
        runJobs(async (attempt) => {
          await connection.query('SAVEPOINT factories_verify');
          try {
            await attempt();
          } finally {
            await connection.query('ROLLBACK TO SAVEPOINT factories_verify');
          }
        }),
      ),
    );
  }
  return finish({ strategy: 'create', checked, failures, skipped: plan.skipped, builtOnly: [...builtOnly] }, options);
}

/**
 * factory_bot's lint: build (or create) every factory with every combination of its plain traits and
 * report each one that fails: a schema violation, a builder that throws, a cycle, and with
 * `strategy: 'create'` a row the store refuses or an `afterCreate` hook that throws. Throws
 * `FACTORIES_INVALID_FACTORIES` listing all of them, unless `throwOnFailure: false`.
 *
 * @param options - which factories, the combination limit, whether to throw; `strategy: 'create'`
 *   (returns a promise) and `into`: the factories' adapters, a throwaway memory store, or a
 *   PostgreSQL connection whose transaction is rolled back
 * @returns the report (when nothing failed, or with `throwOnFailure: false`)
 * @example
 * it('should build every factory and trait validly', () => { verifyFactories() })
 * it('should create every factory and trait validly', async () => {
 *   await verifyFactories({ strategy: 'create', into: pool }) // nothing stays in the database
 * })
 */
export function verifyFactories(options?: VerifyOptions): VerifyReport;
export function verifyFactories(options: VerifyCreateOptions): Promise<VerifyReport>;
export function verifyFactories(options: VerifyOptions | VerifyCreateOptions = {}): VerifyReport | Promise<VerifyReport> {
  checkOptions(options);
  const plan = planJobs(options);
  if (options.strategy === 'create') return verifyByCreating(options, plan);
  const failures: VerifyFailure[] = [];
  let checked = 0;
  let stopped: AnyFactory | undefined;
  for (const job of plan.jobs) {
    if (job.factory === stopped) continue;
    checked++;
    try {
      job.factory.build(undefined, { traits: job.traits });
    } catch (error) {
      failures.push(failureOf(job, error));
      if (endsFactory(error)) stopped = job.factory;
    }
  }
  return finish({ strategy: 'build', checked, failures, skipped: plan.skipped, builtOnly: [] }, options);
}
