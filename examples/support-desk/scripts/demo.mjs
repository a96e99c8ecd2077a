/**
 * The support desk demo: run the whole Jest suite (in the mode TEST_MODE selects, golden by default:
 * recorded traffic replayed, the real database), write its JSON report to
 * reports/jest-results.json, write the flaky-detector HTML dashboard of the suite's history (the
 * reporter in jest.config.js records every run into reports/flaky-detector/history.sqlite) to
 * reports/flaky-dashboard.html, and say where both are. The run also records the impact
 * analyzer's map (IMPACT_RECORD=1), and the demo prints the analyzer's selection for the last
 * commit: which of these tests that commit can affect, and why.
 * Exits with Jest's exit code (or 1 when the dashboard could not be written).
 *
 *   npm run demo                      from the repository root (builds the packages first)
 *   npm run demo -w examples/support-desk
 *   TEST_MODE=mock npm run demo -w examples/support-desk
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = dirname(dirname(fileURLToPath(import.meta.url)));
const reportsDir = join(exampleDir, 'reports');
const reportFile = join(reportsDir, 'jest-results.json');
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');

mkdirSync(reportsDir, { recursive: true });
rmSync(reportFile, { force: true });
const mode = process.env.TEST_MODE?.trim() || 'golden';
const run = spawnSync(process.execPath, ['--experimental-vm-modules', jestBin, '--json', `--outputFile=${reportFile}`], {
  cwd: exampleDir,
  stdio: 'inherit',
  env: { ...process.env, TEST_MODE: mode, IMPACT_RECORD: '1' },
});
if (run.error) throw run.error;

let summary;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped in ${report.numTotalTestSuites} test files`;
} catch (error) {
  summary = `the report could not be read (${error instanceof Error ? error.message : String(error)})`;
}
process.stdout.write(`\nsupport-desk demo, mode ${mode}: ${summary}\nJest report: ${reportFile}\n`);

// The dashboard, through the package's own command (it prints the path it wrote).
const flakyCli = join(dirname(createRequire(import.meta.url).resolve('@proving-ground/flaky-detector/package.json')), 'dist', 'cli.mjs');
const dashboard = spawnSync(
  process.execPath,
  [
    flakyCli,
    'report',
    '--format',
    'html',
    '--store',
    join(reportsDir, 'flaky-detector', 'history.sqlite'),
    '--out',
    join(reportsDir, 'flaky-dashboard.html'),
  ],
  { cwd: exampleDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (dashboard.error) throw dashboard.error;
if (dashboard.status === 0) process.stdout.write(`Flaky-test dashboard: ${dashboard.stdout.trim()}\n`);

// The impact analyzer's selection for the last commit, from the map this run recorded.
const impactCli = join(dirname(createRequire(import.meta.url).resolve('@proving-ground/impact-analyzer/package.json')), 'dist', 'cli.mjs');
const impact = spawnSync(
  process.execPath,
  [
    impactCli,
    'select',
    '--base',
    'HEAD~1',
    '--head',
    'HEAD',
    '--map',
    join(reportsDir, 'impact-analyzer', 'map.json'),
    '--format',
    'summary',
  ],
  { cwd: exampleDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
);
if (impact.error) throw impact.error;
const impactLines = (impact.status === 0 ? impact.stdout : impact.stderr).trim().split('\n');
const SHOWN = 30;
const more = impactLines.length > SHOWN ? [`... and ${impactLines.length - SHOWN} more lines.`] : [];
process.stdout.write(
  [
    '',
    'Impact analyzer, the last commit (HEAD~1..HEAD):',
    ...impactLines.slice(0, SHOWN),
    ...more,
    '',
    // A commit to a file every test loads (a package's setup file, the Jest config) selects every test.
    'To see a narrower selection, change one file (say src/orders.ts) and, in this folder, compare the working tree with HEAD:',
    // The package's bin (`npx impact-analyzer` in a project that installed it), by its path in this monorepo.
    `  node ${relative(exampleDir, impactCli)} select --base HEAD --map reports/impact-analyzer/map.json --format summary`,
    '',
  ].join('\n'),
);
process.exitCode = run.status || (dashboard.status === 0 ? 0 : 1);
