import { checks, countProblems, describeOptionValue, firstLine, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { FactoriesError } from './errors.js';
import { persistScope } from './internal/persist-scope.js';
import type { PersistContext, PersistenceAdapter } from './persistence.js';

/**
 * Anything with `query(text, params)` resolving to `{ rows }`: a `pg` `Pool` or `Client`, a PGlite
 * instance, or a transaction of either. Typed structurally, so neither package is needed for types.
 *
 * @example
 * const db: SqlQueryable = new pg.Pool({ connectionString }) // or a Client, or PGlite
 */
export interface SqlQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Options of {@link sqlAdapter}.
 *
 * @example
 * sqlAdapter(pool, { table: 'app.users', columns: { fullName: 'name' }, omit: ['age'], batchSize: 500 })
 */
export interface SqlAdapterOptions {
  /** The table, optionally schema-qualified (`"app.users"`). */
  table: string;
  /** How field names map to columns: `snake_case` (default: `tenantId` → `tenant_id`), `as-is`, or an explicit map (others snake_case). */
  columns?: 'snake_case' | 'as-is' | Readonly<Record<string, string>>;
  /** How returned columns map back to fields: `camelCase` (default; columns of an explicit `columns` map go back to their field) or `as-is`. */
  returning?: 'camelCase' | 'as-is';
  /** Fields that are never inserted (for example computed ones). */
  omit?: readonly string[];
  /** The most rows one INSERT carries (PostgreSQL allows 65535 parameters a statement). Default 1000. */
  batchSize?: number;
}

const COLUMN_STYLES = ['snake_case', 'as-is'] as const;

const columnsCheck: OptionCheck = (value) => {
  if (typeof value === 'string') return checks.oneOf(COLUMN_STYLES)(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const bad = Object.entries(value).filter(([, column]) => typeof column !== 'string' || column === '');
    return bad.length === 0
      ? undefined
      : `expected a map of field names to column names, got ${bad.map(([field, column]) => `${field}: ${describeOptionValue(column)}`).join(', ')}`;
  }
  return `expected "snake_case", "as-is" or a map of field names to column names, got ${describeOptionValue(value)}`;
};

const SQL_ADAPTER_CHECKS: Readonly<Record<keyof SqlAdapterOptions, OptionCheck>> = {
  table: (value) =>
    typeof value === 'string' && value.trim() !== '' ? undefined : `expected a table name, got ${describeOptionValue(value)}`,
  columns: columnsCheck,
  returning: checks.oneOf(['camelCase', 'as-is']),
  omit: (value) =>
    Array.isArray(value) && value.every((field) => typeof field === 'string')
      ? undefined
      : `expected an array of field names, got ${describeOptionValue(value)}`,
  batchSize: checks.integer(1),
};

/** Every problem of the options of {@link sqlAdapter} at once, unknown names with "did you mean". */
function checkSqlAdapterOptions(options: SqlAdapterOptions): void {
  const given: object = typeof options === 'object' && options !== null ? options : {};
  const problems = listOptionProblems(given, SQL_ADAPTER_CHECKS);
  if ((given as Partial<SqlAdapterOptions>).table === undefined) problems.unshift('- table: required: the table to insert into.');
  if (problems.length > 0) {
    throw new FactoriesError('FACTORIES_INVALID_OPTIONS', {
      action: 'create a SQL adapter',
      reason: `${countProblems(problems)} in the options`,
      details: problems,
      fix: "Fix the options passed to sqlAdapter(db, { table: 'users' }).",
    });
  }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A persistence adapter that INSERTs into a PostgreSQL table through a `pg` pool or PGlite and
 * returns the stored row (`RETURNING *`, so database defaults such as ids and timestamps come back).
 * `createList` sends ONE multi-row INSERT (in chunks of `batchSize`); fields left `undefined` get the
 * column's DEFAULT.
 *
 * @param db - a `pg` Pool/Client, a PGlite instance, or a function returning one (resolved at insert time)
 * @param options - the table and the column mapping
 * @example
 * const User = defineFactory('user').attr('email', sequence((n) => `u${n}@x.test`))
 *   .persistWith(sqlAdapter<{ id: number; email: string }>(pool, { table: 'users' }))
 */
export function sqlAdapter<Created = Record<string, unknown>, Row extends object = Record<string, unknown>>(
  db: SqlQueryable | (() => SqlQueryable),
  options: SqlAdapterOptions,
): PersistenceAdapter<Row, Created> {
  checkSqlAdapterOptions(options);
  const batchSize = options.batchSize ?? 1000;
  const table = options.table.split('.').map(quoteIdentifier).join('.');
  const omitted = new Set(options.omit ?? []);
  const columnMap = options.columns ?? 'snake_case';
  const column = (field: string): string =>
    columnMap === 'as-is' ? field : typeof columnMap === 'object' ? (columnMap[field] ?? snakeCase(field)) : snakeCase(field);
  // An explicit column map is inverted on the way back: { name: 'full_name' } returns full_name as name.
  const fieldOf = new Map(typeof columnMap === 'object' ? Object.entries(columnMap).map(([field, name]) => [name, field]) : []);
  const mapBack = (row: unknown): Created => {
    if (options.returning === 'as-is' || typeof row !== 'object' || row === null) return row as Created;
    return Object.fromEntries(Object.entries(row).map(([key, value]) => [fieldOf.get(key) ?? camelCase(key), value])) as Created;
  };
  const resolveDb = (): SqlQueryable => (typeof db === 'function' ? db() : db);

  async function insertChunk(rows: readonly Row[], context: PersistContext): Promise<Created[]> {
    const fields: string[] = [];
    for (const row of rows) {
      for (const [field, value] of Object.entries(row)) {
        if (value !== undefined && !omitted.has(field) && !fields.includes(field)) fields.push(field);
      }
    }
    const params: unknown[] = [];
    const tuples = rows.map((row) => {
      const values = fields.map((field) => {
        const value = (row as Record<string, unknown>)[field];
        if (value === undefined) return 'DEFAULT';
        params.push(value);
        return `$${params.length}`;
      });
      return `(${values.join(', ')})`;
    });
    // Rows with no values at all: one statement still (a prepared statement holds one command), every column its DEFAULT.
    const text =
      fields.length === 0
        ? rows.length === 1
          ? `INSERT INTO ${table} DEFAULT VALUES RETURNING *`
          : `INSERT INTO ${table} SELECT FROM generate_series(1, ${rows.length}) RETURNING *`
        : `INSERT INTO ${table} (${fields.map((field) => quoteIdentifier(column(field))).join(', ')}) VALUES ${tuples.join(', ')} RETURNING *`;
    try {
      // Inside verifyFactories({ strategy: 'create', into: db }) every SQL adapter writes into its rolled-back transaction.
      const result = await (persistScope()?.sql ?? resolveDb()).query(text, params);
      return result.rows.map(mapBack);
    } catch (error) {
      const reason = firstLine(error);
      throw new FactoriesError(
        'FACTORIES_PERSIST_FAILED',
        `Failed to insert ${rows.length} "${context.factory}" row${rows.length === 1 ? '' : 's'} into ${options.table}: ${reason}. Check the factory's fields against the table's columns (columns: ${fields.map(column).join(', ') || 'none'}).`,
        { cause: error },
      );
    }
  }

  return {
    async insert(row, context) {
      const [created] = await insertChunk([row], context);
      return created as Created;
    },
    async insertMany(rows, context) {
      const created: Created[] = [];
      for (let start = 0; start < rows.length; start += batchSize)
        created.push(...(await insertChunk(rows.slice(start, start + batchSize), context)));
      return created;
    },
  };
}
