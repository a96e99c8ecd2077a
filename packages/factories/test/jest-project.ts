import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject as createProject, type JestProject } from '@proving-ground/test-kit';

export { testModule, commonJsModule, jestConfigModule, type JestProject, type JestRun } from '@proving-ground/test-kit';

/** This package's folder: temporary projects live under its `.tmp/`, so they resolve the workspace's packages. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A temporary Jest project of this package (`@proving-ground/test-kit`'s, bound to this package's folder).
 *
 * @example
 * const project = createJestProject({ 'a.test.js': testModule(main) }); const run = await project.run()
 */
export function createJestProject(files: Record<string, string>, options: { esm?: boolean } = {}): JestProject {
  return createProject({ packageDir, files, ...options });
}
