/**
 * `npm run test:<category>`: runs one capability's tests in every mode where their behaviour
 * differs: all of them in mock, the ones that record or replay traffic (or use a mode-aware API)
 * again in golden, and the ones with `live.*` tests in live_smoke, against the local upstreams on
 * 127.0.0.1. The categories are in scripts/suites.mjs; `npm test` runs all of them at once.
 * Arguments after the category go to Jest. Exits non-zero when any mode fails.
 *
 * @example
 * node scripts/category.mjs contract
 * node scripts/category.mjs e2e -t "order"
 */
import { CATEGORIES, liveSmoke, modeDependent, runJest, testFilesUnder } from './suites.mjs';

const [name, ...jestArgs] = process.argv.slice(2);
const category = CATEGORIES[name];
if (category === undefined) {
  console.error(
    `[support-desk] Failed to run the tests of category "${name ?? ''}": no such category. Use one of: ${Object.keys(CATEGORIES).join(', ')}.`,
  );
  process.exit(2);
}
const files = testFilesUnder(category.paths);
if (files.length === 0) {
  console.error(
    `[support-desk] Failed to run the tests of category "${name}": no test file under ${category.paths.join(', ')}. Check scripts/suites.mjs.`,
  );
  process.exit(1);
}
console.log(`[support-desk] ${name}: ${category.what}`);
const passes = [
  ['mock', files],
  ['golden', modeDependent(files)],
  ['live_smoke', liveSmoke(files)],
];
let failed = 0;
for (const [mode, selected] of passes) {
  if (selected.length === 0) {
    const why = mode === 'golden' ? 'records, replays or reads the mode' : 'is a live.* test';
    console.log(`[support-desk] ${name}: no ${mode} pass, no test here ${why}; its tests behave the same in every mode.`);
    continue;
  }
  if (runJest(selected, mode, { args: jestArgs }) !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
