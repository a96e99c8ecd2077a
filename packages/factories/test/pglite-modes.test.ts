import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createJestProject, packageDir, type JestProject } from './jest-project.js';

// The docs' PGlite example (docs/factories.md checks it against this file), run as written by real Jest.
const snippet = readFileSync(join(packageDir, 'examples', 'sql.test.ts'), 'utf8');

function tsJest(esm: boolean): Record<string, unknown> {
  return {
    testEnvironment: 'node',
    testMatch: ['**/*.test.ts'],
    extensionsToTreatAsEsm: esm ? ['.ts'] : [],
    transform: {
      '^.+\\.ts$': [
        'ts-jest',
        {
          useESM: esm,
          isolatedModules: true,
          tsconfig: {
            module: esm ? 'esnext' : 'commonjs',
            target: 'es2022',
            esModuleInterop: true,
            isolatedModules: true,
            verbatimModuleSyntax: false,
          },
        },
      ],
    },
  };
}

describe('the docs PGlite example', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it.each([
    ['CommonJS mode (no --experimental-vm-modules)', false],
    ['native ESM mode', true],
  ])('should pass in Jest %s', async (_mode, esm) => {
    const project = createJestProject(
      {
        ...(esm ? { 'package.json': JSON.stringify({ name: 'factories-fixture', private: true, type: 'module' }) } : {}),
        'sql.test.ts': snippet,
        'jest.config.json': JSON.stringify(tsJest(esm)),
      },
      { esm },
    );
    projects.push(project);

    const run = await project.run({ args: ['--config', join(project.dir, 'jest.config.json')] });

    expect({
      exitCode: run.exitCode,
      tests: run.tests.map((test) => [test.fullName, test.status, test.failureMessages.join('\n')]),
    }).toEqual({
      exitCode: 0,
      tests: [['should insert a list in one statement and return database-assigned ids', 'passed', '']],
    });
  });
});
