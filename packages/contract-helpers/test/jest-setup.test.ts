import { describe, expect, it } from '@jest/globals';
import { jestConfigModule, runJestProject, testModule } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A consumer's test file: the matchers come from the setup entry, on Jest's global `expect`. */
function setupEntryConsumer(): void {
  describe('a consumer of the setup entry', () => {
    it('passes a strict schema check', () => {
      expect({ id: 1 }).toMatchSchema({ type: 'object', properties: { id: { type: 'integer' } } });
    });
    it('fails on an undeclared field carrying an email, masked', () => {
      expect({ id: 1, contact: 'jane.doe@corp.example' }).toMatchSchema({ type: 'object', properties: { id: { type: 'integer' } } });
    });
    it('finds no personal data in a timestamp', () => {
      expect({ at: 1731000000000 }).not.toContainPii();
    });
  });
}

// --- The checks ---

describe('the @proving-ground/contract-helpers/jest setup entry', () => {
  it.each([
    ['CommonJS', false, 'test.test.js'],
    ['native ESM', true, 'test.test.mjs'],
  ] as const)('should register the matchers in Jest %s mode', async (_mode, esm, testFile) => {
    const run = await runJestProject(
      {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', setupFilesAfterEnv: ['@proving-ground/contract-helpers/jest'], testMatch: ['**/*.test.{js,mjs}'] },
          { esm },
        ),
        [testFile]: testModule(setupEntryConsumer),
      },
      { esm },
    );

    expect({ stderr: run.tests.length === 0 ? run.stderr : '', tests: run.tests.map((test) => [test.title, test.status]) }).toEqual({
      stderr: '',
      tests: [
        ['passes a strict schema check', 'passed'],
        ['fails on an undeclared field carrying an email, masked', 'failed'],
        ['finds no personal data in a timestamp', 'passed'],
      ],
    });
    const failure = run.tests[1]!.failureMessages.join('\n');
    expect(failure).toContain('$.contact: extra field "contact" is not declared (string, 21 characters)');
    expect(failure).not.toContain('jane.doe');
  });
});
