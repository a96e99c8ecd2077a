import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { realService } from '@proving-ground/test-kit';
import { runCli } from '../src/cli.js';
import type { CommandIo } from '../src/cli/command.js';
import { openHistoryStore, type AttemptRecord, type History, type HistoryStoreOptions, type RunRecord } from '../src/index.js';
import { attemptKeys, sampleAttempt, sampleRun } from './history-samples.js';
import { scratchDatabase } from './postgres-database.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.mjs');
const postgres = realService('postgres');
const describeWithPostgres = postgres.url === undefined ? describe.skip : describe;

interface Captured extends CommandIo {
  out: string;
  err: string;
}

function captureIo(cwd: string, isTTY = false): Captured {
  const io: Captured = {
    cwd,
    env: {},
    isTTY,
    out: '',
    err: '',
    stdout: (text) => (io.out += text),
    stderr: (text) => (io.err += text),
  };
  return io;
}

async function writeStore(options: HistoryStoreOptions, runs: readonly RunRecord[], attempts: readonly AttemptRecord[]): Promise<void> {
  const store = await openHistoryStore(options);
  for (const run of runs) await store.recordRun(run);
  await store.recordAttempts(attempts);
  await store.close();
}

async function readStore(options: HistoryStoreOptions): Promise<History> {
  const store = await openHistoryStore(options);
  try {
    return await store.history();
  } finally {
    await store.close();
  }
}

