// This monorepo's own history, with a map: in a clone, the unit projects (each package's
// src/**/*.test.ts) run once with the recorder at the commit before the window, then for each
// first-parent commit of the window `selectTests` (base: its parent) and `jest --changedSince`
// list their picks, and the unit projects run in full at the commit: a test file the commit broke
// (failing there, passing at the parent) that a selection left out is a miss. Unit projects only: they run in about a minute, where the whole
// suite (real Jest projects, servers) takes several.
// `node impact-analyzer/history.bench.mjs [--quick]` after `npm run build -w packages/impact-analyzer`.
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MONOREPO, git } from './fixture-repo.mjs';
import { QUICK, cloneMonorepo, jestList, loadSelectTests, median, ms, pct, runJestFailing, table, writeResult } from './shared.mjs';

const selectTests = await loadSelectTests();
const WINDOW = QUICK ? 4 : 20;

/** Each package's unit project (`displayName` = the folder name, as the root jest.config.js names them). */
const unitProjects = readdirSync(join(MONOREPO, 'packages')).filter((name) =>
  existsSync(join(MONOREPO, 'packages', name, 'jest.config.js')),
);
const isUnitTest = (path) => /^packages\/[^/]+\/src\/.*\.test\.tsx?$/.test(path);

/** Runs the unit projects in `root`; returns the test file count and the failing ones. */
const runUnits = (root, { record = false } = {}) =>
  runJestFailing(root, ['--selectProjects', ...unitProjects], { env: record ? { IMPACT_RECORD: '1' } : {} });

const root = cloneMonorepo('history-monorepo');
// The clone resolves @proving-ground/* through the workspace's node_modules, to the workspace's
// builds; a package naming itself (the recorder in impact-analyzer's own project) resolves inside
// the clone, so each package's dist/ there is the workspace's too (dist/ is ignored by git).
for (const name of readdirSync(join(MONOREPO, 'packages'))) {
  const built = join(MONOREPO, 'packages', name, 'dist');
  if (existsSync(built) && existsSync(join(root, 'packages', name))) symlinkSync(built, join(root, 'packages', name, 'dist'));
}
const commits = git(root, 'rev-list', '--first-parent', `--max-count=${WINDOW}`, 'HEAD').split('\n').reverse();
const start = git(root, 'rev-parse', `${commits[0]}^`);
git(root, 'checkout', '-q', '--detach', start);
const recording = runUnits(root, { record: true });
process.stderr.write(`map recorded at ${start.slice(0, 8)} (${recording.total} unit test files, ${recording.failing.length} failing)\n`);

const rows = [];
// A miss is a test file the commit broke: failing at the commit, passing at its parent. A file
// that fails at both is counted apart (ours runs it again: it failed last time).
let failingBefore = new Set(recording.failing);
for (const commit of commits) {
  const parent = git(root, 'rev-parse', `${commit}^`);
  git(root, 'checkout', '-q', '--detach', commit);
  const selection = await selectTests({ cwd: root, base: parent, head: commit, history: false });
  const ours = selection.runAll ? undefined : new Set(selection.selected.filter(isUnitTest));
  const jest = new Set(jestList(root, [`--changedSince=${parent}`, '--selectProjects', ...unitProjects]).files.filter(isUnitTest));
  const { total, failing } = runUnits(root);
  const broken = failing.filter((test) => !failingBefore.has(test));
  const stillFailing = failing.length - broken.length;
  failingBefore = new Set(failing);
  const oursMisses = ours === undefined ? [] : broken.filter((test) => !ours.has(test));
  const jestMisses = broken.filter((test) => !jest.has(test));
  rows.push({
    commit: commit.slice(0, 8),
    files: git(root, 'diff', '--name-only', parent, commit).split('\n').filter(Boolean).length,
    total,
    runAll: selection.runAll,
    runAllReasons: selection.runAllReasons.map((reason) => reason.code),
    selected: ours === undefined ? total : ours.size,
    changedSince: jest.size,
    broken: broken.length,
    stillFailing,
    oursMisses,
    jestMisses,
    elapsedMs: selection.elapsedMs,
  });
  process.stderr.write('.');
}
process.stderr.write('\n');

console.log(
  `\nThis monorepo, last ${rows.length} first-parent commits (a clone), unit projects only (${unitProjects.length} packages, ${rows[0]?.total} test files); map recorded at ${start.slice(0, 8)}`,
);
table(
  [
    'commit',
    'files changed',
    'ours',
    'changedSince',
    'ours / all',
    'broken (still failing)',
    'our misses',
    '--changedSince misses',
    'analysis',
  ],
  rows.map((r) => [
    r.commit,
    String(r.files),
    r.runAll ? `all ${r.total} (${r.runAllReasons.join(', ')})` : String(r.selected),
    String(r.changedSince),
    pct(r.selected / r.total),
    `${r.broken} (${r.stillFailing})`,
    String(r.oursMisses.length),
    String(r.jestMisses.length),
    ms(r.elapsedMs),
  ]),
);
const summary = {
  commits: rows.length,
  unitTestFiles: rows[0]?.total,
  medianSelectionRatio: median(rows.map((r) => r.selected / r.total)),
  medianChangedSinceRatio: median(rows.map((r) => r.changedSince / r.total)),
  runAllCommits: rows.filter((r) => r.runAll).length,
  misses: rows.reduce((n, r) => n + r.oursMisses.length, 0),
  changedSinceMisses: rows.reduce((n, r) => n + r.jestMisses.length, 0),
  medianAnalysisMs: median(rows.map((r) => r.elapsedMs)),
};
console.log(
  `median selection ${pct(summary.medianSelectionRatio)} (--changedSince ${pct(summary.medianChangedSinceRatio)}); everything ran on ${summary.runAllCommits} commits; misses: ours ${summary.misses}, --changedSince ${summary.changedSinceMisses}; analysis median ${ms(summary.medianAnalysisMs)}`,
);
for (const r of rows) {
  for (const test of r.oursMisses) console.log(`  MISS (ours) ${r.commit}: ${test}`);
  for (const test of r.jestMisses) console.log(`  miss (--changedSince) ${r.commit}: ${test}`);
}
writeResult('history', { summary, rows });
