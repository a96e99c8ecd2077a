import { testIdOf, type AttemptRecord, type AttemptStatus, type History, type RunRecord } from '../src/model.js';

/** What a history script says about each run. */
export interface HistoryScript {
  /**
   * Each test's runs, one token a run, separated by spaces: `P` passed, `F` failed (every attempt:
   * `F` once, `FFF` three attempts), `R` failed then passed on retry, `S` skipped, `-` not in the run.
   */
  tests: Record<string, string>;
  /** The commit of each run (default: a new commit every run). */
  commits?: Array<string | undefined>;
  /** Durations in ms of each test's passing attempts, one per run (default 10 ms). */
  durations?: Record<string, number[]>;
  /** Coverage of each run (lines, statements, functions, branches all equal), or undefined. */
  coverage?: Array<number | undefined>;
}

/** The file every scripted test is in. */
export const SCRIPT_FILE = 'src/scripted.test.ts';

/** The test id of a scripted test. */
export function idOf(name: string): string {
  return testIdOf(SCRIPT_FILE, name);
}

/**
 * A small history written by hand: `scriptedHistory({ tests: { a: 'P P F P' } })` is four runs
 * (`r1`...`r4`, a minute apart, commits `c1`...`c4`) of one test `a`.
 */
export function scriptedHistory(script: HistoryScript): History {
  const tokens = Object.fromEntries(Object.entries(script.tests).map(([name, line]) => [name, line.trim().split(/\s+/)]));
  const runCount = Math.max(...Object.values(tokens).map((list) => list.length));
  const runs: RunRecord[] = [];
  const attempts: AttemptRecord[] = [];
  for (let r = 0; r < runCount; r++) {
    const runId = `r${r + 1}`;
    const coverage = script.coverage?.[r];
    runs.push({
      runId,
      commit: script.commits === undefined ? `c${r + 1}` : script.commits[r],
      lockfileHash: 'lock',
      nodeVersion: 'v24.0.0',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, r)).toISOString(),
      ...(coverage === undefined ? {} : { coverage: { lines: coverage, statements: coverage, functions: coverage, branches: coverage } }),
    });
    for (const [name, list] of Object.entries(tokens)) {
      const token = list[r] ?? '-';
      if (token === '-') continue;
      const durationMs = script.durations?.[name]?.[r] ?? 10;
      const statuses: AttemptStatus[] =
        token === 'P' ? ['passed'] : token === 'R' ? ['failed', 'passed'] : token === 'S' ? ['skipped'] : [...token].map(() => 'failed');
      statuses.forEach((status, index) =>
        attempts.push({
          runId,
          testId: idOf(name),
          file: SCRIPT_FILE,
          fullName: name,
          attempt: index + 1,
          status,
          durationMs,
          ...(status === 'failed' ? { errorFingerprint: 'f00d' } : {}),
        }),
      );
    }
  }
  return { runs, attempts };
}

/** `token` repeated `count` times, for long scripts: `times('P', 10)`. */
export function times(token: string, count: number): string {
  return Array.from({ length: count }, () => token).join(' ');
}
