// Held-out scenarios: never used to choose a threshold. Different suite shapes, a different flake
// mix, more broken tests, a new commit on every run, and their own seeds (101, 102, 103).
function mix(...pairs) {
  return pairs.map(([p, count]) => ({ p, count }));
}

export const HELD_OUT_SCENARIOS = [
  {
    name: 'held out: large files, one retry, a new commit every run',
    files: 8,
    testsPerFile: 40,
    flaky: mix([0.4, 2], [0.25, 3], [0.15, 3], [0.08, 5], [0.03, 5], [0.01, 4]),
    broken: 10,
    orderPairs: 5,
    slowdowns: 8,
    renames: 6,
    runs: 150,
    newCommitShare: 1,
    retries: 1,
  },
  {
    name: 'held out: small files, no retries, nightly reruns',
    files: 60,
    testsPerFile: 3,
    flaky: mix([0.3, 4], [0.12, 4], [0.06, 4], [0.015, 4]),
    broken: 8,
    orderPairs: 2,
    slowdowns: 4,
    renames: 8,
    runs: 100,
    newCommitShare: 0.3,
    retries: 0,
  },
];
