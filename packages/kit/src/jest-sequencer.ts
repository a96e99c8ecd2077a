import { isModuleNotFound, nativeRequireFromProject } from './native-require.js';

/**
 * Jest's default test sequencer class (`@jest/test-sequencer`), loaded from the project the way
 * Jest itself finds it, for a sequencer that extends it. `onMissing` makes the package's own error
 * when it is not installed; any other failure to load it is thrown as it is.
 *
 * @example
 * const Base = loadJestSequencer<typeof import('@jest/test-sequencer').default>(
 *   (cause) => new FlakyError('FLAKY_INVALID_SEQUENCER_OPTIONS', { action: '...', reason: '...' }, { cause }),
 * );
 */
export function loadJestSequencer<T>(onMissing: (cause: unknown) => Error): T {
  try {
    const loaded = nativeRequireFromProject('@jest/test-sequencer') as { default?: T } & T;
    return loaded.default ?? loaded;
  } catch (error) {
    if (!isModuleNotFound(error, '@jest/test-sequencer')) throw error;
    throw onMissing(error);
  }
}

/** The fix every sequencer's "not installed" error gives. */
export const INSTALL_JEST_SEQUENCER = 'Install it next to jest: npm i -D @jest/test-sequencer@30';
