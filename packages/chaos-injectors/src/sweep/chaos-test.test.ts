import { describe, expect, it } from '@jest/globals';
import { chaosTest } from './chaos-test.js';

describe('chaosTest', () => {
  it('should refuse to declare a test where Jest has no test global', () => {
    const holder = globalThis as { test?: unknown };
    const jestTest = holder.test;
    delete holder.test;
    let thrown: unknown;
    try {
      chaosTest('orders survive a reset', () => undefined);
    } catch (error) {
      thrown = error;
    } finally {
      holder.test = jestTest;
    }

    expect(thrown).toMatchObject({
      code: 'CHAOS_MISSING_JEST_GLOBALS',
      message:
        '[chaos-injectors] Failed to declare the chaos test "orders survive a reset": Jest\'s global "test" is missing. Call chaosTest() at the top level of a Jest test file, or in a describe block, with injectGlobals left on.',
    });
  });
});
