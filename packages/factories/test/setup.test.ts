import { afterAll, describe, expect, it } from '@jest/globals';
import { createJestProject } from './jest-project.js';

// A setup file that waits for jest-circus's handler slot the way @proving-ground/test-modes does.
const OTHER_SETUP = `
const slot = Symbol.for('EVENT_HANDLERS');
const seen = [];
Object.defineProperty(globalThis, slot, {
  configurable: true,
  get: () => undefined,
  set: (value) => {
    Object.defineProperty(globalThis, slot, { value, writable: true, configurable: true });
    value.unshift((event) => {
      if (event.name === 'test_start') seen.push(event.test.name);
      if (event.name === 'run_finish') require('node:fs').writeFileSync(require('node:path').join(process.env.OUT_DIR, 'other.json'), JSON.stringify(seen));
    });
  },
});
`;

const TEST = `
const { defineFactory } = require('@proving-ground/factories');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const User = defineFactory('user').attr('name', ({ faker }) => faker.person.fullName());
test('builds', () => {
  writeFileSync(join(process.env.OUT_DIR, 'user.json'), JSON.stringify(User.build()));
  expect(true).toBe(false);
});
`;

const project = createJestProject({
  'other-setup.js': OTHER_SETUP,
  'user.test.js': TEST,
  'jest.config.js': `module.exports = { testEnvironment: 'node', transform: {}, setupFiles: ['./other-setup.js', '@proving-ground/factories/setup'] };`,
});

afterAll(() => project.remove());

describe('the setup entry', () => {
  it("should keep another setup file's jest-circus handlers working and add the replay line", async () => {
    const run = await project.run();

    expect(run.outputs['other.json']).toEqual(['builds']);
    expect(run.tests[0]!.failureMessages.join('\n')).toContain("FACTORIES_SEED=20260101 npx jest user.test.js -t '^builds$'");
  });

  it('should be optional: without it seeds follow the test Jest reports, and no replay line is added', async () => {
    const withSetup = await project.run();
    project.write('jest.config.js', `module.exports = { testEnvironment: 'node', transform: {} };`);

    const withoutSetup = await project.run();

    expect(withoutSetup.outputs['user.json']).toEqual(withSetup.outputs['user.json']);
    expect(withoutSetup.tests[0]!.failureMessages.join('\n')).not.toContain('FACTORIES_SEED');
  });
});
