// Selection ratio and analysis time of `selectTests` next to `jest --changedSince=<parent> --listTests`,
// commit by commit, on the generated ~2,000-file repository (warm map recorded at the start of its
// history) and on this monorepo's own last first-parent commits (a clone; no map there).
// `node impact-analyzer/selection.bench.mjs [--quick]` after `npm run build -w packages/impact-analyzer`.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ANALYZER_DIST, countFiles, generateFixtureRepo, generateHistory, git, runJest } from './fixture-repo.mjs';
import { DEFAULT_MAP_PATH, readImpactMap } from '@proving-ground/impact-analyzer';
import { QUICK, TMP_DIR, cloneMonorepo, jestList, loadSelectTests, median, ms, pct, table, writeResult } from './shared.mjs';

const selectTests = await loadSelectTests();
const CLI = join(ANALYZER_DIST, 'cli.mjs');
const SCAN_CACHE = join('node_modules', '.cache', 'impact-analyzer');

/** Per commit: cold (no scan cache) and warm analysis, and jest --changedSince on the checked-out commit. */
async function replay(root, history, { config, total, map }) {
  const rows = [];
  for (const { commit, parent, kind, files } of history) {
    git(root, 'checkout', '-q', '--detach', commit);
    rmSync(join(root, SCAN_CACHE), { recursive: true, force: true });
    const cold = await selectTests({ cwd: root, base: parent, head: commit, history: false });
    const warm = await selectTests({ cwd: root, base: parent, head: commit, history: false });
    const jest = jestList(root, [`--changedSince=${parent}`], { config });
    const cliStarted = performance.now();
    let cliFailed;
    try {
      execFileSync(process.execPath, [CLI, 'select', '--base', parent, '--head', commit], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      cliFailed = String(error.stderr).trim().split('\n')[0];
    }
    const cliMs = performance.now() - cliStarted;
    const ours = new Set(warm.selected);
    const theirs = new Set(jest.files);
    const extra = warm.selected.filter((test) => !theirs.has(test));
    const missingFromOurs = jest.files.filter((test) => !ours.has(test));
    // The tests the recorded run saw load or read a changed file: what a safe selection must contain.
    const loaded = map ? loadedBy(map, files) : undefined;
    const changedSinceMissed = loaded ? loaded.filter((test) => !theirs.has(test)) : [];
    const oursMissed = loaded ? loaded.filter((test) => !ours.has(test)) : [];
    const extraReasons = {};
    for (const test of extra) {
      const decision = warm.tests.find((d) => d.path === test);
      for (const reason of decision?.reasons ?? []) extraReasons[reason.code] = (extraReasons[reason.code] ?? 0) + 1;
    }
    rows.push({
      commit: commit.slice(0, 8),
      kind,
      files,
      runAll: warm.runAll,
      runAllReasons: warm.runAllReasons.map((r) => r.code),
      selected: warm.selected.length,
      changedSince: jest.files.length,
      total,
      coldMs: cold.elapsedMs,
      warmMs: warm.elapsedMs,
      jestMs: jest.elapsedMs,
      cliMs,
      cliFailed,
      extra: extra.length,
      extraReasons,
      extraExample: extra[0] && warm.tests.find((d) => d.path === extra[0])?.reasons[0]?.message,
      onlyChangedSince: missingFromOurs,
      changedSinceFiles: jest.files,
      loaded: loaded?.length,
      changedSinceMissed,
      oursMissed,
    });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return rows;
}

/** Test files whose recorded run loaded (modules) or read (fs) one of `files`. */
function loadedBy(map, files) {
  const changed = new Set(files);
  return Object.entries(map.tests)
    .filter(([, record]) => record.modules.some((f) => changed.has(f)) || record.reads.some((f) => changed.has(f)))
    .map(([test]) => test);
}

function report(title, rows) {
  console.log(`\n${title}`);
  table(
    [
      'commit',
      'change',
      'ours',
      'changedSince',
      'ours / all',
      'changedSince / all',
      'ours cold',
      'ours warm',
      'jest --changedSince --listTests',
      'warm / jest',
      'CLI select (process)',
      'CLI / jest',
    ],
    rows.map((r) => [
      r.commit,
      `${r.kind} (${r.files.length} file${r.files.length === 1 ? '' : 's'})`,
      r.runAll ? `all ${r.selected} (${r.runAllReasons.join(', ')})` : String(r.selected),
      String(r.changedSince),
      pct(r.selected / r.total),
      pct(r.changedSince / r.total),
      ms(r.coldMs),
      ms(r.warmMs),
      ms(r.jestMs),
      `${(r.warmMs / r.jestMs).toFixed(2)}x`,
      r.cliFailed ? `failed (${ms(r.cliMs)})` : ms(r.cliMs),
      `${(r.cliMs / r.jestMs).toFixed(2)}x`,
    ]),
  );
  const code = rows.filter((r) => r.kind === 'code-only');
  const more = code.filter((r) => r.selected > r.changedSince);
  for (const r of rows.filter((row) => row.cliFailed)) console.log(`CLI select failed on ${r.commit}: ${r.cliFailed}`);
  const fewerSafe = rows.filter((r) => r.onlyChangedSince.length > 0);
  const summary = {
    commits: rows.length,
    medianSelectionRatio: median(rows.map((r) => r.selected / r.total)),
    medianChangedSinceRatio: median(rows.map((r) => r.changedSince / r.total)),
    medianColdMs: median(rows.map((r) => r.coldMs)),
    medianWarmMs: median(rows.map((r) => r.warmMs)),
    maxWarmMs: Math.max(...rows.map((r) => r.warmMs)),
    medianJestMs: median(rows.map((r) => r.jestMs)),
    medianCliMs: median(rows.map((r) => r.cliMs)),
    codeOnlyCommits: code.length,
    codeOnlyWhereOursSelectsMore: more.length,
    commitsWhereChangedSinceSelectsATestWeSkip: fewerSafe.length,
  };
  console.log(
    `\nmedian selection: ours ${pct(summary.medianSelectionRatio)}, --changedSince ${pct(summary.medianChangedSinceRatio)} of ${rows[0]?.total} tests; analysis median cold ${ms(summary.medianColdMs)}, warm ${ms(summary.medianWarmMs)} (max ${ms(summary.maxWarmMs)}), jest --changedSince --listTests ${ms(summary.medianJestMs)} (a process: Jest's start and haste map included), \`impact-analyzer select\` as a process ${ms(summary.medianCliMs)}`,
  );
  console.log(`code-only commits: ${code.length}; where we select more than --changedSince: ${more.length}`);
  for (const r of more)
    console.log(`  ${r.commit}: +${r.extra} tests, reasons ${JSON.stringify(r.extraReasons)}; e.g. "${r.extraExample}"`);
  if (rows.some((r) => r.loaded !== undefined)) {
    // Safe = lists every test the recorded run saw load or read a changed file.
    const safe = code.filter((r) => r.changedSinceMissed.length === 0);
    const unsafe = code.filter((r) => r.changedSinceMissed.length > 0);
    const safeMore = safe.filter((r) => r.selected > r.changedSince);
    summary.codeOnlyWhereChangedSinceIsSafe = safe.length;
    summary.safeCodeOnlyWhereOursSelectsMore = safeMore.length;
    summary.codeOnlyWhereChangedSinceMisses = unsafe.length;
    summary.testsChangedSinceMisses = unsafe.reduce((n, r) => n + r.changedSinceMissed.length, 0);
    summary.testsWeMiss = rows.reduce((n, r) => n + r.oursMissed.length, 0);
    console.log(
      `code-only commits where --changedSince lists every test the recorded run saw load a changed file (safe): ${safe.length}; where we select more than it there: ${safeMore.length} (target 0)`,
    );
    for (const r of safeMore)
      console.log(
        `  ${r.commit}: ours ${r.selected}, --changedSince ${r.changedSince}, reasons ${JSON.stringify(r.extraReasons)}; e.g. "${r.extraExample}"`,
      );
    console.log(
      `code-only commits where --changedSince leaves out tests that loaded a changed file: ${unsafe.length} (${summary.testsChangedSinceMisses} tests); tests that loaded a changed file and that we leave out, all commits: ${summary.testsWeMiss}`,
    );
    for (const r of unsafe)
      console.log(
        `  ${r.commit}: --changedSince leaves out ${r.changedSinceMissed.length} of ${r.loaded}, e.g. ${r.changedSinceMissed[0]}`,
      );
  }
  if (fewerSafe.length > 0) {
    console.log(`commits where --changedSince lists a test we skip: ${fewerSafe.length}`);
    for (const r of fewerSafe)
      console.log(`  ${r.commit} (${r.kind}): ${r.onlyChangedSince.slice(0, 5).join(', ')}${r.onlyChangedSince.length > 5 ? ', ...' : ''}`);
  }
  return summary;
}

// 1. The generated repository.
const fixtureRoot = join(TMP_DIR, 'selection-fixture');
const layout = generateFixtureRepo(fixtureRoot, { quick: QUICK });
const initial = git(fixtureRoot, 'rev-parse', 'HEAD');
const history = generateHistory(layout, { count: QUICK ? 8 : 20 });
git(fixtureRoot, 'checkout', '-q', '--detach', initial);
const recording = runJest(fixtureRoot, [], { record: true });
if (recording.code !== 0) throw new Error(`the recording run failed:\n${recording.stderr}`);
git(fixtureRoot, 'checkout', '-q', 'main');
const fixtureMap = readImpactMap(join(fixtureRoot, DEFAULT_MAP_PATH));
const fixtureRows = await replay(fixtureRoot, history, { total: layout.tests.length, map: fixtureMap });
const fixtureSummary = report(
  `Generated repository: ${countFiles(fixtureRoot)} files, ${layout.tests.length} test files, ${history.length} commits; map recorded at the first commit`,
  fixtureRows,
);
console.log(
  `target: warm selection under 1 s on the 2,000-file repository: ${fixtureSummary.maxWarmMs < 1000 ? 'met' : 'not met'} (max ${ms(fixtureSummary.maxWarmMs)})`,
);

// 2. This monorepo's own history (no map: the analyzer runs everything and says why; the static selection is shown too).
const monorepo = cloneMonorepo('selection-monorepo');
const commits = git(monorepo, 'rev-list', '--first-parent', `--max-count=${QUICK ? 6 : 20}`, 'HEAD')
  .split('\n')
  .reverse();
const monoHistory = commits.map((commit) => ({
  commit,
  parent: git(monorepo, 'rev-parse', `${commit}^`),
  kind: 'commit',
  files: git(monorepo, 'diff', '--name-only', `${commit}^`, commit).split('\n').filter(Boolean),
}));
const monoTotal = jestList(monorepo, []).files.length;
const monoRows = await replay(monorepo, monoHistory, { total: monoTotal });
for (const [i, r] of monoRows.entries()) {
  const warm = await selectTests({ cwd: monorepo, base: monoHistory[i].parent, head: monoHistory[i].commit, history: false });
  const staticPart = warm.tests.filter((d) =>
    d.reasons.some((reason) => ['static-dependency', 'test-changed', 'new-test'].includes(reason.code)),
  );
  r.staticSelected = staticPart.length;
  const theirs = new Set(r.changedSinceFiles);
  r.staticExtra = staticPart
    .filter((d) => !theirs.has(d.path))
    .map((d) => ({ test: d.path, reason: d.reasons.find((reason) => reason.code !== 'stale-map')?.message }));
}
const monoSummary = report(
  `This monorepo, last ${monoRows.length} first-parent commits (a clone), ${monoTotal} test files, no map`,
  monoRows,
);
console.log('static part of the selection (tests with a static-dependency, test-changed or new-test reason), next to --changedSince:');
table(
  ['commit', 'static part', 'changedSince'],
  monoRows.map((r) => [r.commit, String(r.staticSelected), String(r.changedSince)]),
);
for (const r of monoRows.filter((row) => row.staticExtra.length > 0)) {
  console.log(`  ${r.commit}: static part has ${r.staticExtra.length} test(s) --changedSince does not list:`);
  for (const extra of r.staticExtra.slice(0, 4)) console.log(`    ${extra.test}: ${extra.reason}`);
}
git(fixtureRoot, 'checkout', '-q', 'main');
writeResult('selection', { fixture: { summary: fixtureSummary, rows: fixtureRows }, monorepo: { summary: monoSummary, rows: monoRows } });
