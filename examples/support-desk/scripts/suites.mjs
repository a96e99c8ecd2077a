/**
 * The support desk's test files, by capability (the folders under test/ and the unit tests beside
 * the code they prove), and which of them behave differently by TEST_MODE: those that use a
 * mode-aware API of @proving-ground/test-modes (`live`, `onlyIn`, `whenMode`, `currentMode`) or
 * record and replay with @proving-ground/cassettes. Shared by `npm run test:<category>`
 * (scripts/category.mjs) and the golden pass of the suite (scripts/mode-dependent.mjs).
 *
 * @example
 * import { CATEGORIES, modeDependent, testFilesUnder } from './suites.mjs';
 * modeDependent(testFilesUnder(CATEGORIES.contract.paths)) // the contract suites golden replays
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const exampleDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');

const MODE_AWARE = /\b(?:live\.(?:test|it|describe)|onlyIn\(|whenMode\(|currentMode\()|@proving-ground\/cassettes/;
const LIVE = /\blive\.(?:test|it|describe)\b/;

/**
 * Each capability: the paths that prove it (folders or files, from the example's folder) and what
 * it is, as `npm run test:<name>` prints it. `all` of them together are the whole suite.
 */
export const CATEGORIES = {
  e2e: { paths: ['test/e2e'], what: 'the journeys through the HTTP API and the realtime socket' },
  property: { paths: ['test/property'], what: 'fast-check properties of orders and the intent router' },
  contract: {
    paths: ['test/contract', 'test/queue', 'test/factories', 'src/openapi.test.ts', 'src/problems.test.ts'],
    what: 'OpenAPI, problem details, Pact, fuzzing, PII, the factories against the schema and the queue contract',
  },
  chaos: { paths: ['test/chaos'], what: 'faults in the network, files, descriptors, clocks and the queue' },
  realtime: {
    paths: [
      'src/realtime',
      'test/realtime',
      'test/e2e/order-tracking.journey.test.ts',
      'test/e2e/multi-channel-conversation.journey.test.ts',
    ],
    what: 'the WebSocket endpoint, its backpressure policy and its journeys',
  },
  performance: { paths: ['test/performance'], what: 'the load gate against its baseline and the LLM cost ceiling' },
  observability: { paths: ['src/observability', 'test/observability'], what: 'metrics, spans and redacted logs' },
  tenancy: {
    paths: ['test/tenancy', 'test/e2e/quota-exhaustion.journey.test.ts', 'test/e2e/tenant-isolation.journey.test.ts'],
    what: 'cross-tenant probes, row level security, scoped retrieval, quotas and their journeys',
  },
  router: {
    paths: ['test/router', 'src/router', 'test/property/router.property.test.ts'],
    what: 'the intent router, its drift gate and its fuzzing',
  },
  replay: { paths: ['test/replay'], what: 'episode replay with exact, similar and adaptive matching' },
  unit: { paths: ['src'], what: 'the unit tests beside the code' },
};

/** Every `*.test.ts` file under the given paths (folders or files, from the example's folder), sorted. */
export function testFilesUnder(paths) {
  const walk = (path) => {
    if (!existsSync(path)) return [];
    if (!statSync(path).isDirectory()) return path.endsWith('.test.ts') ? [path] : [];
    return readdirSync(path).flatMap((name) => (name === 'node_modules' ? [] : walk(join(path, name))));
  };
  return [...new Set(paths.flatMap((path) => walk(join(exampleDir, path))))].sort();
}

/** The files among `files` whose behaviour depends on TEST_MODE (run again in golden). */
export function modeDependent(files) {
  return files.filter((file) => MODE_AWARE.test(readFileSync(file, 'utf8')));
}

/** The files among `files` with tests marked `live.*`: what live_smoke runs against the local upstreams. */
export function liveSmoke(files) {
  return files.filter((file) => LIVE.test(readFileSync(file, 'utf8')));
}

/** Runs Jest on `files` in `mode` with extra arguments and environment; returns its exit status. */
export function runJest(files, mode, { args = [], env = {} } = {}) {
  process.stdout.write(
    `[support-desk] ${mode}: ${files.length} test file(s): ${files.map((file) => relative(exampleDir, file)).join(', ')}\n`,
  );
  const run = spawnSync(process.execPath, ['--experimental-vm-modules', jestBin, '--runTestsByPath', ...files, ...args], {
    cwd: exampleDir,
    stdio: 'inherit',
    env: { ...process.env, ...env, TEST_MODE: mode },
  });
  if (run.error) throw run.error;
  return run.status ?? 1;
}
