/**
 * The support desk demo: run the whole Jest suite (in the mode TEST_MODE selects, mock by default),
 * write its JSON report to reports/jest-results.json, and say where it is and what it holds.
 * Exits with Jest's exit code.
 *
 *   npm run demo                      from the repository root (builds the packages first)
 *   npm run demo -w examples/support-desk
 *   TEST_MODE=live_smoke npm run demo -w examples/support-desk
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = dirname(dirname(fileURLToPath(import.meta.url)));
const reportsDir = join(exampleDir, 'reports');
const reportFile = join(reportsDir, 'jest-results.json');
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');

mkdirSync(reportsDir, { recursive: true });
rmSync(reportFile, { force: true });
const run = spawnSync(process.execPath, ['--experimental-vm-modules', jestBin, '--json', `--outputFile=${reportFile}`], {
  cwd: exampleDir,
  stdio: 'inherit',
});
if (run.error) throw run.error;

let summary;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped in ${report.numTotalTestSuites} test files`;
} catch (error) {
  summary = `the report could not be read (${error instanceof Error ? error.message : String(error)})`;
}
const mode = process.env.TEST_MODE?.trim() || 'mock (default)';
process.stdout.write(`\nsupport-desk demo, mode ${mode}: ${summary}\nJest report: ${reportFile}\n`);
process.exitCode = run.status ?? 1;
