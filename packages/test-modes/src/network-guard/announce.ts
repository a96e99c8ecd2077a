/** Printing the mode banner once per Jest run, whichever worker gets there first. */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set by the global setup when it has printed the banner, so workers stay quiet. */
export const BANNER_PRINTED_ENV = 'PROVING_GROUND_TEST_MODES_BANNER_PRINTED';

/** Whether this process is a Jest worker (forked with an IPC channel) or the Jest process itself. */
function runProcessId(): number {
  return typeof process.send === 'function' ? process.ppid : process.pid;
}

/**
 * A key for the current Jest run: the run's process id plus, where `/proc` exists, that process's
 * start time, so a later run that reuses the process id is not taken for this one.
 */
function runKey(): string {
  const pid = runProcessId();
  try {
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${pid}-${startTime ?? ''}`;
  } catch {
    return String(pid);
  }
}

const MARKER_PREFIX = 'proving-ground-test-modes-';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Remove banner markers of runs older than a day. */
function removeOldMarkers(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(MARKER_PREFIX) || !name.endsWith('.banner')) continue;
      const path = join(dir, name);
      if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
    }
  } catch {
    // A shared temp folder may deny listing or removal: the markers are tiny, leave them.
  }
}

/**
 * A function that prints `text` to stderr once per test run: not when the global setup printed the
 * banner already, and in one worker only (the first to create the run's marker file prints).
 */
export function createAnnouncer(): (text: string) => void {
  let announced = false;
  return (text) => {
    if (announced || process.env[BANNER_PRINTED_ENV] === '1') return;
    announced = true;
    // Workers of one run share the Jest process as parent: the first to create the marker prints.
    const marker = join(tmpdir(), `${MARKER_PREFIX}${runKey()}.banner`);
    try {
      writeFileSync(marker, String(process.pid), { flag: 'wx' });
    } catch {
      return;
    }
    process.stderr.write(`${text}\n`);
    removeOldMarkers(tmpdir());
  };
}
