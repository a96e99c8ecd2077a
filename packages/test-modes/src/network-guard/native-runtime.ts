import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestModesError } from '../errors.js';
import { nativeRequire } from '@proving-ground/kit';
import type * as Runtime from './runtime.js';

let cached: typeof Runtime | undefined;

/**
 * Where the built runtime (`dist/runtime.cjs`, built from `./runtime.ts`) is: beside this code in
 * `dist/` (built chunks sit at its top level), or in `dist/` when this code runs from
 * `src/network-guard/` (the package's own tests).
 */
function runtimePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'runtime.cjs'), join(here, '..', '..', 'dist', 'runtime.cjs')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new TestModesError('TEST_MODES_MISSING_GUARD_RUNTIME', {
      action: 'load the network guard',
      reason: `runtime.cjs is not in ${candidates.join(' or ')}`,
      fix: 'Reinstall the package (or build it with npm run build).',
    });
  }
  return found;
}

/**
 * Load the guard runtime with Node's own loader, outside Jest's module registry: once per process,
 * in both Jest modes, and able to load ESM-only dependencies (see the kit's `native-require.ts`). It
 * is not a public entry point: Jest's own `require` cannot load it in CommonJS mode.
 */
export function loadNativeRuntime(): typeof Runtime {
  cached ??= nativeRequire(runtimePath()) as typeof Runtime;
  return cached;
}
