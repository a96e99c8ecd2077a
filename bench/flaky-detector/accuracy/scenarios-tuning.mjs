// Scenarios the class thresholds were tuned on (with seeds 1, 2 and 3). The held-out scenarios
// live in scenarios-heldout.mjs, written separately, and are run with other seeds.
const flakyMix = [
  { p: 0.5, count: 3 },
  { p: 0.2, count: 4 },
  { p: 0.1, count: 4 },
  { p: 0.05, count: 4 },
  { p: 0.02, count: 4 },
];

export const TUNING_SCENARIOS = [
  {
    name: 'retries, mostly new commits',
    files: 20,
    testsPerFile: 10,
    flaky: flakyMix,
    broken: 6,
    orderPairs: 3,
    slowdowns: 5,
    renames: 4,
    runs: 120,
    newCommitShare: 0.8,
    retries: 2,
  },
  {
    name: 'no retries, reruns of the same commit',
    files: 20,
    testsPerFile: 10,
    flaky: flakyMix,
    broken: 6,
    orderPairs: 3,
    slowdowns: 5,
    renames: 4,
    runs: 120,
    newCommitShare: 0.5,
    retries: 0,
  },
  {
    name: 'no retries, a new commit every run (scores alone)',
    files: 20,
    testsPerFile: 10,
    flaky: flakyMix,
    broken: 6,
    orderPairs: 3,
    slowdowns: 5,
    renames: 4,
    runs: 120,
    newCommitShare: 1,
    retries: 0,
  },
];
