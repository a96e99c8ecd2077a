// Predictive order: APFD of the analyzer's order (`selection.selected`) against Jest's default
// order for the same selected set, on a replayed history of the generated repository where each
// commit is a mutant that breaks some tests (reset away after its run, as a fix would be).
// Jest's default order is emulated from its own rules: failed in the previous run first, then
// longest recorded duration first, then largest file first when no duration is known.
// `node impact-analyzer/apfd.bench.mjs [--quick]` after `npm run build -w packages/impact-analyzer`.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateFixtureRepo, git, prng, runJest } from './fixture-repo.mjs';
import { mutateFile } from './mutants.mjs';
import { QUICK, TMP_DIR, loadSelectTests, table, writeResult } from './shared.mjs';

const selectTests = await loadSelectTests();

/** APFD = 1 - (ΣTF_i)/(n·m) + 1/(2n): TF_i the 1-based position of the first test revealing fault i. */
export function apfd(order, faults) {
  const n = order.length;
  const m = faults.length;
  if (n === 0 || m === 0) return undefined;
  const position = new Map(order.map((test, i) => [test, i + 1]));
  const sum = faults.reduce((total, revealing) => total + Math.min(...revealing.map((test) => position.get(test) ?? n)), 0);
  return 1 - sum / (n * m) + 1 / (2 * n);
}

const root = join(TMP_DIR, 'apfd-fixture');
const layout = generateFixtureRepo(root, { quick: QUICK, seed: 23 });
const recording = runJest(root, [], { record: true });
if (recording.code !== 0) throw new Error(`the recording run failed:\n${recording.stderr}`);
const map = JSON.parse(readFileSync(join(root, '.impact-analyzer', 'map.json'), 'utf8'));
const random = prng(99);
const outputFile = join(TMP_DIR, 'apfd-results.json');
const rows = [];
let previousFailures = new Set();
const wanted = QUICK ? 8 : 20;
for (let attempt = 0; rows.length < wanted && attempt < wanted * 4; attempt++) {
  const mutant = mutateFile(root, random.pick(layout.modules.filter((m) => m.layer < 3)).path, random);
  if (mutant === undefined) continue;
  git(root, 'commit', '-q', '-am', `fault: ${mutant.path} ${mutant.operator}`);
  const selection = await selectTests({ cwd: root, base: 'HEAD~1', head: 'HEAD', history: false });
  rmSync(outputFile, { force: true });
  runJest(root, ['--json', `--outputFile=${outputFile}`, '--silent', ...selection.selected]);
  const result = JSON.parse(readFileSync(outputFile, 'utf8'));
  const failing = result.testResults.filter((file) => file.status === 'failed').map((file) => relative(root, file.name));
  git(root, 'reset', '-q', '--hard', 'HEAD~1'); // the fixture's own temp repo: keeps the map's commit distance constant
  if (failing.length === 0) {
    process.stderr.write('s');
    continue; // the mutant survived the selected tests: no fault to find
  }
  const jestOrder = [...selection.selected].sort((a, b) => {
    const failedA = previousFailures.has(a) ? 1 : 0;
    const failedB = previousFailures.has(b) ? 1 : 0;
    if (failedA !== failedB) return failedB - failedA;
    const durationA = map.tests[a]?.durationMs;
    const durationB = map.tests[b]?.durationMs;
    if (durationA !== undefined && durationB !== undefined) return durationB - durationA;
    if (durationA !== undefined || durationB !== undefined) return durationA === undefined ? -1 : 1;
    return statSync(join(root, b)).size - statSync(join(root, a)).size;
  });
  previousFailures = new Set(failing);
  const faults = [failing];
  rows.push({
    mutant: `${mutant.path}:${mutant.line} ${mutant.operator}`,
    selected: selection.selected.length,
    failing: failing.length,
    ours: apfd(selection.selected, faults),
    jest: apfd(jestOrder, faults),
    firstFailureOurs: 1 + selection.selected.findIndex((test) => failing.includes(test)),
    firstFailureJest: 1 + jestOrder.findIndex((test) => failing.includes(test)),
  });
  process.stderr.write('.');
}
process.stderr.write('\n');

console.log(
  `Generated repository, ${layout.tests.length} test files; ${rows.length} fault commits (one mutant each, reset away after its run)`,
);
table(
  ['fault', 'selected', 'failing', 'first failure: ours', 'first failure: Jest order', 'APFD ours', 'APFD Jest order'],
  rows.map((r) => [
    r.mutant.replace(/\|/g, '\\|'),
    String(r.selected),
    String(r.failing),
    String(r.firstFailureOurs),
    String(r.firstFailureJest),
    r.ours.toFixed(3),
    r.jest.toFixed(3),
  ]),
);
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const summary = { faults: rows.length, apfdOurs: mean(rows.map((r) => r.ours)), apfdJest: mean(rows.map((r) => r.jest)) };
summary.ratio = summary.apfdOurs / summary.apfdJest;
console.log(
  `\nmean APFD: ours ${summary.apfdOurs.toFixed(3)}, Jest's default order ${summary.apfdJest.toFixed(3)}, ratio ${summary.ratio.toFixed(2)}x`,
);
writeResult('apfd', { summary, rows });
