import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testIdOf, type History } from '../src/model.js';
import { renderJunit } from '../src/report/junit.js';
import { openHistoryStore } from '../src/store/open-store.js';
import { writeReports } from './fixtures/report/write-reports.js';
import { reportHistory } from './report-history.js';

const fixtures = fileURLToPath(new URL('fixtures/report/', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'flaky-report-docs-'));
const store = join(folder, '.flaky-detector', 'history.sqlite');

/** The `run: |` block of the first step of a workflow snippet. */
function runBlock(yaml: string): string {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => /^\s+run: \|$/.test(line));
  const indent = /^\s*/.exec(lines[start + 1]!)![0].length;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && /^\s*/.exec(line)![0].length < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}

const SOCKET_FAILURE = {
  errorFingerprint: '5d41402abc4b',
  failureMessage: 'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: "open"\nReceived: "closed"',
  failureLine: 42,
};
const INVOICE_FAILURE = {
  errorFingerprint: '7d793037a076',
  failureMessage: 'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 90\nReceived: 100',
  failureLine: 17,
};

/** One run of a flaky and a failing test, for the JUnit excerpt of the docs. */
function retriedRun(): History {
  const run = { runId: 'ci-812-1', commit: '9f8e7d6', nodeVersion: 'v24.11.0', os: 'linux', startedAt: '2026-03-01T08:00:00.000Z' };
  const test = (file: string, fullName: string) => ({ runId: run.runId, file, fullName, testId: testIdOf(file, fullName) });
  const socket = test('src/socket.test.ts', 'socket reconnects after a drop');
  const invoice = test('src/invoice.test.ts', 'invoice applies the discount');
  return {
    runs: [run],
    attempts: [
      { ...socket, attempt: 1, status: 'failed', durationMs: 130, ...SOCKET_FAILURE },
      { ...socket, attempt: 2, status: 'passed', durationMs: 118 },
      { ...invoice, attempt: 1, status: 'failed', durationMs: 14, ...INVOICE_FAILURE },
      { ...invoice, attempt: 2, status: 'failed', durationMs: 15, ...INVOICE_FAILURE },
    ],
  };
}

beforeAll(async () => {
  const history = reportHistory();
  await using writer = await openHistoryStore({ path: store });
  for (const run of history.runs) await writer.recordRun(run);
  await writer.recordAttempts(history.attempts);
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('the reports section of docs/flaky-detector.md', () => {
  it('should run its GitHub Actions step: a job summary, annotations, JUnit with retries and the dashboard', async () => {
    // `npx flaky-detector` runs this package's built command line (and never reaches the registry).
    const bin = join(folder, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = flaky-detector ] || exit 64\nshift\nexec "${process.execPath}" "${cli}" "$@"\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    const summary = join(folder, 'step-summary.md');
    writeFileSync(summary, '');

    const script = runBlock(readFileSync(join(fixtures, 'github-report-step.yml'), 'utf8'));
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: folder,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`, GITHUB_STEP_SUMMARY: summary },
    });

    expect(readFileSync(summary, 'utf8')).toMatch(
      /^## flaky-detector\n[\s\S]*### Flaky tests\n[\s\S]*\| 0\.346 \| 0\.125 to 0\.612 \| 4\/12 \|/,
    );
    expect(stdout).toMatch(/^::error file=src\/invoice\.test\.ts,title=Regression%3A invoice applies the discount::/m);
    expect(stdout).toContain(`${join(folder, 'reports', 'junit-with-retries.xml')}\n`);
    expect(readFileSync(join(folder, 'reports', 'junit-with-retries.xml'), 'utf8')).toContain('<rerunFailure ');
    expect(readFileSync(join(folder, 'reports', 'flaky-dashboard.html'), 'utf8')).toContain(
      '<script type="application/json" id="flaky-detector-data">',
    );
  });

  it('should write the reports of its code example', async () => {
    const out = join(folder, 'from-code');

    await writeReports(store, out);

    expect(readFileSync(join(out, 'flaky-dashboard.html'), 'utf8')).toContain('<title>Shop API tests</title>');
    expect(readFileSync(join(out, 'pr-comment.md'), 'utf8').length).toBeLessThanOrEqual(65_536);
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
  });

  it('should show the JUnit XML the package writes for a retried pass and a test failing every attempt', () => {
    expect(renderJunit(retriedRun())).toBe(readFileSync(join(fixtures, 'junit-with-retries.xml'), 'utf8'));
  });
});
