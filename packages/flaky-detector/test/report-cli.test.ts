import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { realService } from '@proving-ground/test-kit';
import { runCli } from '../src/cli.js';
import type { CommandIo } from '../src/cli/command.js';
import type { History } from '../src/model.js';
import type { Report } from '../src/report/report-model.js';
import { openHistoryStore } from '../src/store/open-store.js';
import { scratchDatabase } from './postgres-database.js';
import { REPORT_TESTS, reportHistory, reportTestId } from './report-history.js';

const folder = mkdtempSync(join(tmpdir(), 'flaky-report-cli-'));
const storePath = join(folder, 'history.sqlite');
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function report(args: string[], io: Partial<CommandIo> = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['report', ...args], {
    cwd: folder,
    env: {},
    isTTY: false,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    ...io,
  });
  return { code, stdout, stderr };
}

async function writeStore(where: string, history: History): Promise<void> {
  await using store = await openHistoryStore(where.startsWith('postgres://') ? { url: where } : { path: where });
  for (const run of history.runs) await store.recordRun(run);
  await store.recordAttempts(history.attempts);
}

beforeAll(async () => {
  await writeStore(storePath, reportHistory());
  writeFileSync(
    join(folder, 'flaky-quarantine.json'),
    JSON.stringify({
      entries: [
        {
          testId: reportTestId('flaky'),
          owner: '@realtime',
          reason: 'drops under load',
          issue: 'https://example.invalid/issues/7',
          expires: '2020-01-31',
        },
        {
          testId: reportTestId('img'),
          owner: '@web',
          reason: 'races the renderer',
          issue: 'https://example.invalid/issues/8',
          expires: '2999-12-31',
        },
      ],
    }),
  );
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('flaky-detector report', () => {
  it('should print a plain terminal summary with the figures behind each section when stdout is not a terminal', async () => {
    const { code, stdout } = await report(['--store', storePath]);

    expect(code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toContain('flaky-detector: 12 runs, 8 tests, 109 attempts');
    expect(stdout).toMatch(/Slowest tests: median, share of suite time \(4\)\n\s+910 ms\s+\d+\.\d% {2}search ranks by relevance/);
    expect(stdout).toMatch(
      /0\.346 {2}\[0\.125, 0\.612\] {2}4\/12 runs {2}flip 0\.50 {2}socket reconnects after a drop .*failed and passed on the same code, quarantined/,
    );
    expect(stdout).toContain(
      'failing   invoice applies the discount  (src/invoice.test.ts): failed every attempt of 3 runs since c3; last passed at c2',
    );
    expect(stdout).toMatch(/socket reconnects after a drop {2}owner @realtime {2}EXPIRED 2020-01-31 \(\d+ days ago\)/);
    expect(stdout).toContain(
      '  lines 80.50% (84.00%), branches 70.00% (71.00%)\n  dropped: lines 84.00% to 80.50% (-3.50 points) in the latest run',
    );
    expect(stdout).toMatch(
      /Tests that caught real failures .*\(1\)\n\s+1 caught {2}refund rejects a negative amount {2}\(latest fixed at c2\)/,
    );
    expect(stdout).toMatch(/speed-up\s+Split or speed up "search ranks by relevance".*\[share of the suite's time: \d+\.\d%\]/);
  });

  it('should colour the terminal summary on a terminal, and not when NO_COLOR is set', async () => {
    const coloured = await report(['--store', storePath], { stdoutIsTTY: true });
    const plain = await report(['--store', storePath], { stdoutIsTTY: true, env: { NO_COLOR: '1' } });

    expect(coloured.stdout).toContain('\u001b[31mEXPIRED 2020-01-31');
    // eslint-disable-next-line no-control-regex
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });

  it('should write versioned JSON with every section the other formats show', async () => {
    const { stdout } = await report(['--store', storePath, '--format', 'json']);
    const parsed = JSON.parse(stdout) as Report;

    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.runs.map((run) => run.runId)).toHaveLength(12);
    expect(parsed.flaky.map((entry) => [entry.fullName, entry.quarantined])).toEqual([
      [REPORT_TESTS.flaky.fullName, true],
      [REPORT_TESTS.script.fullName, false],
      [REPORT_TESTS.img.fullName, true],
    ]);
    expect(parsed.regressions.map((entry) => [entry.kind, entry.fullName])).toEqual([
      ['failure', REPORT_TESTS.broken.fullName],
      ['duration', REPORT_TESTS.slowed.fullName],
    ]);
    expect(parsed.quarantine.map((entry) => [entry.owner, entry.expired])).toEqual([
      ['@realtime', true],
      ['@web', false],
    ]);
    expect(parsed.recommendations.length).toBeGreaterThan(0);
    expect(parsed.heatmap.rows[0]).toEqual({
      testId: reportTestId('broken'),
      fullName: REPORT_TESTS.broken.fullName,
      cells: 'pppppppppfff',
    });
  });

  it('should read only the last N runs with --last', async () => {
    const { stdout } = await report(['--store', storePath, '--format', 'json', '--last', '3']);

    expect((JSON.parse(stdout) as Report).runs.map((run) => run.runId)).toEqual(['run-10', 'run-11', 'run-12']);
  });

  it('should write the HTML dashboard to --out and print its path', async () => {
    const out = join(folder, 'reports', 'flaky.html');

    const { code, stdout } = await report(['--store', storePath, '--format', 'html', '--out', 'reports/flaky.html']);

    expect(code).toBe(0);
    expect(stdout).toBe(`${out}\n`);
    expect(readFileSync(out, 'utf8')).toMatch(
      /^<!doctype html>[\s\S]*<script type="application\/json" id="flaky-detector-data">\{"schemaVersion":1,/,
    );
  });

  it('should write JUnit XML of the run --run names, GitHub annotations and Markdown for a comment', async () => {
    const junit = await report(['--store', storePath, '--format', 'junit', '--run', 'run-08']);
    const github = await report(['--store', storePath, '--format', 'github']);
    const markdown = await report(['--store', storePath, '--format', 'markdown', '--target', 'comment']);

    expect(junit.stdout).toContain('<property name="runId" value="run-08"/>');
    expect(junit.stdout.match(/<flakyFailure /g)).toHaveLength(2);
    expect(github.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^::error file=src\/invoice\.test\.ts,title=Regression%3A invoice applies the discount::failed every attempt/),
      expect.stringMatching(/^::warning file=src\/search\.test\.ts,title=Slower%3A search ranks by relevance::/),
      expect.stringMatching(/^::error file=src\/socket\.test\.ts,title=Quarantine expired%3A socket reconnects after a drop::/),
      expect.stringMatching(
        /^::warning file=src\/socket\.test\.ts,title=Flaky%3A socket reconnects after a drop::Flakiness score 0\.346 \(95%25 interval/,
      ),
      expect.stringMatching(/^::warning file=src\/xss\.test\.ts,title=Flaky%3A escapes/),
      expect.stringMatching(/^::warning file=src\/xss\.test\.ts,title=Flaky%3A renders/),
    ]);
    expect(markdown.stdout).toContain(
      '| 0.346 | 0.125 to 0.612 | 4/12 | socket reconnects after a drop | src/socket.test.ts | yes | yes |',
    );
  });

  it('should list every bad flag at once, with the nearest format', async () => {
    const { code, stderr } = await report([
      '--format',
      'htm',
      '--last',
      '0',
      '--target',
      'pr',
      '--store',
      'a',
      '--url',
      'postgres://u:secret@db/x',
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain('[flaky-detector] Failed to read the arguments of `flaky-detector report`: 4 problems.');
    expect(stderr).toContain('- --format: expected one of');
    expect(stderr).toContain('"htm" (did you mean "html"?)');
    expect(stderr).toContain('- --last: expected a whole number >= 1, got 0.');
    expect(stderr).toContain('- --target: expected one of');
    expect(stderr).toContain('- --store and --url: give one of them, not both.');
    expect(stderr).not.toContain('secret');
  });

  it('should refuse a store that does not exist without creating it, and a quarantine file given but missing', async () => {
    const missing = join(folder, 'nowhere.sqlite');

    const store = await report(['--store', missing]);
    const quarantine = await report(['--store', storePath, '--quarantine', 'missing.json']);

    expect(store.code).toBe(1);
    expect(store.stderr).toContain(missing);
    expect(existsSync(missing)).toBe(false);
    expect(quarantine.code).toBe(1);
    expect(quarantine.stderr).toContain(
      `[flaky-detector] Failed to read the quarantine file ${join(folder, 'missing.json')}: there is no such file.`,
    );
  });

  it('should draw a progress bar on a terminal for a large history, and none off it', async () => {
    const large = join(folder, 'large.sqlite');
    const base = reportHistory();
    const runs = Array.from({ length: 60 }, (_, index) => ({
      ...base.runs[0]!,
      runId: `big-${index}`,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    }));
    const first = base.attempts.filter((attempt) => attempt.runId === base.runs[0]!.runId);
    await writeStore(large, { runs, attempts: runs.flatMap((run) => first.map((attempt) => ({ ...attempt, runId: run.runId }))) });

    const terminal = await report(['--store', large, '--format', 'json'], { isTTY: true });
    const log = await report(['--store', large, '--format', 'json']);

    expect(terminal.stderr).toContain('\rReading history [');
    expect(terminal.stderr).toContain('100% 60/60 runs');
    expect(log.stderr).toBe('');
  });

  it('should print the written path when the built command line writes the dashboard', async () => {
    const out = join(folder, 'built.html');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(packageDir, 'dist', 'cli.mjs'), 'report', '--format', 'html', '--out', out, '--store', storePath],
      {
        cwd: folder,
      },
    );

    expect(stdout).toBe(`${out}\n`);
    expect(readFileSync(out, 'utf8')).toContain('function dashboardMain()');
  });
});

const postgres = realService('postgres');
(postgres.url === undefined ? describe.skip : describe)(
  `flaky-detector report --url on a real PostgreSQL server ${postgres.skipReason ?? ''}`,
  () => {
    it('should report the same findings from PostgreSQL as from SQLite', async () => {
      const database = await scratchDatabase(postgres.url!, 'report');
      try {
        await writeStore(database.url, reportHistory());

        const fromPostgres = JSON.parse((await report(['--url', database.url, '--format', 'json'])).stdout) as Report;
        const fromSqlite = JSON.parse((await report(['--store', storePath, '--format', 'json'])).stdout) as Report;

        expect({ ...fromPostgres, generatedAt: '' }).toEqual({ ...fromSqlite, generatedAt: '' });
        expect(fromPostgres.flaky).toHaveLength(3);
      } finally {
        await database.drop();
      }
    });
  },
);
