// Replays a synthetic suite through the real Jest reporter (FlakyDetectorReporter, from the built
// package) into a real SQLite store: per run, onRunStart, one onTestCaseResult per attempt and one
// onTestFileResult per file, as Jest 30 calls them, then onRunComplete. The commit comes in through
// GITHUB_SHA, as in CI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openHistoryStore } from '@proving-ground/flaky-detector';
import FlakyDetectorReporter from '@proving-ground/flaky-detector/reporter';
import { alignBreaks, commitsOf, generateSuite, nameIn, simulateRun } from './suite-generator.mjs';

/** Replay `scenario` with `seed`; resolves to the suite (with its truth) and the store's history. */
export async function replayThroughReporter(scenario, seed) {
  const rootDir = mkdtempSync(join(tmpdir(), 'flaky-accuracy-'));
  const suite = generateSuite(scenario, seed);
  const commits = commitsOf(scenario, suite.random);
  alignBreaks(suite, commits);
  const saved = { sha: process.env.GITHUB_SHA, actions: process.env.GITHUB_ACTIONS };
  try {
    for (let run = 0; run < scenario.runs; run++) {
      process.env.GITHUB_SHA = commits[run];
      const reporter = new FlakyDetectorReporter(
        { rootDir },
        { runId: `run-${String(run).padStart(4, '0')}`, silent: true, retries: false, earlyDetection: false },
      );
      await reporter.onRunStart();
      const byFile = new Map();
      const totals = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numRuntimeErrorTestSuites: 0 };
      for (const { test, attempts } of simulateRun(suite, scenario, run, suite.random)) {
        const path = join(rootDir, test.file);
        const fullName = nameIn(test, run);
        let cases = byFile.get(path);
        if (cases === undefined) byFile.set(path, (cases = []));
        for (const attempt of attempts) {
          const testCase = {
            fullName,
            status: attempt.status,
            duration: attempt.durationMs,
            failureMessages: attempt.status === 'failed' ? [`Error: expected 200, received 500 at ${test.file}:12:7`] : [],
          };
          reporter.onTestCaseResult({ path }, testCase);
        }
        const last = attempts.at(-1);
        cases.push({ fullName, status: last.status, duration: last.durationMs, invocations: attempts.length, failureMessages: [] });
        if (last.status === 'passed') totals.numPassedTests++;
        else totals.numFailedTests++;
      }
      for (const [path, cases] of byFile) await reporter.onTestFileResult({ path }, { testFilePath: path, testResults: cases });
      await reporter.onRunComplete(undefined, totals);
      // Runs are ordered by their start time: keep starts apart.
      await sleep(2);
    }
    await using store = await openHistoryStore({ cwd: rootDir });
    return { suite, commits, history: await store.history() };
  } finally {
    if (saved.sha === undefined) delete process.env.GITHUB_SHA;
    else process.env.GITHUB_SHA = saved.sha;
    rmSync(rootDir, { recursive: true, force: true });
  }
}