let folder: string;
const shared = sampleRun('ci-7-shared', 2);
const shardA = {
  runs: [sampleRun('ci-5-a', 1), shared],
  attempts: [
    sampleAttempt('ci-5-a', 'cart should add'),
    // Failure texts travel with their attempts.
    sampleAttempt('ci-5-a', 'cart should remove', 'failed', {
      errorFingerprint: 'aaaaaaaaaaaa',
      failureMessage: 'Error: gone',
      failureLine: 8,
    }),
    sampleAttempt('ci-5-a', 'cart should remove', 'passed', { attempt: 2 }),
    sampleAttempt('ci-7-shared', 'cart should add'),
    sampleAttempt('ci-7-shared', 'cart should remove'),
  ],
};
const shardB = {
  runs: [shared, sampleRun('ci-9-b', 3, { shard: '2/2' })],
  attempts: [
    sampleAttempt('ci-7-shared', 'cart should remove'),
    sampleAttempt('ci-7-shared', 'orders should total', 'failed', {
      errorFingerprint: 'bbbbbbbbbbbb',
      failureMessage: 'Error: expected 3 lines',
      durationMs: 31.5,
    }),
    sampleAttempt('ci-9-b', 'orders should total', 'skipped', { durationMs: 0 }),
  ],
};
const union = [...shardA.attempts, ...shardB.attempts.slice(1)];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'flaky-merge-'));
  await writeStore({ path: join(folder, 'shard-a.sqlite') }, shardA.runs, shardA.attempts);
  await writeStore({ path: join(folder, 'shard-b.sqlite') }, shardB.runs, shardB.attempts);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('flaky-detector merge', () => {
  it('should merge two shard stores with an overlapping run into one, each attempt once, and add nothing the second time', async () => {
    const io = captureIo(folder);

    const first = await runCli(['merge', '--into', 'merged.sqlite', 'shard-a.sqlite', 'shard-b.sqlite'], io);
    const afterFirst = await readStore({ path: join(folder, 'merged.sqlite') });
    const again = await runCli(['merge', '--into', 'merged.sqlite', 'shard-a.sqlite', 'shard-b.sqlite'], io);
    const afterSecond = await readStore({ path: join(folder, 'merged.sqlite') });

    expect([first, again]).toEqual([0, 0]);
    expect(afterFirst.runs.map((run) => run.runId)).toEqual(['ci-5-a', 'ci-7-shared', 'ci-9-b']);
    expect(attemptKeys(afterFirst.attempts)).toEqual(attemptKeys(union));
    expect(afterFirst.attempts).toEqual(expect.arrayContaining(union));
    expect(afterSecond).toEqual(afterFirst);
    const lines = io.out.trim().split('\n');
    expect(lines[0]).toBe(`Merged 2 stores into ${join(folder, 'merged.sqlite')}: 4 runs, 8 attempts read, 7 new.`);
    expect(lines[1]).toBe(`Merged 2 stores into ${join(folder, 'merged.sqlite')}: 4 runs, 8 attempts read, 0 new.`);
  });

  it('should report a corrupt source by name and leave the target untouched', async () => {
    const target = join(folder, 'untouched.sqlite');
    await writeStore({ path: target }, [sampleRun('ci-1-old', 0)], [sampleAttempt('ci-1-old', 'cart should add')]);
    const before = readFileSync(target);
    writeFileSync(join(folder, 'garbage.sqlite'), '<html>artifact expired</html>'.repeat(50));
    const io = captureIo(folder);

    const code = await runCli(['merge', '--into', 'untouched.sqlite', 'shard-a.sqlite', 'garbage.sqlite'], io);

    expect(code).toBe(1);
    expect(io.err).toContain(`Failed to open the history store "${join(folder, 'garbage.sqlite')}": it is not a SQLite database.`);
    expect(io.out).toBe('');
    expect(readFileSync(target).equals(before)).toBe(true);
  });

  it('should name every missing or empty source, and create no target', async () => {
    writeFileSync(join(folder, 'empty.sqlite'), '');
    const io = captureIo(folder);

    const code = await runCli(['merge', '--into', 'never.sqlite', 'missing.sqlite', 'empty.sqlite'], io);

    expect(code).toBe(1);
    expect(io.err).toContain(`Failed to read the history store "${join(folder, 'missing.sqlite')}": there is no such file.`);
    expect(io.err).toContain(`"${join(folder, 'empty.sqlite')}": it is a SQLite database but holds no flaky-detector history.`);
    expect(existsSync(join(folder, 'never.sqlite'))).toBe(false);
    expect(readFileSync(join(folder, 'empty.sqlite'), 'utf8')).toBe('');
  });

  it('should refuse arguments without a target or a source, or with the target as a source', async () => {
    const io = captureIo(folder);

    const codes = [
      await runCli(['merge', 'shard-a.sqlite'], io),
      await runCli(['merge', '--into', 'x.sqlite'], io),
      await runCli(['merge', '--into', 'shard-a.sqlite', './shard-a.sqlite'], io),
    ];

    expect(codes).toEqual([1, 1, 1]);
    expect(io.err).toContain('Failed to read the arguments of `flaky-detector merge`: --into <target> is missing.');
    expect(io.err).toContain('no source store is given');
    expect(io.err).toContain('the source "./shard-a.sqlite" is the target itself');
  });

  it('should draw a progress bar on a terminal and plain lines otherwise, on stderr', async () => {
    const terminal = captureIo(folder, true);
    const plain = captureIo(folder, false);

    await runCli(['merge', '--into', 'progress-tty.sqlite', 'shard-a.sqlite', 'shard-b.sqlite'], terminal);
    await runCli(['merge', '--into', 'progress-plain.sqlite', 'shard-a.sqlite', 'shard-b.sqlite'], plain);

    expect(terminal.err).toContain('\rMerging [----------------------------]   0% 0/4 runs');
    expect(terminal.err.endsWith('\rMerging [############################] 100% 4/4 runs\n')).toBe(true);
    expect(plain.err).not.toContain('\r');
    expect(plain.err.split('\n')[0]).toBe('Merging: 0/4 runs (0%)');
    expect(plain.err.trimEnd().split('\n').at(-1)).toBe('Merging: 4/4 runs (100%)');
  });

  it('should run from the built bin', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'merge', '--into', 'bin.sqlite', 'shard-a.sqlite', 'shard-b.sqlite'],
      {
        cwd: folder,
      },
    );

    expect(stdout).toBe(`Merged 2 stores into ${join(folder, 'bin.sqlite')}: 4 runs, 8 attempts read, 7 new.\n`);
    expect(attemptKeys((await readStore({ path: join(folder, 'bin.sqlite') })).attempts)).toEqual(attemptKeys(union));
  });
});

describeWithPostgres(`flaky-detector merge into PostgreSQL ${postgres.skipReason ?? ''}`.trim(), () => {
  it('should merge shard files into a PostgreSQL target exactly once', async () => {
    const database = await scratchDatabase(postgres.url!, 'merge');
    try {
      const io = captureIo(folder);

      await runCli(['merge', '--into', database.url, 'shard-a.sqlite', 'shard-b.sqlite'], io);
      await runCli(['merge', '--into', database.url, 'shard-b.sqlite'], io);
      const merged = await readStore({ url: database.url });

      expect(merged.runs.map((run) => run.runId)).toEqual(['ci-5-a', 'ci-7-shared', 'ci-9-b']);
      expect(attemptKeys(merged.attempts)).toEqual(attemptKeys(union));
      expect(io.out).toContain('8 attempts read, 7 new.');
      expect(io.out).toContain('3 attempts read, 0 new.');
    } finally {
      await database.drop();
    }
  });
});
