import type * as Runtime from '../runtime.js';
import { nativeRequire } from './native-require.js';

let cached: typeof Runtime | undefined;

/**
 * Load the guard runtime with Node's own loader, outside Jest's module registry: once per process,
 * in both Jest modes, and able to load ESM-only dependencies (see `native-require.ts`).
 */
export function loadNativeRuntime(): typeof Runtime {
  cached ??= nativeRequire('@proving-ground/test-modes/runtime') as typeof Runtime;
  return cached;
}
