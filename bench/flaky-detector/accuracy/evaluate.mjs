// Scores an analysis against the suite's truth: precision and recall of "flaky", runs to detection
// against the statistical minimum, broken tests that were ever called flaky (they would be
// quarantined: target none) and duration regressions flagged.
import { testIdOf } from '@proving-ground/flaky-detector';
import { nameIn } from './suite-generator.mjs';

/** Each test id of the suite with its truth (a renamed test has two ids). */
function truthById(suite, runs) {
  const byId = new Map();
  for (const test of suite.tests) {
    const names = new Set([nameIn(test, 0), nameIn(test, runs - 1)]);
    for (const name of names) {
      const renamedLater = test.renameAt !== undefined && name === test.name;
      byId.set(testIdOf(test.file, name), {
        test,
        firstRun: renamedLater || test.renameAt === undefined ? 0 : test.renameAt,
        lastRun: renamedLater ? test.renameAt - 1 : runs - 1,
      });
    }
  }
  return byId;
}

const runNumber = (runId) => Number(runId.slice(4));

export function evaluate(suite, scenario, analysis) {
  const truth = truthById(suite, scenario.runs);
  let truePositives = 0;
  let falsePositives = 0;
  let flakyTotal = 0;
  let finalTruePositives = 0;
  let finalFalsePositives = 0;
  const brokenIds = [];
  let falseQuarantines = 0;
  let regressionsReported = 0;
  const detection = [];
  for (const test of analysis.tests) {
    const known = truth.get(test.testId);
    if (known === undefined) continue;
    const truelyFlaky = known.test.kind === 'flaky' || known.test.kind === 'order-dependent';
    const firstFlaky = test.transitions.find((step) => step.to === 'flaky');
    if (truelyFlaky) flakyTotal++;
    if (firstFlaky !== undefined) {
      if (truelyFlaky) truePositives++;
      else falsePositives++;
    }
    if (test.class === 'flaky') {
      if (truelyFlaky) finalTruePositives++;
      else finalFalsePositives++;
    }
    if (known.test.kind === 'flaky' && firstFlaky !== undefined) {
      detection.push({ p: known.test.p, runs: runNumber(firstFlaky.runId) - known.firstRun + 1 });
    } else if (known.test.kind === 'flaky') {
      detection.push({ p: known.test.p, runs: undefined });
    }
    if (known.test.kind === 'broken' && known.lastRun >= known.test.brokenFrom) {
      brokenIds.push(test.testId);
      if (test.transitions.some((step) => step.to === 'flaky' && runNumber(step.runId) >= known.test.brokenFrom)) falseQuarantines++;
      if (test.class === 'broken' && test.reason === 'regression') regressionsReported++;
    }
  }
  const slowIds = new Set(
    suite.tests.filter((test) => test.slowFrom !== undefined).map((test) => testIdOf(test.file, nameIn(test, scenario.runs - 1))),
  );
  const flaggedSlow = analysis.regressions.filter((regression) => slowIds.has(regression.testId)).length;
  return {
    truePositives,
    falsePositives,
    flakyTotal,
    finalTruePositives,
    finalFalsePositives,
    broken: brokenIds.length,
    falseQuarantines,
    regressionsReported,
    detection,
    slowed: slowIds.size,
    flaggedSlow,
    falseSlow: analysis.regressions.length - flaggedSlow,
  };
}

/** Sums of several evaluations, with precision, recall and F1 of "ever called flaky". */
export function combine(results) {
  const sum = (key) => results.reduce((total, result) => total + result[key], 0);
  const tp = sum('truePositives');
  const fp = sum('falsePositives');
  const total = sum('flakyTotal');
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = total === 0 ? 1 : tp / total;
  const finalTp = sum('finalTruePositives');
  const finalFp = sum('finalFalsePositives');
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    finalPrecision: finalTp + finalFp === 0 ? 1 : finalTp / (finalTp + finalFp),
    broken: sum('broken'),
    falseQuarantines: sum('falseQuarantines'),
    regressionsReported: sum('regressionsReported'),
    slowed: sum('slowed'),
    flaggedSlow: sum('flaggedSlow'),
    falseSlow: sum('falseSlow'),
    detection: results.flatMap((result) => result.detection),
  };
}

/** Per flake probability: detected share, median runs to detection, and the statistical minimum. */
export function detectionTable(detection) {
  const byP = new Map();
  for (const entry of detection) {
    if (!byP.has(entry.p)) byP.set(entry.p, []);
    byP.get(entry.p).push(entry.runs);
  }
  return [...byP.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([p, list]) => {
      const found = list.filter((runs) => runs !== undefined).sort((a, b) => a - b);
      return {
        p,
        tests: list.length,
        detected: found.length,
        medianRuns: found.length === 0 ? undefined : found[Math.floor(found.length / 2)],
        meanRunsToFirstFailure: Math.round(1 / p),
        runsFor95: Math.ceil(Math.log(0.05) / Math.log(1 - p)),
      };
    });
}
