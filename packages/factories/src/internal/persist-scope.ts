import { AsyncLocalStorage } from 'node:async_hooks';
import { memoryAdapter, type PersistenceAdapter } from '../persistence.js';
import type { SqlQueryable } from '../sql-adapter.js';

/** Where `create` goes inside `verifyFactories({ strategy: 'create', into })`, instead of the factories' own stores. */
export interface PersistScope {
  /** Every `sqlAdapter` inserts through this connection (inside a transaction that is rolled back). */
  readonly sql?: SqlQueryable;
  /** Every factory persists into a throwaway in-memory store of its own (made on first use). */
  readonly memory?: Map<string, PersistenceAdapter<unknown, unknown>>;
}

const kStorage = Symbol.for('@proving-ground/factories/persist-scope');

function storage(): AsyncLocalStorage<PersistScope> {
  const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<PersistScope> | undefined>;
  let store = holder[kStorage];
  if (store === undefined) {
    store = new AsyncLocalStorage<PersistScope>();
    Object.defineProperty(holder, kStorage, { value: store, configurable: true, enumerable: false });
  }
  return store;
}

/** The persistence scope of the current async context, if any. */
export function persistScope(): PersistScope | undefined {
  return storage().getStore();
}

/** Run `fn` with `scope` in force (across `await`). */
export function runInPersistScope<R>(scope: PersistScope, fn: () => R): R {
  return storage().run(scope, fn);
}

/** The adapter a factory persists through in the current scope: a throwaway memory store, or its own. */
export function scopedAdapter(
  factory: string,
  own: PersistenceAdapter<unknown, unknown> | undefined,
): PersistenceAdapter<unknown, unknown> | undefined {
  const memory = persistScope()?.memory;
  if (memory === undefined) return own;
  let adapter = memory.get(factory);
  if (adapter === undefined) {
    adapter = memoryAdapter<object>();
    memory.set(factory, adapter);
  }
  return adapter;
}
