import { describe, expect, it } from '@jest/globals';
import { isInvokedAs } from './command-line.js';

describe('isInvokedAs', () => {
  it('should take the bin npm links and a built cli.mjs or cli.cjs as the command line', () => {
    expect(
      [
        '/repo/node_modules/.bin/impact-analyzer',
        '/repo/node_modules/@proving-ground/impact-analyzer/dist/cli.mjs',
        '/repo/packages/flaky-detector/dist/cli.cjs',
      ].map((script) => isInvokedAs(script, 'impact-analyzer')),
    ).toEqual([true, true, true]);
  });

  it('should not run a command line that is only imported (by Jest, a script, -e)', () => {
    expect(
      ['/repo/node_modules/jest/bin/jest.js', '/repo/scripts/impact-shadow.mjs', undefined].map((script) =>
        isInvokedAs(script, 'impact-analyzer'),
      ),
    ).toEqual([false, false, false]);
  });
});
