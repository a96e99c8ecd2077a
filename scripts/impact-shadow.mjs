#!/usr/bin/env node
/**
 * Shadow mode of the impact analyzer on this repository's own suite: after `npm test` ran every
 * package test with the recorder and reporter (IMPACT_RECORD=1), select the tests the last commit
 * would have run, compare them with the tests that failed in the full run, append the result to the
 * shadow log and print the selection and the log's report. A failing test outside the selection
 * is a miss: it fails this stage, so a miss is seen and fixed, never averaged away.
 *
 * @example
 * IMPACT_RECORD=1 npm run test:packages && node scripts/impact-shadow.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_MAP_PATH,
  DEFAULT_SHADOW_LOG,
  appendShadowEntry,
  formatShadowReport,
  formatSummary,
  readImpactMap,
  readShadowLog,
  selectTests,
  summarizeShadowLog,
} from '@proving-ground/impact-analyzer';

const root = fileURLToPath(new URL('..', import.meta.url));
const mapPath = join(root, DEFAULT_MAP_PATH);
const map = readImpactMap(mapPath);
if (map === undefined) {
  console.error(
    `[impact-shadow] Failed to compare: there is no map at ${DEFAULT_MAP_PATH}. Run the package tests with IMPACT_RECORD=1 first.`,
  );
  process.exit(2);
}

// A clone with one commit (a shallow CI checkout) has no change to select for.
if (spawnSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD~1'], { cwd: root }).status !== 0) {
  console.log(
    '[impact-shadow] Nothing to compare: HEAD has no parent in this clone (a shallow checkout); fetch the history to run shadow mode.',
  );
  process.exit(0);
}

const selection = await selectTests({ cwd: root, base: 'HEAD~1', head: 'HEAD', history: false });
console.log(formatSummary(selection));

const selected = new Set(selection.selected);
const failed = Object.entries(map.tests)
  .filter(([, record]) => record.status === 'failed')
  .map(([test]) => test)
  .sort();
const missed = selection.runAll ? [] : failed.filter((test) => !selected.has(test));
const logPath = join(root, DEFAULT_SHADOW_LOG);
appendShadowEntry(logPath, {
  at: new Date().toISOString(),
  ...(map.commit === undefined ? {} : { commit: map.commit }),
  base: selection.base,
  head: selection.head,
  runAll: selection.runAll,
  selected: selection.selected.length,
  total: selection.tests.length,
  failed,
  missed,
  changed: selection.changes.map((change) => change.path),
});
if (existsSync(logPath)) console.log(`\n${formatShadowReport(summarizeShadowLog(readShadowLog(logPath)), 'text')}`);
if (missed.length > 0) {
  console.error(`[impact-shadow] The selection missed ${missed.length} failing test file(s): ${missed.join(', ')}.`);
  process.exit(1);
}
