import { cloneData } from './internal/clone.js';
/**
 * What an adapter learns about the rows it persists.
 *
 * @example
 * const adapter: PersistenceAdapter<Row, Row> = { insert: async (row, { factory }) => { log(factory); return row } }
 */
export interface PersistContext {
  /** The name of the factory that built the rows. */
  readonly factory: string;
}

/**
 * Where `create` and `createList` put what a factory built. `Row` is the built object (without its
 * `hasMany` fields, which are created after it), `Created` what the store gives back (for example
 * with a database-assigned id).
 *
 * @example
 * const adapter: PersistenceAdapter<{ name: string }, { id: number; name: string }> = {
 *   async insert(row) { return { id: await nextId(), ...row } },
 * }
 */
export interface PersistenceAdapter<Row, Created> {
  /** Persist one row and return what was stored. */
  insert(row: Row, context: PersistContext): Promise<Created>;
  /** Persist many rows at once (one statement), returning them in the same order. Optional. */
  insertMany?(rows: readonly Row[], context: PersistContext): Promise<Created[]>;
}

/**
 * An in-memory store for `create`, with the rows it holds.
 *
 * @example
 * const users = memoryAdapter(); await User.persistWith(users).create(); users.rows.length // 1
 */
export interface MemoryAdapter<Row, Created> extends PersistenceAdapter<Row, Created> {
  /** What was created so far, in order. */
  readonly rows: readonly Created[];
  /** How many `insert`/`insertMany` calls were made (a batch counts once). */
  readonly calls: number;
  /** Forget every row (ids start again). */
  clear(): void;
}

/**
 * An in-memory persistence adapter, for unit tests that need `create` semantics without a database.
 * `assign` turns a row into the stored object (for example adding an id); `create` gets a copy.
 *
 * @param options - `assign(row, position)`: the created object of a row (default: a copy of the row)
 * @example
 * const users = memoryAdapter({ assign: (row: { name: string }, position) => ({ id: position + 1, ...row }) })
 * const User = defineFactory('user').attr('name', 'Ann').persistWith(users)
 * await User.create() // { id: 1, name: 'Ann' }
 */
export function memoryAdapter<Row extends object, Created = Row>(
  options: { assign?: (row: Row, position: number) => Created } = {},
): MemoryAdapter<Row, Created> {
  const assign = options.assign ?? ((row: Row) => ({ ...row }) as unknown as Created);
  let rows: Created[] = [];
  let calls = 0;
  const store = (row: Row): Created => {
    const created = assign(row, rows.length);
    rows.push(created);
    return created;
  };
  return {
    get rows() {
      return rows;
    },
    get calls() {
      return calls;
    },
    clear() {
      rows = [];
      calls = 0;
    },
    insert(row) {
      calls++;
      return Promise.resolve(cloneData(store(row)));
    },
    insertMany(batch) {
      calls++;
      return Promise.resolve(batch.map((row) => cloneData(store(row))));
    },
  };
}
