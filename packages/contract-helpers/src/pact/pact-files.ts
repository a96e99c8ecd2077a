import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { canonicalJson } from '../canonical-json.js';
import { ContractError } from '../errors.js';

/** The environment variable a global setup may set to name the test run (else it is derived from the Jest process). */
export const PACT_RUN_ENV = 'PROVING_GROUND_PACT_RUN';

function processStart(pid: number): string {
  try {
    // Field 22 of /proc/<pid>/stat: start time in clock ticks since boot; tells a reused pid apart.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/**
 * A name for the current Jest run, the same in every worker of the run: `PROVING_GROUND_PACT_RUN`
 * when set, else the Jest process (a worker's parent, or this process when in band) and its start
 * time.
 */
export function currentRunKey(): string {
  const fromEnv = process.env[PACT_RUN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv.replace(/[^\w.-]/g, '_');
  // Jest gives every test a process.send stub, in band too: only the script a worker runs tells a
  // worker process from the Jest process itself (whose parent is the shell, the same for every run).
  const inWorkerProcess =
    process.env['JEST_WORKER_ID'] !== undefined &&
    isMainThread &&
    /[\\/]jest-worker[\\/].*processChild\.[cm]?js$/.test(process.argv[1] ?? '');
  const pid = inWorkerProcess ? process.ppid : process.pid;
  return `${pid}-${processStart(pid)}`;
}

/** The file name pact gives a consumer/provider pair. */
export function pactFileName(consumer: string, provider: string): string {
  return `${consumer}-${provider}.json`;
}

/**
 * Where the fragments of a pair live: under the OS temporary folder (keyed by the pact folder), so
 * the pact folder holds only pact files. A run's fragments stay until the next run of the pair
 * starts: any test file's `afterAll` may be the last to merge, and each merge needs them all.
 */
export function fragmentRoot(dir: string, consumer: string, provider: string): string {
  const folder = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  return join(tmpdir(), 'proving-ground-pact-fragments', folder, `${consumer}-${provider}`.replace(/[^\w.-]/g, '_'));
}

/** Where versions before 0.1 kept fragments (inside the pact folder); removed when found. */
function legacyFragmentRoot(dir: string, consumer: string, provider: string): string {
  return join(dir, '.fragments', `${consumer}-${provider}`.replace(/[^\w.-]/g, '_'));
}

/**
 * Start this run of a pair, once per run (whichever worker gets there first): remove the fragments
 * earlier runs left (a run that crashed, a previous run's interactions) and the pact file itself,
 * so the file is rebuilt from this run's passing interactions only, and a run where none passes
 * leaves no pact file at all. Later workers of the same run find the run's folder and leave the
 * file their peers may already have merged.
 */
export function startPairRun(dir: string, consumer: string, provider: string, runKey: string): void {
  const target = join(dir, pactFileName(consumer, provider));
  mkdirSync(dir, { recursive: true });
  withLock(target, () => {
    clearStaleFragments(dir, consumer, provider, runKey);
    const root = fragmentRoot(dir, consumer, provider);
    mkdirSync(root, { recursive: true });
    try {
      mkdirSync(join(root, runKey));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw error;
    }
    rmSync(target, { force: true });
  });
}

/**
 * Remove the fragments earlier runs left for this pair (a run that crashed, a previous run's
 * interactions): the pact file is rebuilt from this run's fragments only.
 */
export function clearStaleFragments(dir: string, consumer: string, provider: string, runKey: string): void {
  const legacy = legacyFragmentRoot(dir, consumer, provider);
  if (existsSync(legacy)) {
    rmSync(legacy, { recursive: true, force: true });
    try {
      rmdirSync(join(dir, '.fragments'));
    } catch {
      // Other pairs' fragments are still there.
    }
  }
  const root = fragmentRoot(dir, consumer, provider);
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) if (entry !== runKey) rmSync(join(root, entry), { recursive: true, force: true });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(path: string, body: () => T): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The holder removed it meanwhile.
      }
      if (Date.now() > deadline) {
        throw new ContractError('CONTRACT_PACT_FILE', {
          action: `write ${path}`,
          reason: `another worker holds ${lock} for more than 20 s`,
          fix: 'Remove the lock folder if no test run is active.',
        });
      }
      sleep(25);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

interface PactDocument {
  consumer: { name: string };
  provider: { name: string };
  interactions: Array<Record<string, unknown>>;
  metadata?: Record<string, unknown>;
}

function interactionKey(interaction: Record<string, unknown>): string {
  return `${String(interaction['description'])}\u0000${canonicalJson(interaction['providerStates'] ?? interaction['providerState'] ?? [])}`;
}

function comparable(interaction: Record<string, unknown>): string {
  const rest = { ...interaction };
  for (const volatile of ['key', 'pending', 'comments']) delete rest[volatile];
  return canonicalJson(rest);
}

function fragmentFiles(root: string, name: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name, name))
    .filter((file) => existsSync(file))
    .sort();
}

/**
 * Merge this run's fragments of a pair into `<dir>/<consumer>-<provider>.json`, under a lock (safe
 * with parallel workers). Interactions are keyed by description and provider states; the same key
 * with different content is a conflict, reported with both descriptions. Interactions are sorted,
 * so the file does not change with worker scheduling.
 *
 * @returns the number of interactions written
 */
export function mergeFragments(dir: string, consumer: string, provider: string, runKey: string): number {
  const name = pactFileName(consumer, provider);
  const target = join(dir, name);
  mkdirSync(dir, { recursive: true });
  return withLock(target, () => {
    const byKey = new Map<string, Record<string, unknown>>();
    let document: PactDocument | undefined;
    for (const file of fragmentFiles(join(fragmentRoot(dir, consumer, provider), runKey), name)) {
      const fragment = JSON.parse(readFileSync(file, 'utf8')) as PactDocument;
      document ??= fragment;
      for (const interaction of fragment.interactions) {
        const key = interactionKey(interaction);
        const existing = byKey.get(key);
        if (existing !== undefined && comparable(existing) !== comparable(interaction)) {
          throw new ContractError('CONTRACT_PACT_CONFLICT', {
            action: `merge the pact ${name}`,
            reason: `two tests define the interaction "${String(interaction['description'])}" with the same provider states but different requests or responses`,
            fix: 'Give them different descriptions or states.',
          });
        }
        byKey.set(key, interaction);
      }
    }
    if (document === undefined) {
      // Nothing passed in this run: an earlier run's file must not survive as if it were this run's contract.
      rmSync(target, { force: true });
      return 0;
    }
    const interactions = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, interaction]) => interaction);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ ...document, interactions }, null, 2)}\n`);
    renameSync(temporary, target);
    return interactions.length;
  });
}
