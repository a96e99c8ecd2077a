import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { isFlakyError, openHistoryStore } from '../src/index.js';
import { nodeSqlite } from '../src/store/node-sqlite.js';
import { sampleAttempt, sampleRun } from './history-samples.js';

// Loaded the way the store loads it, without Node 22's ExperimentalWarning.
const { DatabaseSync } = nodeSqlite();

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flaky-sqlite-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A new folder under the suite's temporary root. */
function folder(name: string): string {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  return path;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}

/** A store at `file` with one run of `tests` attempts, closed (its WAL folded into the file). */
async function storeWith(file: string, tests: number): Promise<void> {
  const store = await openHistoryStore({ path: file });
  await store.recordRun(sampleRun('run-1', 1));
  await store.recordAttempts(Array.from({ length: tests }, (_, index) => sampleAttempt('run-1', `suite test number ${index}`)));
  await store.close();
}

describe('openHistoryStore (SQLite file)', () => {
  it('should create .flaky-detector/history.sqlite under cwd, in WAL mode with its schema version', async () => {
    const cwd = folder('default');

    const store = await openHistoryStore({ cwd });
    await store.close();

    const file = join(cwd, '.flaky-detector', 'history.sqlite');
    expect(store.location).toBe(file);
    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
    db.close();
  });

  it('should take a path relative to cwd, or an absolute one', async () => {
    const cwd = folder('paths');

    const relative = await openHistoryStore({ cwd, path: 'ci/history.db' });
    const absolute = await openHistoryStore({ cwd: root, path: join(cwd, 'other.db') });
    await relative.close();
    await absolute.close();

    expect(relative.location).toBe(join(cwd, 'ci', 'history.db'));
    expect(absolute.location).toBe(join(cwd, 'other.db'));
  });

  it('should refuse a file that is not SQLite, name it and say how to recover, and leave it as it was', async () => {
    const file = join(folder('not-sqlite'), 'history.sqlite');
    writeFileSync(file, 'runs,tests\n1,2\n'.repeat(200));
    const before = readFileSync(file);

    const error = await failure(openHistoryStore({ path: file }));

    expect(isFlakyError(error) && error.code).toBe('FLAKY_CORRUPT_STORE');
    expect(error.message).toContain(`Failed to open the history store "${file}": it is not a SQLite database.`);
    expect(error.message).toContain('Restore it from your CI cache');
    expect(error.message).toContain(`mv "${file}" "${file}.corrupt"`);
    expect(error.message).toContain(`flaky-detector merge --into "${file}"`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('should refuse a store with damaged pages (PRAGMA quick_check) and leave it as it was', async () => {
    const file = join(folder('damaged'), 'history.sqlite');
    await storeWith(file, 3000);
    const bytes = readFileSync(file);
    for (let page = 3; page < bytes.length / 4096; page += 7) bytes.fill(0xa5, page * 4096, page * 4096 + 64);
    writeFileSync(file, bytes);

    const error = await failure(openHistoryStore({ path: file }));

    expect(isFlakyError(error) && error.code).toBe('FLAKY_CORRUPT_STORE');
    expect(error.message).toContain(`Failed to open the history store "${file}"`);
    expect(error.message).toContain('malformed');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('should report damage met while reading when the quick check is turned off', async () => {
    const file = join(folder('damaged-unchecked'), 'history.sqlite');
    await storeWith(file, 3000);
    const bytes = readFileSync(file);
    for (let page = 3; page < bytes.length / 4096; page += 7) bytes.fill(0xa5, page * 4096, page * 4096 + 64);
    writeFileSync(file, bytes);

    const store = await openHistoryStore({ path: file, quickCheck: false });
    const error = await failure(store.history());
    await store.close();

    expect(isFlakyError(error) && error.code).toBe('FLAKY_CORRUPT_STORE');
    expect(error.message).toContain(`"${file}"`);
  });

  it('should refuse a store written by a newer version, and leave it as it was', async () => {
    const file = join(folder('newer'), 'history.sqlite');
    await storeWith(file, 10);
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 99');
    db.close();
    const before = readFileSync(file);

    const error = await failure(openHistoryStore({ path: file }));

    expect(isFlakyError(error) && error.code).toBe('FLAKY_STORE_TOO_NEW');
    expect(error.message).toContain('it has schema version 99, and this flaky-detector reads up to version 2');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('should list every problem of its options at once, never printing a password', async () => {
    const error = await failure(
      openHistoryStore({ path: 42, url: 'mysql://ci:hunter2@db/history', cwdd: '/tmp' } as unknown as Parameters<
        typeof openHistoryStore
      >[0]),
    );

    expect(isFlakyError(error) && error.code).toBe('FLAKY_INVALID_STORE_OPTIONS');
    expect(error.message).toContain('3 problems');
    expect(error.message).toContain('- path: expected a non-empty string, got 42.');
    expect(error.message).toContain('- url: expected a postgres:// or postgresql:// URL');
    expect(error.message).toContain('- cwdd: unknown option. Did you mean "cwd"?');
    expect(error.message).not.toContain('hunter2');
  });

  it("should keep node:sqlite's ExperimentalWarning (Node 22) out of the output, and only that warning", async () => {
    const built = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.mjs')).href;
    const script = [
      `const { openHistoryStore } = await import(${JSON.stringify(built)});`,
      `const store = await openHistoryStore({ cwd: ${JSON.stringify(folder('warning'))} });`,
      'await store.close();',
      "process.emitWarning('a warning of the test itself', 'ExperimentalWarning');",
    ].join('\n');

    const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);

    expect(stderr).not.toMatch(/SQLite/i);
    expect(stderr).toContain('ExperimentalWarning: a warning of the test itself');
  });
});
