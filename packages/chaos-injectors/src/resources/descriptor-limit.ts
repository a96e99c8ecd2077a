import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { registerFault, type FaultHandle } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';

/** Whether real descriptor limits can be set here, and why not. */
export interface DescriptorLimitSupport {
  available: boolean;
  /** Why not, in a sentence fit for a skip reason. */
  reason: string | undefined;
  /** `prlimit --version`'s first line. */
  version: string | undefined;
}

/** A child process started with a lowered descriptor limit. */
export interface LimitedChild extends FaultHandle {
  readonly child: ChildProcess;
  /** Resolves when the child exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let support: DescriptorLimitSupport | undefined;

/**
 * Whether {@link spawnWithDescriptorLimit} can run here: Linux with util-linux's `prlimit`.
 * Node raises its soft limit to the hard one at startup and cannot lower its own, so a real limit
 * has to be set on a new process before it starts.
 *
 * @example
 * const support = descriptorLimitSupport()
 * const maybe = support.available ? it : it.skip // and say support.reason
 */
export function descriptorLimitSupport(): DescriptorLimitSupport {
  if (support !== undefined) return support;
  if (process.platform !== 'linux') {
    support = { available: false, reason: `real descriptor limits need Linux's prlimit (this is ${process.platform})`, version: undefined };
    return support;
  }
  const probe = spawnSync('prlimit', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    const why =
      probe.error !== undefined ? ((probe.error as NodeJS.ErrnoException).code ?? probe.error.message) : `exit code ${probe.status}`;
    support = { available: false, reason: `\`prlimit --version\` failed (${why}): install util-linux`, version: undefined };
    return support;
  }
  support = { available: true, reason: undefined, version: probe.stdout.split('\n', 1)[0] };
  return support;
}

/**
 * Start `command` with at most `limit` open descriptors (soft and hard limit, through `prlimit`),
 * so it meets a real `EMFILE` from the kernel. The child is registered as a fault: `await using`
 * (or the setup entry, after the test) kills it if it is still running.
 *
 * @throws ChaosError `CHAOS_PRLIMIT_UNAVAILABLE` off Linux or without `prlimit`
 * @throws ChaosError `CHAOS_INVALID_RESOURCE_FAULT` for a limit that is not a whole number >= 1
 * @example
 * await using service = spawnWithDescriptorLimit(50, process.execPath, ['service.js'])
 * const { code } = await service.exited
 */
export function spawnWithDescriptorLimit(
  limit: number,
  command: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): LimitedChild {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ChaosError('CHAOS_INVALID_RESOURCE_FAULT', {
      action: `start "${command}" with a descriptor limit`,
      reason: `the limit ${String(limit)} is not a whole number >= 1`,
      fix: 'Pass the number of descriptors the process may open (Node itself needs about 20).',
    });
  }
  const { available, reason } = descriptorLimitSupport();
  if (!available) {
    throw new ChaosError('CHAOS_PRLIMIT_UNAVAILABLE', {
      action: `start "${command}" with a descriptor limit of ${limit}`,
      reason: reason ?? 'prlimit is missing',
      fix: 'Run it on Linux with util-linux installed, or use limitDescriptors() for a synthetic limit in this process.',
    });
  }
  const child = spawn('prlimit', [`--nofile=${limit}:${limit}`, '--', command, ...args], { stdio: 'pipe', ...options });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', () => done({ code: null, signal: null }));
  });
  const handle = registerFault({
    kind: 'descriptor-limit',
    target: `${limit} descriptors for ${command}${args.length > 0 ? ` ${args.join(' ')}` : ''}`,
    restore: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  });
  return Object.defineProperties({} as LimitedChild, {
    ...Object.getOwnPropertyDescriptors(handle),
    child: { value: child, enumerable: true },
    exited: { value: exited, enumerable: true },
  });
}
