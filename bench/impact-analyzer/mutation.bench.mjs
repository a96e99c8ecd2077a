// Mutation replay: small mutations applied one at a time to sampled files of the generated
// repository (source modules mostly, plus data files and test fixtures read with fs) and to a few
// source files of this monorepo; for each, `selectTests` against HEAD (the working tree as head),
// then the full suite; every failing test file outside the selection is a miss.
// `node impact-analyzer/mutation.bench.mjs [--quick]` after `npm run build -w packages/impact-analyzer`.
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { countFiles, generateFixtureRepo, git, prng, runJest } from './fixture-repo.mjs';
import { mutateFile, mutateJson } from './mutants.mjs';
import { QUICK, TMP_DIR, cloneMonorepo, jestList, loadSelectTests, runJestFailing, median, pct, table, writeResult } from './shared.mjs';

const selectTests = await loadSelectTests();

function failingFiles(root, outputFile) {
  const result = JSON.parse(readFileSync(outputFile, 'utf8'));
  return result.testResults.filter((file) => file.status === 'failed').map((file) => relative(root, file.name).split('\\').join('/'));
}

async function trial(root, mutant, runSuite) {
  const selection = await selectTests({ cwd: root, base: 'HEAD', history: false });
  // Jest's own selection for the same uncommitted change, side by side.
  const jest = new Set(jestList(root, ['--onlyChanged']).files);
  const failing = runSuite();
  const selected = new Set(selection.selected);
  const misses = failing.filter((test) => !selected.has(test));
  const jestMisses = failing.filter((test) => !jest.has(test));
  mutant.undo();
  return {
    mutant: `${mutant.path}:${mutant.line} ${mutant.operator} (${mutant.before} → ${mutant.after})`,
    selected: selection.selected.length,
    runAll: selection.runAll,
    runAllReasons: selection.runAllReasons.map((r) => r.code),
    failing: failing.length,
    killed: failing.length > 0,
    misses,
    onlyChanged: jest.size,
    jestMisses,
    missReasons: misses.map(
      (test) =>
        `${test}: ${selection.tests
          .find((d) => d.path === test)
          ?.reasons.map((r) => r.message)
          .join(' / ')}`,
    ),
  };
}

function report(title, rows, total) {
  console.log(`\n${title}`);
  table(
    ['mutant', 'failing tests', 'selected', 'selected / all', 'misses', 'jest --onlyChanged', 'its misses'],
    rows.map((r) => [
      r.mutant.replace(/\|/g, '\\|'),
      String(r.failing),
      r.runAll ? `all (${r.runAllReasons.join(', ')})` : String(r.selected),
      pct(r.selected / total),
      String(r.misses.length),
      r.onlyChanged === undefined ? '-' : String(r.onlyChanged),
      r.jestMisses === undefined ? '-' : String(r.jestMisses.length),
    ]),
  );
  const killed = rows.filter((r) => r.killed);
  const missed = rows.filter((r) => r.misses.length > 0);
  console.log(
    `mutants ${rows.length}, killed ${killed.length}, misses ${missed.reduce((sum, r) => sum + r.misses.length, 0)} failing test files outside the selection in ${missed.length} mutants (target: none); median selection ${pct(median(rows.map((r) => r.selected / total)))} of ${total} tests`,
  );
  for (const r of missed) for (const line of r.missReasons) console.log(`  MISS ${r.mutant}\n    ${line}`);
  const jestMissed = rows.filter((r) => r.jestMisses?.length > 0);
  if (rows.some((r) => r.jestMisses !== undefined))
    console.log(
      `jest --onlyChanged on the same mutants: misses ${jestMissed.reduce((sum, r) => sum + r.jestMisses.length, 0)} failing test files in ${jestMissed.length} mutants; median selection ${pct(median(rows.map((r) => r.onlyChanged / total)))}`,
    );
  return {
    jestMutantsWithMisses: jestMissed.length,
    jestMisses: jestMissed.reduce((sum, r) => sum + r.jestMisses.length, 0),
    mutants: rows.length,
    killed: killed.length,
    mutantsWithMisses: missed.length,
    misses: missed.flatMap((r) => r.misses.map((test) => ({ mutant: r.mutant, test }))),
    medianSelectionRatio: median(rows.map((r) => r.selected / total)),
  };
}

