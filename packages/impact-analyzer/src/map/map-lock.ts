import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';

/** A lock older than this is left over by a killed process and is taken over. */
const STALE_LOCK_MS = 120_000;
/** How long a writer waits for another one. */
const WAIT_LIMIT_MS = 60_000;
const POLL_MS = 50;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `update` while holding `<mapPath>.lock` (created exclusively), so shard runs that write the
 * same map at once read, merge and write it one after the other instead of losing records.
 *
 * @example
 * withMapLock('/repo/.impact-analyzer/map.json', () => writeImpactMap(path, merge(readImpactMap(path))));
 */
export function withMapLock<T>(mapPath: string, update: () => T): T {
  const lock = `${mapPath}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const started = Date.now();
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(lock, firstLine(error), error);
      if (isStale(lock)) rmSync(lock, { force: true });
      else if (Date.now() - started > WAIT_LIMIT_MS) throw lockError(lock, `another run has held it for over ${WAIT_LIMIT_MS / 1000} s`);
      else sleep(POLL_MS);
    }
  }
  try {
    return update();
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}

function lockError(lock: string, reason: string, cause?: unknown): ImpactError {
  return new ImpactError(
    'IMPACT_WRITE_FAILED',
    { action: `lock the impact map (${lock})`, reason, fix: 'Delete the lock file if no Jest run is writing the map' },
    cause === undefined ? undefined : { cause },
  );
}
