import { afterAll, describe, expect, it } from '@jest/globals';
import { createJestProject, jestConfigModule, testModule } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A setup file that waits for jest-circus's handler slot its own way, as setup files written before the kit do. */
function otherSetup(): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const slot = Symbol.for('EVENT_HANDLERS');
  const seen: string[] = [];
  Object.defineProperty(globalThis, slot, {
    configurable: true,
    get: () => undefined,
    set: (value: Array<(event: { name: string; test?: { name: string } }) => void>) => {
      Object.defineProperty(globalThis, slot, { value, writable: true, configurable: true });
      value.unshift((event) => {
        if (event.name === 'test_start') seen.push(event.test!.name);
        if (event.name === 'run_finish') fs.writeFileSync(path.join(process.env['OUT_DIR']!, 'other.json'), JSON.stringify(seen));
      });
    },
  });
}

function userTest(): void {
  const { defineFactory } = require('@proving-ground/factories') as typeof import('@proving-ground/factories');
  const { expect: jestExpect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const User = defineFactory('user').attr('name', ({ faker }) => faker.person.fullName());
  test('builds', () => {
    fs.writeFileSync(path.join(process.env['OUT_DIR']!, 'user.json'), JSON.stringify(User.build()));
    jestExpect(true).toBe(false);
  });
}

// --- The checks ---

const project = createJestProject({
  'other-setup.js': testModule(otherSetup),
  'user.test.js': testModule(userTest),
  'jest.config.js': jestConfigModule({
    testEnvironment: 'node',
    transform: {},
    setupFiles: ['./other-setup.js', '@proving-ground/factories/setup'],
  }),
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
    project.write('jest.config.js', jestConfigModule({ testEnvironment: 'node', transform: {} }));

    const withoutSetup = await project.run();

    expect(withoutSetup.outputs['user.json']).toEqual(withSetup.outputs['user.json']);
    expect(withoutSetup.tests[0]!.failureMessages.join('\n')).not.toContain('FACTORIES_SEED');
  });
});
