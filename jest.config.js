/**
 * One Jest run, one worker pool, for every package suite (`npm run test:packages`): each package's
 * own jest.config.js becomes two projects, its unit tests (`src/`, fast) and its integration
 * tests (`test/`, `examples/`: real Jest on temporary projects, real servers), so the pool is shared
 * instead of four Jest processes fighting over two cores, and `npm run test:quick` can leave the slow
 * projects out (`--selectProjects`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rootsOf } from '@proving-ground/test-kit/jest-config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packagesDir = join(root, 'packages');

/** The packages that have a Jest suite, by folder name. */
export const PACKAGES_WITH_SUITES = readdirSync(packagesDir)
  .filter((name) => existsSync(join(packagesDir, name, 'jest.config.js')))
  .sort();

// IMPACT_RECORD=1 (set by `npm test` in CI) records the impact analyzer's map of this suite, for its
// shadow mode: the selection a change would have made, next to the full run (scripts/impact-shadow.mjs).
const record = process.env['IMPACT_RECORD'] === '1';
const projects = [];
for (const name of PACKAGES_WITH_SUITES) {
  const rootDir = join(packagesDir, name);
  const { default: config } = await import(pathToFileURL(join(rootDir, 'jest.config.js')).href);
  const unit = config.testMatch.filter((pattern) => pattern.startsWith('<rootDir>/src/'));
  const integration = config.testMatch.filter((pattern) => !pattern.startsWith('<rootDir>/src/'));
  const recorded = record ? { setupFilesAfterEnv: [...(config.setupFilesAfterEnv ?? []), '@proving-ground/impact-analyzer/recorder'] } : {};
  if (unit.length > 0) projects.push({ ...config, ...recorded, rootDir, displayName: name, testMatch: unit, roots: rootsOf(unit) });
  if (integration.length > 0) {
    projects.push({
      ...config,
      ...recorded,
      rootDir,
      displayName: `${name}:integration`,
      testMatch: integration,
      roots: rootsOf(integration),
    });
  }
}

/** @type {import('jest').Config} */
export default {
  projects,
  // Two cores: one worker per core; each integration test starts its own Jest child on top.
  maxWorkers: 2,
  // A global option: Jest ignores `testTimeout` inside `projects`, so the packages' own value is repeated here.
  testTimeout: 60_000,
  ...(record ? { reporters: ['default', '@proving-ground/impact-analyzer/reporter'] } : {}),
};
