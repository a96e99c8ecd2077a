import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJestProject as runProject, type JestRun } from '@proving-ground/test-kit';

export { testModule, jestConfigModule, type JestRun } from '@proving-ground/test-kit';

/** This package's folder: temporary projects live under its `.tmp/`, so they resolve the workspace's packages. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Run real Jest once on a temporary project of this package made of `files` (`@proving-ground/test-kit`'s
 * helper bound to this package's folder); `env` reaches the project's tests (`process.env`).
 *
 * @example
 * const run = await runJestProject({ 'jest.config.js': jestConfigModule({ testEnvironment: 'node' }), 'a.test.js': testModule(main) })
 */
export function runJestProject(
  files: Record<string, string>,
  options: { esm?: boolean; env?: Record<string, string> } = {},
): Promise<JestRun> {
  return runProject({ packageDir, files, ...options });
}
