import { afterAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJestProject, jestConfigModule, type JestProject } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');
const builtKit = pathToFileURL(resolve(packageDir, '../kit/dist/index.mjs')).href;

/** A second setup file, as cassettes' per-test setup is: a circus handler registered after the chaos setup's. */
const SECOND_SETUP = `
import { addCircusEventHandler } from ${JSON.stringify(builtKit)};
globalThis.added = [];
addCircusEventHandler('second', (event) => {
  if (event.name === 'add_test') globalThis.added.push(event.testName);
});
`;

const TEST_FILE = `
import { expect, test } from '@jest/globals';
test('first', () => undefined);
const seenWhenDeclared = [...globalThis.added];
test('the later handler saw the first test as it was declared', () => {
  expect(seenWhenDeclared).toEqual(['first']);
});
`;

describe('the setup entry beside other circus handlers', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it('should not hold back the handlers registered after it while tests are declared', async () => {
    const project = createJestProject({
      packageDir,
      esm: true,
      files: {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', transform: {}, setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup', './second.mjs'] },
          { esm: true },
        ),
        'second.mjs': SECOND_SETUP,
        'order.test.js': TEST_FILE,
      },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.tests.map((test) => [test.title, test.status, test.failureMessages.join('\n')])).toEqual([
      ['first', 'passed', ''],
      ['the later handler saw the first test as it was declared', 'passed', ''],
    ]);
  });
});
