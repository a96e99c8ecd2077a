/**
 * Runs Jest on the suites whose behaviour depends on TEST_MODE: those that use a mode-aware API of
 * @proving-ground/test-modes (`live`, `onlyIn`, `whenMode`, `currentMode`) or record and replay
 * with @proving-ground/cassettes. The other suites block the network and run the same way in every
 * mode, so `npm test` runs them once (in mock) and runs only these again in golden.
 *
 * @example
 * TEST_MODE=golden node scripts/mode-dependent.mjs
 */
import { modeDependent, runJest, testFilesUnder } from './suites.mjs';

const suites = modeDependent(testFilesUnder(['src', 'test']));
if (suites.length === 0) {
  console.error('[support-desk] Failed to select the mode-dependent suites: no test file uses a mode-aware API. Check scripts/suites.mjs.');
  process.exit(1);
}
process.exitCode = runJest(suites, process.env.TEST_MODE ?? 'mock', { args: process.argv.slice(2) });
