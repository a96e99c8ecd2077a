import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestProject, testModule, type JestProject } from './jest-project.js';

/**
 * Another library's setup file that attaches a jest-circus handler the pre-kit way (a setter on the
 * handler slot, keeping any earlier setter), writing a marker per finished test.
 */
function otherSetup(): void {
  const { appendFileSync } = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const slot = Symbol.for('EVENT_HANDLERS');
  const handler = (event: { name: string; test?: { name: string } }): void => {
    if (event.name === 'test_done') appendFileSync(path.join(__dirname, 'marker.txt'), `done:${event.test?.name}\n`);
  };
  const existing = holder[slot];
  if (Array.isArray(existing)) existing.unshift(handler);
  else {
    const previous = Object.getOwnPropertyDescriptor(holder, slot);
    Object.defineProperty(holder, slot, {
      configurable: true,
      enumerable: false,
      get: () => undefined,
      set: (value: unknown) => {
        Object.defineProperty(holder, slot, { value, writable: true, configurable: true, enumerable: false });
        previous?.set?.call(holder, value);
        const list = holder[slot];
        if (Array.isArray(list)) list.unshift(handler);
      },
    });
  }
}

/** One plain test and one live test. */
function plainAndLiveTests(): void {
  const { test } = require('@jest/globals') as typeof import('@jest/globals');
  const { live } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  test('plain test', () => undefined);
  live.test('live test', () => undefined);
}

describe('test-modes jest-circus handlers next to another setup file', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject({ 'other-setup.js': testModule(otherSetup), 'chain.test.js': testModule(plainAndLiveTests) });
  });
  afterAll(() => project.remove());

  it.each([
    ['before', `['<rootDir>/other-setup.js', '@proving-ground/test-modes/setup']`],
    ['after', `['@proving-ground/test-modes/setup', '<rootDir>/other-setup.js']`],
  ])('should keep both handlers running when the other setup file is listed %s test-modes', async (_order, setupFiles) => {
    // Arrange
    project.write('jest.config.js', `module.exports = { testEnvironment: 'node', setupFiles: ${setupFiles} };`);
    project.delete('marker.txt');

    // Act
    const run = await project.run({ env: { TEST_MODE: 'live_smoke' } });

    // Assert: test-modes' handler skipped the unmarked test; the other handler saw every test end.
    const marker = join(project.dir, 'marker.txt');
    expect(run.tests.map((test) => [test.title, test.status])).toEqual([
      [expect.stringContaining('plain test'), 'pending'],
      ['live test', 'passed'],
    ]);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toContain('done:live test');
  });
});
