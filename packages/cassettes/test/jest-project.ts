import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject as createProject, type JestProject } from '@proving-ground/test-kit';

export type { JestProject, JestRun, TestOutcome } from '@proving-ground/test-kit';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A temporary Jest project under this package's .tmp/ (see @proving-ground/test-kit). */
export function createJestProject(files: Record<string, string>, options: { esm?: boolean } = {}): JestProject {
  return createProject({ packageDir, files, ...options });
}
