// Accuracy of the flaky/broken classes on synthetic suites replayed through the real reporter into
// a real SQLite store. Thresholds are chosen on the tuning scenarios and seeds only; the held-out
// scenarios (another file, other seeds) are reported separately with the chosen thresholds.
// `node flaky-detector/accuracy.bench.mjs` after `npm run build -w packages/flaky-detector`.
import { performance } from 'node:perf_hooks';
import { analyzeHistory, DEFAULT_ANALYSIS_OPTIONS } from '@proving-ground/flaky-detector';
import { combine, detectionTable, evaluate } from './accuracy/evaluate.mjs';
import { replayThroughReporter } from './accuracy/reporter-replay.mjs';
import { HELD_OUT_SCENARIOS } from './accuracy/scenarios-heldout.mjs';
import { TUNING_SCENARIOS } from './accuracy/scenarios-tuning.mjs';

const TUNING_SEEDS = [1, 2, 3];
const HELD_OUT_SEEDS = [101, 102, 103];
const CANDIDATES = [];
for (const flakyRate of [0.005, 0.01, 0.02, 0.05]) for (const minFailures of [2, 3]) CANDIDATES.push({ flakyRate, minFailures });

async function replays(scenarios, seeds) {
  const out = [];
  for (const scenario of scenarios) {
    for (const seed of seeds) {
      const started = performance.now();
      const replay = await replayThroughReporter(scenario, seed);
      console.error(
        `  replayed "${scenario.name}" seed ${seed}: ${replay.history.attempts.length} attempts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      out.push({ scenario, ...replay });
    }
  }
  return out;
}

function score(replayed, scoring) {
  return combine(replayed.map(({ suite, scenario, history }) => evaluate(suite, scenario, analyzeHistory(history, { scoring }))));
}

const pct = (value) => `${(value * 100).toFixed(1)} %`;
function print(title, result) {
  console.log(`\n${title}`);
  console.log(
    `  precision ${pct(result.precision)} (class at the end: ${pct(result.finalPrecision)}), recall ${pct(result.recall)}, F1 ${pct(result.f1)}`,
  );
  console.log(
    `  broken tests: ${result.broken}; ever called flaky after they broke (would be quarantined): ${result.falseQuarantines}; reported as regressions at the end: ${result.regressionsReported}`,
  );
  console.log(
    `  slowed tests flagged at the end: ${result.flaggedSlow} of ${result.slowed}; tests flagged that were not slowed: ${result.falseSlow}`,
  );
  console.log(
    '  | p | flaky tests | detected | median runs to detection | mean runs to a first failure (1/p) | runs for 95 % to see one |',
  );
  console.log('  | --- | --- | --- | --- | --- | --- |');
  for (const row of detectionTable(result.detection)) {
    console.log(
      `  | ${row.p} | ${row.tests} | ${row.detected} | ${row.medianRuns ?? '-'} | ${row.meanRunsToFirstFailure} | ${row.runsFor95} |`,
    );
  }
}

console.error('Tuning scenarios:');
const tuning = await replays(TUNING_SCENARIOS, TUNING_SEEDS);
console.log('Tuning (scenarios-tuning.mjs, seeds 1-3): candidates');
let chosen;
for (const candidate of CANDIDATES) {
  const result = score(tuning, candidate);
  console.log(
    `  flakyRate ${candidate.flakyRate}, minFailures ${candidate.minFailures}: precision ${pct(result.precision)}, recall ${pct(result.recall)}, F1 ${pct(result.f1)}, false quarantines ${result.falseQuarantines}`,
  );
  const better =
    chosen === undefined ||
    result.falseQuarantines < chosen.result.falseQuarantines ||
    (result.falseQuarantines === chosen.result.falseQuarantines && result.f1 > chosen.result.f1);
  if (better) chosen = { candidate, result };
}
const defaults = { flakyRate: DEFAULT_ANALYSIS_OPTIONS.scoring.flakyRate, minFailures: DEFAULT_ANALYSIS_OPTIONS.scoring.minFailures };
console.log(`Chosen on the tuning set: ${JSON.stringify(chosen.candidate)} (package defaults: ${JSON.stringify(defaults)})`);
print('Tuning set, chosen thresholds', chosen.result);

console.error('Held-out scenarios:');
const heldOut = await replays(HELD_OUT_SCENARIOS, HELD_OUT_SEEDS);
print('Held-out set (scenarios-heldout.mjs, seeds 101-103), chosen thresholds', score(heldOut, chosen.candidate));
