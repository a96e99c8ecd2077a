/**
 * `npm run test:flaky`: runs the journeys and the property tests several times (3 by default,
 * `--runs N`) into a history store of their own (reports/flaky-check/history.sqlite, started
 * afresh), then prints flaky-detector's terminal report of those runs and fails when the history
 * shows a test that is flaky (it both passed and failed on the same code) or broken (it failed
 * every run). Further arguments are test paths, instead of test/e2e and test/property.
 *
 * @example
 * node scripts/flaky-check.mjs --runs 5 test/e2e/orders.journey.test.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { exampleDir, runJest, testFilesUnder } from './suites.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 3 : Number(args[runsAt + 1]);
if (!Number.isInteger(runs) || runs < 2 || runs > 20) {
  console.error('[support-desk] Failed to check for flaky tests: --runs must be a whole number from 2 to 20. Pass, for example, --runs 3.');
  process.exit(2);
}
const paths = args.filter((_, i) => i !== runsAt && i !== runsAt + 1);
const files = testFilesUnder(paths.length > 0 ? paths : ['test/e2e', 'test/property']);
const store = join(exampleDir, 'reports', 'flaky-check', 'history.sqlite');
rmSync(dirname(store), { recursive: true, force: true });
mkdirSync(dirname(store), { recursive: true });

for (let run = 1; run <= runs; run++) {
  console.log(`[support-desk] flaky check: run ${run} of ${runs}`);
  // Failures are what the history is for: every run is recorded, whatever its exit status.
  runJest(files, process.env.TEST_MODE ?? 'mock', { env: { SUPPORT_DESK_FLAKY_STORE: store } });
}

const cli = join(dirname(createRequire(import.meta.url).resolve('@proving-ground/flaky-detector/package.json')), 'dist', 'cli.mjs');
const report = (format) =>
  spawnSync(process.execPath, [cli, 'report', '--format', format, '--store', store], {
    cwd: exampleDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const terminal = report('terminal');
process.stdout.write(terminal.stdout ?? '');
const json = report('json');
if (json.status !== 0) {
  console.error('[support-desk] Failed to check for flaky tests: flaky-detector could not report on the runs (see above).');
  process.exit(1);
}
const history = JSON.parse(json.stdout);
const flaky = history.flaky ?? [];
const broken = (history.tests ?? []).filter((test) => test.class === 'broken');
for (const test of flaky) console.log(`  flaky:  ${test.file} › ${test.fullName} (score ${test.score})`);
for (const test of broken) console.log(`  broken: ${test.file} › ${test.fullName}`);
console.log(
  `[support-desk] flaky check: ${runs} runs of ${files.length} test files, ${history.totals.tests} tests: ${flaky.length} flaky, ${broken.length} broken.`,
);
process.exitCode = flaky.length + broken.length === 0 ? 0 : 1;
