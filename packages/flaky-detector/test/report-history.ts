import { testIdOf, type AttemptRecord, type AttemptStatus, type History, type RunRecord } from '../src/model.js';

/** A test of the report history: its file, name and what it does in each of the 12 runs. */
interface ScriptedTest {
  file: string;
  fullName: string;
  /** One token a run: `P` passed, `F` failed on both attempts, `R` failed then passed on retry, `S` skipped. */
  runs: string;
  durationMs: (run: number) => number;
}

/** Test names that are markup or script, which every format must show as text. */
export const HOSTILE_NAMES = {
  img: 'renders <img src=x onerror=window.__pwned=1> as text',
  script: 'escapes </script><script>window.__pwned=1</script> in names',
} as const;

/** The tests of {@link reportHistory}, by role. */
export const REPORT_TESTS = {
  steady: { file: 'src/cart.test.ts', fullName: 'cart totals the lines', runs: 'P P P P P P P P P P P P', durationMs: () => 40 },
  slowed: {
    file: 'src/search.test.ts',
    fullName: 'search ranks by relevance',
    runs: 'P P P P P P P P P P P P',
    durationMs: (run: number) => (run >= 11 ? 2400 : 900 + (run % 3) * 10),
  },
  flaky: { file: 'src/socket.test.ts', fullName: 'socket reconnects after a drop', runs: 'P R P P R P P R P P R P', durationMs: () => 120 },
  broken: { file: 'src/invoice.test.ts', fullName: 'invoice applies the discount', runs: 'P P P P P P P P P F F F', durationMs: () => 15 },
  caught: {
    file: 'src/refund.test.ts',
    fullName: 'refund rejects a negative amount',
    runs: 'P P P F P P P P P P P P',
    durationMs: () => 25,
  },
  skipped: { file: 'src/export.test.ts', fullName: 'export writes CSV', runs: 'S S S S S S S S S S S S', durationMs: () => 0 },
  img: { file: 'src/xss.test.ts', fullName: HOSTILE_NAMES.img, runs: 'P P P R P P P R P P P P', durationMs: () => 5 },
  script: { file: 'src/xss.test.ts', fullName: HOSTILE_NAMES.script, runs: 'P P R P P R P P P R P P', durationMs: () => 7 },
} satisfies Record<string, ScriptedTest>;

/** The id of one of {@link REPORT_TESTS}. */
export function reportTestId(role: keyof typeof REPORT_TESTS): string {
  const test = REPORT_TESTS[role];
  return testIdOf(test.file, test.fullName);
}

/** Commits of the 12 runs: the refund test fails on c1b alone, and the change to c3 breaks the invoice test. */
const COMMITS = ['c1', 'c1', 'c1', 'c1b', 'c2', 'c2', 'c2', 'c2', 'c2', 'c3', 'c3', 'c3'];

/**
 * Twelve runs of eight tests with known outcomes: a steady test, one that slows down from run 11,
 * a flaky one (failed then passed on retry in 4 runs), one broken by the change of run 10, one that
 * failed in run 4 and passed after the next change (a real failure caught), a skipped one, and two
 * flaky tests whose names are HTML and script. Line coverage drops from 84% to 80.5% in the last run.
 *
 * @example
 * const history = reportHistory();
 * const report = buildReport(history, analyzeHistory(history));
 */
export function reportHistory(): History {
  const runs: RunRecord[] = [];
  const attempts: AttemptRecord[] = [];
  for (let index = 0; index < COMMITS.length; index++) {
    const run = index + 1;
    const runId = `run-${String(run).padStart(2, '0')}`;
    const startedAt = Date.UTC(2026, 2, 1, 8, index * 10);
    let wallMs = 0;
    for (const test of Object.values(REPORT_TESTS) as ScriptedTest[]) {
      const token = test.runs.split(' ')[index]!;
      const statuses: AttemptStatus[] =
        token === 'P' ? ['passed'] : token === 'R' ? ['failed', 'passed'] : token === 'F' ? ['failed', 'failed'] : ['skipped'];
      statuses.forEach((status, attemptIndex) => {
        const durationMs = status === 'skipped' ? 0 : test.durationMs(run);
        wallMs += durationMs;
        attempts.push({
          runId,
          testId: testIdOf(test.file, test.fullName),
          file: test.file,
          fullName: test.fullName,
          attempt: attemptIndex + 1,
          status,
          durationMs,
          errorFingerprint: status === 'failed' ? `fp${test.file.length}` : undefined,
        });
      });
    }
    runs.push({
      runId,
      commit: COMMITS[index],
      lockfileHash: 'lock-1',
      nodeVersion: 'v24.11.0',
      os: 'linux',
      ciJob: 'test',
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(startedAt + wallMs + 500).toISOString(),
      suiteErrors: 0,
      coverage:
        index === 11
          ? { lines: 80.5, statements: 81, functions: 77, branches: 70 }
          : { lines: 84, statements: 84.5, functions: 78, branches: 71 },
    });
  }
  return { runs, attempts };
}
