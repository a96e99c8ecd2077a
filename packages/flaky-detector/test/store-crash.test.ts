import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realService } from '@proving-ground/test-kit';
import { openHistoryStore, type AttemptRecord, type HistoryStoreOptions } from '../src/index.js';
import { nodeSqlite } from '../src/store/node-sqlite.js';
import { attemptKeys } from './history-samples.js';
import { scratchDatabase, type ScratchDatabase } from './postgres-database.js';
// @ts-expect-error: a plain .mjs fixture shared with the writer processes, without types
import { writerAttempt } from './fixtures/store-writer-plan.mjs';

// Loaded the way the store loads it, without Node 22's ExperimentalWarning.
const { DatabaseSync } = nodeSqlite();

const here = dirname(fileURLToPath(import.meta.url));
const WRITER = join(here, 'fixtures', 'store-writer.mjs');
const WRITERS = 8;
const COUNT = 5_000;
const BATCH = 250;
const VICTIM = 3;
/** The victim is killed as soon as it says it begins this batch. */
const KILL_AT_BATCH = 7;

const expectedAttempt = writerAttempt as (writer: number, index: number) => AttemptRecord;
const postgres = realService('postgres');
const describeWithPostgres = postgres.url === undefined ? describe.skip : describe;

interface WriterExit {
  writer: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

/** Start the eight writers on `target`, let them write at once, kill the victim with SIGKILL mid-write, and wait for all. */
async function runWriters(target: HistoryStoreOptions): Promise<WriterExit[]> {
  const children = Array.from({ length: WRITERS }, (_, writer) => {
    const child = spawn(
      process.execPath,
      [WRITER, JSON.stringify({ target, writer, count: COUNT, batch: BATCH, victim: writer === VICTIM })],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const exit: WriterExit = { writer, code: null, signal: null, lines: [], stderr: '' };
    let pending = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          exit.lines.push(line);
          if (line === 'ready') resolve();
          if (writer === VICTIM && line === `begin ${KILL_AT_BATCH}`) child.kill('SIGKILL');
        }
      });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (exit.stderr += chunk));
    const closed = new Promise<WriterExit>((resolve) =>
      child.on('close', (code, signal) => {
        exit.code = code;
        exit.signal = signal;
        resolve(exit);
      }),
    );
    return { child, ready, closed };
  });
  // A writer that fails before it is ready ends the wait too, so its error is reported below.
  await Promise.all(children.map(({ ready, closed }) => Promise.race([ready, closed])));
  for (const { child } of children) child.stdin.end('go\n');
  return Promise.all(children.map(({ closed }) => closed));
}

/** Every result the survivors wrote is there once, the victim's committed batches are whole, and the store still takes writes. */
async function expectIntactHistory(target: HistoryStoreOptions, exits: WriterExit[]): Promise<void> {
  for (const exit of exits.filter(({ writer }) => writer !== VICTIM)) {
    expect({ writer: exit.writer, code: exit.code, stderr: exit.stderr, last: exit.lines.at(-1) }).toEqual({
      writer: exit.writer,
      code: 0,
      stderr: '',
      last: 'done',
    });
  }
  const victim = exits[VICTIM]!;
  expect(victim.signal).toBe('SIGKILL');
  expect(victim.lines).toContain(`begin ${KILL_AT_BATCH}`);
  expect(victim.lines).not.toContain('done');

  const store = await openHistoryStore(target);
  const { runs, attempts } = await store.history();
  expect(runs.map((run) => run.runId).sort()).toEqual(Array.from({ length: WRITERS }, (_, writer) => `writer-${writer}`));
  const byRun = Map.groupBy(attempts, (attempt) => attempt.runId);
  for (let writer = 0; writer < WRITERS; writer += 1) {
    const written = byRun.get(`writer-${writer}`) ?? [];
    const keys = attemptKeys(written);
    expect(new Set(keys).size).toBe(keys.length);
    if (writer === VICTIM) continue;
    expect(written.length).toBe(COUNT);
    const expected = Array.from({ length: COUNT }, (_, index) => expectedAttempt(writer, index));
    expect(sortByName(written)).toEqual(sortByName(expected));
  }

  const survived = byRun.get(`writer-${VICTIM}`) ?? [];
  const committed = victim.lines.filter((line) => line.startsWith('committed ')).length;
  expect(survived.length % BATCH).toBe(0);
  expect([committed, committed + 1]).toContain(survived.length / BATCH);
  const expectedVictim = Array.from({ length: survived.length }, (_, index) => expectedAttempt(VICTIM, index));
  expect(sortByName(survived)).toEqual(sortByName(expectedVictim));

  const rest = Array.from({ length: COUNT - survived.length }, (_, index) => expectedAttempt(VICTIM, survived.length + index));
  await store.recordAttempts(rest);
  expect((await store.history({ testIds: [rest[0]!.testId] })).attempts).toContainEqual(rest[0]);
  await store.close();
}

function sortByName(attempts: readonly AttemptRecord[]): AttemptRecord[] {
  return [...attempts].sort((a, b) => a.fullName.localeCompare(b.fullName));
}

describe('the SQLite store under eight writer processes, one killed mid-write', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'flaky-crash-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('should keep every committed SQLite result exactly once and stay intact (quick_check)', async () => {
    const file = join(folder, 'history.sqlite');
    expect(existsSync(join(here, '..', 'dist', 'index.mjs'))).toBe(true);

    const exits = await runWriters({ path: file });

    await expectIntactHistory({ path: file }, exits);
    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('PRAGMA quick_check').all()).toEqual([{ quick_check: 'ok' }]);
    db.close();
  });

  it('should drop a SQLite batch whose writer was killed after part of it reached the disk', async () => {
    const file = join(folder, 'half-written.sqlite');
    const big = 150_000;
    const child = spawn(process.execPath, [WRITER, JSON.stringify({ target: { path: file }, writer: 0, count: big, batch: big })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    const lines: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n')));
    child.stdin.end('go\n');

    // SQLite spills a large transaction's pages to the WAL before it commits: wait until some have.
    const walSize = (): number => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    const deadline = Date.now() + 30_000;
    while (!(lines.includes('begin 1') && walSize() > 1_000_000) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const spilled = walSize();
    child.kill('SIGKILL');

    expect(await closed).toBe('SIGKILL');
    expect(lines).not.toContain('committed 1');
    expect(spilled).toBeGreaterThan(1_000_000);
    const store = await openHistoryStore({ path: file });
    const { runs, attempts } = await store.history();
    await store.close();
    expect(runs.map((run) => run.runId)).toEqual(['writer-0']);
    expect(attempts).toEqual([]);
  });
});

describeWithPostgres(`the PostgreSQL store under eight writer processes, one killed mid-write ${postgres.skipReason ?? ''}`.trim(), () => {
  let database: ScratchDatabase;
  beforeAll(async () => {
    database = await scratchDatabase(postgres.url!, 'crash');
  });
  afterAll(() => database.drop());

  it('should keep every committed result exactly once and open intact', async () => {
    const exits = await runWriters({ url: database.url });

    expect(exits.map((exit) => exit.signal)).toEqual(exits.map((_, writer) => (writer === VICTIM ? 'SIGKILL' : null)));
    await expectIntactHistory({ url: database.url }, exits);
  });
});
