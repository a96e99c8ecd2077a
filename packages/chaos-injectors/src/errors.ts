import { ProvingGroundError, errorGuard } from '@proving-ground/kit';

/** Stable codes carried by every {@link ChaosError}. */
export type ChaosErrorCode =
  /** A seed that is not a whole number or a non-empty string. */
  | 'CHAOS_INVALID_SEED'
  /** File, descriptor, memory or clock fault options that are wrong: every problem is listed. */
  | 'CHAOS_INVALID_RESOURCE_FAULT'
  /** A test ended with a fault it injected still active (the setup entry restored it and failed the test). */
  | 'CHAOS_FAULT_LEFT_ACTIVE'
  /** A real descriptor limit was asked for where `prlimit` (Linux, util-linux) is missing. */
  | 'CHAOS_PRLIMIT_UNAVAILABLE'
  /** `allocateMemory({ targetRss })` did not reach the target within `maxBytes`. */
  | 'CHAOS_MEMORY_TARGET_UNREACHABLE'
  /** `createProxy()` or `setUpstream()` options that are wrong: every problem is listed. */
  | 'CHAOS_INVALID_PROXY_OPTIONS'
  /** The TCP proxy (or the Toxiproxy API) cannot listen: the port is taken. */
  | 'CHAOS_PORT_IN_USE'
  /** An optional peer a feature needs is not installed (`testcontainers`, to stop a container behind the proxy). */
  | 'CHAOS_MISSING_PEER'
  /** A container behind the proxy could not be stopped or started again (no container runtime, a removed container). */
  | 'CHAOS_CONTAINER_FAILED'
  /** A toxic type that does not exist (the valid ones are listed). */
  | 'CHAOS_UNKNOWN_TOXIC'
  /** A toxic with an unknown attribute (the valid ones are listed), a bad value, stream or toxicity. */
  | 'CHAOS_INVALID_TOXIC'
  /** A toxic of that name is on the proxy already. */
  | 'CHAOS_TOXIC_EXISTS'
  /** No toxic of that name on the proxy. */
  | 'CHAOS_TOXIC_NOT_FOUND'
  /** The proxy was closed, so it cannot be changed any more. */
  | 'CHAOS_PROXY_CLOSED'
  /** A proxy of that name exists already (Toxiproxy API: 409). */
  | 'CHAOS_PROXY_EXISTS'
  /** No proxy of that name (Toxiproxy API: 404). */
  | 'CHAOS_PROXY_NOT_FOUND'
  /** A `toxiproxy.json` file that cannot be read or is not a list of proxies with names and upstreams. */
  | 'CHAOS_INVALID_TOXIPROXY_CONFIG'
  /** An HTTP fault with a bad target, option or schedule: every problem is listed, with "did you mean". */
  | 'CHAOS_INVALID_HTTP_FAULT'
  /** A fault was added to HTTP faults that were closed (`close()`, `await using`, or the end of the test file). */
  | 'CHAOS_HTTP_FAULTS_CLOSED'
  /** `chaosExperiment()`, `toRecoverWithin()` or ledger arguments that are wrong: every problem is listed. */
  | 'CHAOS_INVALID_ASSERTION'
  /** The steady state did not hold before any fault was injected, so the experiment did not run. */
  | 'CHAOS_NOT_STEADY'
  /** The steady-state hypothesis failed under the faults, or did not hold again after the rollback. */
  | 'CHAOS_STEADY_STATE_BROKEN'
  /** An experiment's faults or its own rollback could not be undone (every fault was still restored). */
  | 'CHAOS_ROLLBACK_FAILED'
  /** A ledger found ids that were sent but never stored, stored more than once, or never sent. */
  | 'CHAOS_LEDGER_MISMATCH'
  /** `chaosTest()` was called outside a Jest test file (Jest's `test` global is missing). */
  | 'CHAOS_MISSING_JEST_GLOBALS'
  /** `proving-ground-chaos` flags that are wrong (every problem is listed, with "did you mean"). */
  | 'CHAOS_INVALID_RUNNER_OPTIONS'
  /** The chaos runner could not run Jest, or Jest ended without a report. */
  | 'CHAOS_RUNNER_FAILED';

/**
 * Base class of every error thrown by `@proving-ground/chaos-injectors`. Recognise it with
 * {@link isChaosError}: a test setup can hold two copies of the package.
 *
 * @example
 * try { createRandom(Number.NaN) } catch (error) { if (isChaosError(error)) console.log(error.code) }
 */
export class ChaosError extends ProvingGroundError<ChaosErrorCode> {
  static override readonly packageName: string = 'chaos-injectors';
  static override readonly errorName: string = 'ChaosError';
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/chaos-injectors`.
 *
 * @example
 * if (isChaosError(error) && error.code === 'CHAOS_INVALID_SEED') { ... }
 */
export const isChaosError = errorGuard(ChaosError);
