import { describe, expect, it } from '@jest/globals';
import { isTestModesError } from './errors.js';
import { onlyIn } from './live.js';
import type { Mode } from './mode.js';

function thrownBy(action: () => unknown): { code?: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isTestModesError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a TestModesError, but nothing was thrown');
}

describe('onlyIn', () => {
  it('should refuse a value that is not a mode, with the nearest mode', () => {
    const error = thrownBy(() => onlyIn('golen' as Mode));

    expect(error).toEqual({
      code: 'TEST_MODES_INVALID_MODE',
      message:
        '[test-modes] Failed to scope tests with onlyIn(): "golen" is not a mode. Did you mean "golden"? Use one of "mock", "golden" and "live_smoke".',
    });
  });

  it("should say what to do when Jest's globals are missing", () => {
    // Arrange
    const holder = globalThis as unknown as Record<string, unknown>;
    const injected = holder['describe'];
    delete holder['describe'];

    // Act
    let error: { code?: string; message: string };
    try {
      error = thrownBy(() => onlyIn('mock').describe('a suite', () => undefined));
    } finally {
      holder['describe'] = injected;
    }

    // Assert
    expect(error).toEqual({
      code: 'TEST_MODES_MISSING_JEST_GLOBALS',
      message:
        '[test-modes] Failed to declare a mode-scoped describe: Jest\'s global "describe" is missing. Call it from a Jest test file with injectGlobals left on.',
    });
  });
});