// 1. The generated repository: map recorded at HEAD, then one mutant at a time.
const root = join(TMP_DIR, 'mutation-fixture');
const layout = generateFixtureRepo(root, { quick: QUICK, seed: 11 });
const recording = runJest(root, [], { record: true });
if (recording.code !== 0) throw new Error(`the recording run failed:\n${recording.stderr}`);
const random = prng(2026);
const count = QUICK ? 10 : 30;
const outputFile = join(TMP_DIR, 'mutation-results.json');
const fixtureRows = [];
for (let i = 0; i < count; i++) {
  const r = random();
  const mutant =
    r < 0.1
      ? mutateJson(root, random.pick(layout.dataFiles), random)
      : r < 0.2 && layout.fixtures.length > 0
        ? mutateJson(root, random.pick(layout.fixtures), random)
        : mutateFile(root, random.pick(layout.modules).path, random);
  if (mutant === undefined) continue;
  fixtureRows.push(
    await trial(root, mutant, () => {
      rmSync(outputFile, { force: true });
      runJest(root, ['--json', `--outputFile=${outputFile}`, '--silent']);
      return failingFiles(root, outputFile);
    }),
  );
  process.stderr.write('.');
}
process.stderr.write('\n');
const fixtureSummary = report(
  `Generated repository: ${countFiles(root)} files, ${layout.tests.length} test files, full suite run per mutant`,
  fixtureRows,
  layout.tests.length,
);

// 2. This monorepo: a few mutants in @proving-ground/kit's sources, only the `kit` unit project run
// (its src/**/*.test.ts). No map in the clone, so the analyzer runs everything; the static part of
// the selection (tests with a reason of their own) is what is checked for misses there.
const monorepo = cloneMonorepo('mutation-monorepo');
const kitSources = git(monorepo, 'ls-files', 'packages/kit/src')
  .split('\n')
  .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts'));
const monoRandom = prng(7);
const monoRows = [];
let monoTotal = 0;
const monoCount = QUICK ? 2 : 5;
// Some files offer no mutation (re-exports, types only): draw until enough mutants, within a bound.
for (let attempt = 0; monoRows.length < monoCount && attempt < monoCount * 6; attempt++) {
  const mutant = mutateFile(monorepo, monoRandom.pick(kitSources), monoRandom, {
    skipLine: (line) => /^\s*(export )?(type|interface)\b|\?:/.test(line),
  });
  if (mutant === undefined) continue;
  const selection = await selectTests({ cwd: monorepo, base: 'HEAD', history: false });
  const staticPart = new Set(
    selection.tests
      .filter((d) => d.reasons.some((reason) => ['static-dependency', 'test-changed', 'new-test'].includes(reason.code)))
      .map((d) => d.path),
  );
  const { total, failing } = runJestFailing(monorepo, ['--selectProjects', 'kit']);
  monoTotal = total;
  const misses = failing.filter((test) => !staticPart.has(test));
  mutant.undo();
  monoRows.push({
    mutant: `${mutant.path}:${mutant.line} ${mutant.operator} (${mutant.before} → ${mutant.after})`,
    selected: [...staticPart].filter((test) => test.startsWith('packages/kit/src/')).length,
    staticTotal: staticPart.size,
    runAll: false,
    runAllReasons: [],
    failing: failing.length,
    killed: failing.length > 0,
    misses,
    missReasons: misses.map(
      (test) =>
        `${test}: ${selection.tests
          .find((d) => d.path === test)
          ?.reasons.map((r) => r.message)
          .join(' / ')}`,
    ),
  });
  process.stderr.write('.');
}
process.stderr.write('\n');
const monoSummary = report(
  `This monorepo (a clone): mutants in packages/kit/src, only the kit unit project run (${monoTotal} test files); "selected" = the static part inside that project (no map, so the analyzer itself runs everything)`,
  monoRows,
  monoTotal,
);
console.log(`static part across the whole monorepo per mutant: ${monoRows.map((r) => r.staticTotal).join(', ')}`);
writeResult('mutation', { fixture: { summary: fixtureSummary, rows: fixtureRows }, monorepo: { summary: monoSummary, rows: monoRows } });
