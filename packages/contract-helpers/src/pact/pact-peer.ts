import { createRequire } from 'node:module';
import { firstLine } from '@proving-ground/kit';
import { ContractError } from '../errors.js';
import { defaultEnvironmentVariable } from '../internal/real-process.js';

/** The pact-core handle of a consumer pact, as far as this package uses it. */
export interface PactHandle {
  pactffiCreateMockServerForTransport(address: string, transport: string, config: string, port?: number): number;
  mockServerMismatches(port: number): PactMatchingResult[];
  mockServerMatchedSuccessfully(port: number): boolean;
  cleanupMockServer(port: number): boolean;
  cleanupPlugins?(): void;
  writePactFile(dir: string, merge?: boolean): void;
}

/** One entry of the mock server's mismatch report. */
export interface PactMatchingResult {
  type: string;
  method?: string;
  path?: string;
  request?: unknown;
  mismatches?: Array<{
    type: string;
    path?: string;
    expected?: unknown;
    actual?: unknown;
    mismatch?: string;
    key?: string;
    parameter?: string;
  }>;
}

/** The parts of `@pact-foundation/pact` this package drives. */
export interface PactModule {
  PactV4: new (options: Record<string, unknown>) => { addInteraction(): unknown; pact?: PactHandle };
  Verifier: new (options: Record<string, unknown>) => { verifyProvider(): Promise<unknown> };
}

let loaded: PactModule | undefined;

/**
 * Pact's native core reports usage to a remote host unless `PACT_DO_NOT_TRACK` is set in the real
 * environment (it reads it with `getenv`, so Jest's per-file copy of `process.env` is not enough);
 * tests stay on this machine. A value the user set, `false` included, is kept.
 */
export function disablePactTracking(): void {
  defaultEnvironmentVariable('PACT_DO_NOT_TRACK', 'true');
}

function missingPeer(error: unknown): ContractError {
  const missing =
    (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes('@pact-foundation/pact');
  return new ContractError(
    'CONTRACT_MISSING_PEER',
    missing
      ? {
          action: 'load @pact-foundation/pact',
          reason: 'it is not installed',
          fix: 'It is an optional peer of @proving-ground/contract-helpers: `npm install --save-dev @pact-foundation/pact`.',
        }
      : {
          action: 'load @pact-foundation/pact',
          reason: firstLine(error),
          fix: 'Check that its native core for this platform is installed (npm installs it as an optional dependency).',
        },
    { cause: error },
  );
}

/** Where `@pact-foundation/pact-core` (the verifier a child process runs) is, resolved through `@pact-foundation/pact`. */
export function resolvePactCore(): string {
  try {
    const pactEntry = createRequire(import.meta.url).resolve('@pact-foundation/pact');
    return createRequire(pactEntry).resolve('@pact-foundation/pact-core');
  } catch (error) {
    throw missingPeer(error);
  }
}

/**
 * `@pact-foundation/pact`, loaded on first use (it costs ~330 ms and a native library), with a
 * clear error when the optional peer is not installed.
 */
export function loadPact(): PactModule {
  if (loaded !== undefined) return loaded;
  disablePactTracking();
  try {
    loaded = createRequire(import.meta.url)('@pact-foundation/pact') as PactModule;
  } catch (error) {
    throw missingPeer(error);
  }
  return loaded;
}
