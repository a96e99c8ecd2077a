/**
 * Runs Jest on the suites whose behaviour depends on TEST_MODE: those that use a mode-aware API of
 * @proving-ground/test-modes (`live`, `onlyIn`, `whenMode`, `currentMode`) or record and replay
 * with @proving-ground/cassettes. The other suites block the network and run the same way in every
 * mode, so `npm test` runs them once (in mock) and runs only these again in golden.
 *
 * @example
 * TEST_MODE=golden node scripts/mode-dependent.mjs
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = dirname(dirname(fileURLToPath(import.meta.url)));
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
const MODE_AWARE = /\b(?:live\.(?:test|it|describe)|onlyIn\(|whenMode\(|currentMode\()|@proving-ground\/cassettes/;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const suites = ['src', 'test']
  .flatMap((folder) => testFiles(join(exampleDir, folder)))
  .filter((file) => MODE_AWARE.test(readFileSync(file, 'utf8')))
  .sort();
if (suites.length === 0) {
  console.error(
    '[support-desk] Failed to select the mode-dependent suites: no test file uses a mode-aware API. Check scripts/mode-dependent.mjs.',
  );
  process.exit(1);
}
console.log(
  `[support-desk] ${process.env.TEST_MODE ?? 'mock'}: ${suites.length} mode-dependent suites: ${suites.map((file) => relative(exampleDir, file)).join(', ')}`,
);
const run = spawnSync(process.execPath, ['--experimental-vm-modules', jestBin, '--runTestsByPath', ...suites, ...process.argv.slice(2)], {
  cwd: exampleDir,
  stdio: 'inherit',
});
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
