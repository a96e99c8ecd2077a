import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A NATS server with JetStream on, for a test file: its URL, or why the file's JetStream tests skip. */
export type NatsForTests =
  { url: string; skipReason?: undefined; stop(): Promise<void> } | { url?: undefined; skipReason: string; stop(): Promise<void> };

const NOTHING_TO_STOP = async () => {};

function inCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false';
}

/** The `nats-server` binary on PATH or where Debian's package puts it, if any. */
function findNatsServer(): string | undefined {
  for (const candidate of ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server']) {
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

function spawnNatsServer(binary: string): Promise<{ url: string; stop(): Promise<void> }> {
  const store = mkdtempSync(join(tmpdir(), 'support-desk-nats-'));
  // -p -1: a port the system picks, read back from the server's log.
  const child: ChildProcess = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', store], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(store, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`[support-desk] Failed to start nats-server: it did not listen within 10 s. Its log:\n${log}`));
    }, 10_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      const listening = /Listening for client connections on (127\.0\.0\.1:\d+)/.exec(log);
      if (listening !== null) {
        clearTimeout(timer);
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({ url: `nats://${listening[1]}`, stop });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      void stop();
      reject(error);
    });
  });
}

/**
 * A NATS server for the JetStream tests: the one `NATS_URL` (or `PROVING_GROUND_NATS_URL`, set by
 * `.ci/run`) names; else a `nats-server -js` started on 127.0.0.1 with a temporary store when the
 * binary is installed; else a skip reason naming `nats-server`. In CI (`CI` set) a missing server
 * is an error, so CI never passes by skipping what it was meant to prove.
 *
 * @example
 * const nats = await natsForTests()
 * afterAll(() => nats.stop())
 * ;(nats.url === undefined ? it.skip : it)(`should ... ${nats.skipReason ?? ''}`, async () => {})
 */
export async function natsForTests(): Promise<NatsForTests> {
  const given = process.env['NATS_URL'] || process.env['PROVING_GROUND_NATS_URL'];
  if (given !== undefined && given !== '') return { url: given, stop: NOTHING_TO_STOP };
  const binary = findNatsServer();
  if (binary !== undefined) return spawnNatsServer(binary);
  if (inCi()) {
    throw new Error(
      '[support-desk] Failed to find a NATS server in CI: NATS_URL is not set and nats-server is not installed. .ci/run starts one; check its output.',
    );
  }
  return {
    skipReason: '(skipped: no NATS server: set NATS_URL, or install nats-server (Debian package nats-server) to run JetStream here)',
    stop: NOTHING_TO_STOP,
  };
}
