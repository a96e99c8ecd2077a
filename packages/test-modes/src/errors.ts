import { ProvingGroundError, errorGuard } from '@proving-ground/kit';

/**
 * Stable codes carried by every {@link TestModesError}.
 *
 * @example
 * if (isTestModesError(error) && error.code === 'TEST_MODES_NETWORK_BLOCKED') { ... }
 */
export type TestModesErrorCode =
  | 'TEST_MODES_INVALID_MODE'
  | 'TEST_MODES_INVALID_RECORD_POLICY'
  | 'TEST_MODES_RECORDING_IN_CI'
  | 'TEST_MODES_RECORDING_NEEDS_LIVE_SMOKE'
  | 'TEST_MODES_NETWORK_BLOCKED'
  | 'TEST_MODES_INVALID_CONFIG'
  | 'TEST_MODES_NO_MODE_BRANCH'
  | 'TEST_MODES_MISSING_JEST_GLOBALS'
  | 'TEST_MODES_MISSING_GUARD_RUNTIME'
  | 'TEST_MODES_INVALID_SERVICE'
  | 'TEST_MODES_SERVICE_UNAVAILABLE'
  | 'TEST_MODES_MISSING_PEER';

/**
 * Base class of every error thrown by `@proving-ground/test-modes`: a stable `code`, and a message
 * `[test-modes] Failed to <action>: <reason>. <fix>` (the prefix is added here; URL passwords are masked).
 *
 * Recognise it with {@link isTestModesError} rather than `instanceof`: a test setup can hold two
 * copies of the package (and the network guard runs outside Jest's module registry).
 *
 * @example
 * try { resolveModeSettings(process.env) } catch (error) { if (isTestModesError(error)) console.log(error.code) }
 */
export class TestModesError extends ProvingGroundError<TestModesErrorCode> {
  static override readonly packageName: string = 'test-modes';
  static override readonly errorName: string = 'TestModesError';
}

/**
 * The error a test fails with when the network guard blocks a real outbound connection.
 *
 * @example
 * await expect(fetch('https://example.com')).rejects.toMatchObject({ cause: { code: 'TEST_MODES_NETWORK_BLOCKED' } })
 */
export class NetworkBlockedError extends TestModesError {
  /** `GET`, `POST`, ... for HTTP requests; `TCP` or `TLS` for raw sockets. */
  readonly method: string;
  /** The full URL for HTTP requests, `host:port` for raw sockets. */
  readonly target: string;

  constructor(method: string, target: string, message: string, options?: { cause?: unknown }) {
    super('TEST_MODES_NETWORK_BLOCKED', message, options);
    this.name = 'NetworkBlockedError';
    this.method = method;
    this.target = target;
  }
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/test-modes`.
 *
 * @example
 * if (isTestModesError(error) && error.code === 'TEST_MODES_NETWORK_BLOCKED') { ... }
 */
export const isTestModesError = errorGuard(TestModesError);
