import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { injectFsFault, isChaosError } from '../src/index.js';

/** What a caller can see of an error: what the fidelity checks compare. */
function shape(error: unknown): Record<string, unknown> {
  const e = error as NodeJS.ErrnoException & { dest?: string };
  return {
    message: e.message,
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    path: e.path,
    dest: e.dest,
    keys: Object.keys(e).sort(),
    name: e.name,
    tag: Object.prototype.toString.call(e),
  };
}

async function caught(run: () => unknown, name = 'the call'): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${name} to fail`);
}

function callback(run: (done: (error: unknown) => void) => void): Promise<unknown> {
  return new Promise((done) => run(done));
}

function withDescriptor(path: string, use: (fd: number) => unknown): unknown {
  const fd = fs.openSync(path, 'w');
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function withHandle(path: string, use: (handle: fs.promises.FileHandle) => Promise<unknown>): Promise<unknown> {
  const handle = await fs.promises.open(path, 'w');
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'chaos-fs-'));
  fs.chmodSync(dir, 0o777);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('injectFsFault errors', () => {
  const hasDevFull = fs.existsSync('/dev/full');

  if (!hasDevFull)
    it.skip('should raise ENOSPC exactly as Node does when a real device is full (skipped: no /dev/full here)', () => undefined);
  else
    it('should raise ENOSPC exactly as Node does when a real device is full (/dev/full)', async () => {
      const file = join(dir, 'full.bin');
      const calls: Array<[string, (path: string) => unknown]> = [
        ['writeFileSync', (path) => fs.writeFileSync(path, 'x')],
        ['promises.writeFile', (path) => fs.promises.writeFile(path, 'x')],
        ['writeFile', (path) => new Promise<void>((done, fail) => fs.writeFile(path, 'x', (error) => (error ? fail(error) : done())))],
        ['writeSync', (path) => withDescriptor(path, (fd) => fs.writeSync(fd, 'x'))],
        ['handle.write', (path) => withHandle(path, (handle) => handle.write('x'))],
      ];
      const real: Record<string, unknown> = {};
      for (const [name, call] of calls) real[name] = shape(await caught(() => call('/dev/full'), `real ${name}`));

      const injected: Record<string, unknown> = {};
      {
        await using fault = injectFsFault({ path: file, error: 'ENOSPC' });
        for (const [name, call] of calls) injected[name] = shape(await caught(() => call(file), `injected ${name}`));
        injected['fired'] = fault.fired;
      }
      real['fired'] = calls.length;

      expect(injected).toEqual(real);
    });

  it('should raise EACCES exactly as Node does for a file the process may not touch', async () => {
    const locked = join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o777 });
    const file = join(locked, 'secret.txt');
    fs.writeFileSync(file, 'x');
    const probe = `
      const fs = require('node:fs'); const out = {};
      const shape = (e) => ({ message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest, keys: Object.keys(e).sort(), name: e.name, tag: Object.prototype.toString.call(e) });
      const run = async (name, call) => { try { await call(); out[name] = 'no error' } catch (e) { out[name] = shape(e) } };
      (async () => {
        const [file, folder] = process.argv.slice(1);
        await run('openSync', () => fs.openSync(file, 'r'));
        await run('readFileSync', () => fs.readFileSync(file));
        await run('promises.writeFile', () => fs.promises.writeFile(file, 'y'));
        await run('readdirSync', () => fs.readdirSync(folder));
        await run('mkdirSync', () => fs.mkdirSync(folder + '/new'));
        await run('renameSync', () => fs.renameSync(file, folder + '/moved'));
        process.stdout.write(JSON.stringify(out));
      })();`;
    // Root reads anything: the real errors come from a child running as nobody.
    fs.chmodSync(file, 0o000);
    fs.chmodSync(locked, 0o555);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    fs.chmodSync(locked, 0o000);
    const run = (node: string) => spawnSync(node, ['-e', probe, file, locked], { encoding: 'utf8', ...asNobody });
    // This Node may live where nobody may run it (npx's cache under root's home, a checkout in a
    // private temporary folder): then the first Node on PATH that nobody may run.
    const nodes = [process.execPath, ...(process.env['PATH'] ?? '').split(delimiter).map((folder) => join(folder, 'node'))];
    let childSees: ReturnType<typeof run> | undefined;
    for (const node of nodes) {
      if (!fs.existsSync(node)) continue;
      childSees = run(node);
      if (childSees.status === 0) break;
    }
    fs.chmodSync(locked, 0o777);
    fs.chmodSync(file, 0o644);
    if (childSees?.status !== 0)
      throw new Error(`No Node on PATH runs as nobody to show the real errors: ${childSees?.stderr ?? 'none found'}`);
    const real = JSON.parse(childSees.stdout) as Record<string, unknown>;

    const injected: Record<string, unknown> = {};
    {
      await using fault = injectFsFault({ path: locked, error: 'EACCES' });
      injected['openSync'] = shape(await caught(() => fs.openSync(file, 'r')));
      injected['readFileSync'] = shape(await caught(() => fs.readFileSync(file)));
      injected['promises.writeFile'] = shape(await caught(() => fs.promises.writeFile(file, 'y')));
      injected['readdirSync'] = shape(await caught(() => fs.readdirSync(locked)));
      injected['mkdirSync'] = shape(await caught(() => fs.mkdirSync(`${locked}/new`)));
      injected['renameSync'] = shape(await caught(() => fs.renameSync(file, `${locked}/moved`)));
      injected['fired'] = fault.fired;
    }
    real['fired'] = 6;

    expect(injected).toEqual(real);
  });

  it('should stop failing calls once restored', async () => {
    const file = join(dir, 'restored.txt');
    const fault = injectFsFault({ path: file, error: 'EIO' });

    const during = await caught(() => fs.writeFileSync(file, 'x'));
    await fault.restore();
    fs.writeFileSync(file, 'y');

    expect((during as NodeJS.ErrnoException).code).toBe('EIO');
    expect(fault.active).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('y');
  });
});

describe('injectFsFault faults', () => {
  it('should fill the disk: the write that crosses the quota leaves what fits, later writes get ENOSPC', async () => {
    const file = join(dir, 'export.csv');
    await using disk = injectFsFault({ path: `${dir}/**/*.csv`, diskQuota: 10 });

    const first = await caught(() => fs.promises.writeFile(file, 'id,total\n1,42\n'));
    const stream = await caught(
      () =>
        new Promise<void>((done, fail) =>
          fs
            .createWriteStream(join(dir, 'more.csv'))
            .on('error', fail)
            .end('2,7\n', (error?: Error | null) => (error ? fail(error) : done())),
        ),
    );
    fs.writeFileSync(join(dir, 'notes.txt'), 'not under the pattern');

    expect((first as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(fs.readFileSync(file, 'utf8')).toBe('id,total\n1');
    expect((stream as NodeJS.ErrnoException).message).toBe('ENOSPC: no space left on device, write');
    expect(disk.bytesWritten).toBe(10);
    expect(disk.fired).toBe(2);
  });

  it('should write short: descriptor writes return fewer bytes, whole-file writes leave a prefix and fail', async () => {
    const file = join(dir, 'partial.bin');
    await using fault = injectFsFault({ path: file, partialWrite: 3 });

    const fd = fs.openSync(file, 'w');
    const written = fs.writeSync(fd, Buffer.from('abcdef'));
    fs.closeSync(fd);
    const handle = await fs.promises.open(file, 'a');
    const { bytesWritten } = await handle.write('ghijkl');
    await handle.close();
    const whole = await caught(() => fs.promises.writeFile(join(dir, 'partial.bin'), '0123456789'));

    expect([written, bytesWritten, fault.fired]).toEqual([3, 3, 3]);
    expect(shape(whole)).toMatchObject({ code: 'EIO', syscall: 'write' });
    expect(fs.readFileSync(file, 'utf8')).toBe('012');
  });

  it('should fail fsync only, through fs, callbacks and FileHandles', async () => {
    const file = join(dir, 'journal.log');
    await using fault = injectFsFault({ path: file, error: 'EIO', operations: ['fsync'] });

    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, 'entry');
    const syncError = await caught(() => fs.fsyncSync(fd));
    const callbackError = await callback((done) => fs.fdatasync(fd, done));
    fs.closeSync(fd);
    const handle = await fs.promises.open(file, 'r+');
    const handleError = await caught(() => handle.sync());
    await handle.close();

    expect(shape(syncError)).toMatchObject({ message: 'EIO: i/o error, fsync', code: 'EIO', syscall: 'fsync', path: undefined });
    expect(shape(callbackError)).toMatchObject({ message: 'EIO: i/o error, fdatasync', syscall: 'fdatasync' });
    expect(shape(handleError)).toMatchObject({ message: 'EIO: i/o error, fsync' });
    expect(fs.readFileSync(file, 'utf8')).toBe('entry');
    expect(fault.fired).toBe(3);
  });

  it('should follow after, times and a seeded probability', async () => {
    const file = join(dir, 'flaky.txt');
    const outcomes = async (options: { after?: number; times?: number; probability?: number }, calls = 12): Promise<string> => {
      await using fault = injectFsFault({ path: file, error: 'EIO', operations: ['write'], ...options });
      const rolls = Array.from({ length: calls }, () => {
        try {
          fs.writeFileSync(file, 'x');
          return '.';
        } catch {
          return 'x';
        }
      }).join('');
      return `${rolls} ${fault.fired}`;
    };

    expect(await outcomes({ after: 2, times: 3 })).toBe('..xxx....... 3');
    // 64 calls: with the seed fresh on every run, 12 all passed once in a while (1 run in 2,048).
    expect(await outcomes({ probability: 0.5 }, 64)).toMatch(/^(?=.*x)(?=.*\.)[.x]{64} \d+$/);
  });

  it('should list every problem with its options at once', () => {
    const error = (() => {
      try {
        injectFsFault({ path: dir, error: 'EOI', operations: ['wrte' as 'write'], probability: 2 });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    expect(isChaosError(error) && error.code).toBe('CHAOS_INVALID_RESOURCE_FAULT');
    expect((error as Error).message).toContain('its options have 3 problems');
    expect((error as Error).message).toMatch(
      /- operations: expected operations among open, read, write, .*, got "wrte" \(did you mean "write"\?\)\./,
    );
    expect((error as Error).message).toMatch(/- error: expected an errno name Node knows, got "EOI" \(did you mean "E[A-Z]+"\?\)\./);
    expect((error as Error).message).toContain('- probability: expected a number >= 0 <= 1, got 2.');
  });
});
