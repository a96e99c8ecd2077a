import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestProject, type JestProject } from './jest-project.js';

/**
 * Another package's setup file that attaches a jest-circus handler the way @proving-ground/factories
 * does (a setter on the handler slot, keeping any earlier setter), writing a marker per finished test.
 */
const OTHER_SETUP = `
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');
const slot = Symbol.for('EVENT_HANDLERS');
const handler = (event) => {
  if (event.name === 'test_done') appendFileSync(join(__dirname, 'marker.txt'), 'done:' + event.test.name + '\\n');
};
const existing = globalThis[slot];
if (Array.isArray(existing)) existing.unshift(handler);
else {
  const previous = Object.getOwnPropertyDescriptor(globalThis, slot);
  Object.defineProperty(globalThis, slot, {
    configurable: true,
    enumerable: false,
    get: () => undefined,
    set: (value) => {
      Object.defineProperty(globalThis, slot, { value, writable: true, configurable: true, enumerable: false });
      if (previous && previous.set) previous.set.call(globalThis, value);
      const list = globalThis[slot];
      if (Array.isArray(list)) list.unshift(handler);
    },
  });
}
`;

const TESTS = `
const { live } = require('@proving-ground/test-modes');
test('plain test', () => {});
live.test('live test', () => {});
`;

describe('test-modes jest-circus handlers next to another setup file', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject({ 'other-setup.js': OTHER_SETUP, 'chain.test.js': TESTS });
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
