import { AsyncLocalStorage } from 'node:async_hooks';
import type { CassetteSession } from '../cassette-session.js';

/** What every copy of this package in one realm must share. */
interface SharedState {
  /** The cassette of the code running now (a test, or a `withCassette` callback). */
  scope: AsyncLocalStorage<CassetteSession>;
  active: Set<CassetteSession>;
  removeHandler: (() => void) | undefined;
  /** Origins aliased with `aliasOrigin`. */
  aliases: Map<string, string>;
}

const kState = Symbol.for('@proving-ground/cassettes/state');

/**
 * The state of this package in the current realm, shared by its CommonJS and ESM builds: a setup
 * file loaded with `require` and an ESM test file's `import` get two copies of the package, which
 * must see the same sessions and aliases.
 */
export function sharedState(): SharedState {
  const holder = globalThis as unknown as Record<symbol, SharedState | undefined>;
  holder[kState] ??= { scope: new AsyncLocalStorage(), active: new Set(), removeHandler: undefined, aliases: new Map() };
  return holder[kState];
}
