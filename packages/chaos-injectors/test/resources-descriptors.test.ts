import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descriptorLimitSupport, isChaosError, limitDescriptors, spawnWithDescriptorLimit } from '../src/index.js';

function shape(error: unknown): Record<string, unknown> {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  return { code: e.code, errno: e.errno, syscall: e.syscall, keys: Object.keys(e).sort() };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((done, fail) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => done(socket)).once('error', fail);
  });
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((done) => socket.once('close', () => done()).destroy());
}

let dir: string;
let server: net.Server;
let port: number;
beforeAll(async () => {
  dir = fs.mkdtempSync(join(tmpdir(), 'chaos-fd-'));
  server = net.createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await new Promise((done) => server.close(done));
});

describe('limitDescriptors', () => {
  it('should refuse files with EMFILE once the budget is held, and recover when one is closed', async () => {
    await using budget = limitDescriptors({ budget: 3, path: dir });
    const fds = [0, 1, 2].map((i) => fs.openSync(join(dir, `${i}.txt`), 'w'));

    const refused = (() => {
      try {
        fs.openSync(join(dir, '3.txt'), 'w');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const refusedAsync = await fs.promises.open(join(dir, '3.txt'), 'w').catch((error: unknown) => error);
    const held = budget.open;
    fs.closeSync(fds.pop()!);
    const recovered = fs.openSync(join(dir, '3.txt'), 'w');

    expect((refused as Error).message).toBe(`EMFILE: too many open files, open '${join(dir, '3.txt')}'`);
    expect(shape(refusedAsync)).toEqual(shape(refused));
    expect(held).toBe(3);
    expect(budget.refused).toBe(2);
    for (const fd of [...fds, recovered]) fs.closeSync(fd);
    expect(budget.open).toBe(0);
  });

  it('should refuse sockets (net, and so fetch) with the EMFILE Node raises, and recover when one closes', async () => {
    await using budget = limitDescriptors({ budget: 1, path: dir });
    const first = await connect(port);

    const refused = await connect(port).catch((error: unknown) => error);
    const viaFetch = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    await closed(first);
    const again = await connect(port);
    await closed(again);

    expect((refused as Error).message).toBe(`connect EMFILE 127.0.0.1:${port} - Local (undefined:undefined)`);
    expect(shape(refused)).toEqual({
      code: 'EMFILE',
      errno: -24,
      syscall: 'connect',
      keys: ['address', 'code', 'errno', 'port', 'syscall'],
    });
    expect(((viaFetch as Error & { cause?: NodeJS.ErrnoException }).cause ?? {}).code).toBe('EMFILE');
    expect(budget.refused).toBe(2);
  });

  it('should leave net alone once restored', async () => {
    const original: unknown = Reflect.get(net.Socket.prototype, 'connect');

    const budget = limitDescriptors({ budget: 0 });
    await budget.restore();

    expect(Reflect.get(net.Socket.prototype, 'connect')).toBe(original);
  });
});

describe('spawnWithDescriptorLimit', () => {
  const support = descriptorLimitSupport();
  const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';

  if (!support.available && !inCi) {
    it.skip(`should meet the kernel's EMFILE in a child process (skipped: ${support.reason})`, () => undefined);
    return;
  }

  it("should meet the kernel's EMFILE in a child process, shaped like the synthetic one", async () => {
    expect(support).toMatchObject({ available: true }); // in CI a missing prlimit fails here, with its reason
    const script = `
      const fs = require('node:fs'); const net = require('node:net');
      const shape = (e) => ({ message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, keys: Object.keys(e).sort() });
      const fds = []; let fileError;
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        try { for (;;) fds.push(fs.openSync(process.argv[1], 'r')); } catch (error) { fileError = shape(error); }
        const socket = net.connect(server.address().port, '127.0.0.1');
        socket.on('error', (error) => {
          process.stdout.write(JSON.stringify({ opened: fds.length, fileError, socketError: shape(error), port: server.address().port }));
          process.exit(0);
        });
      });`;
    const file = join(dir, 'target.txt');
    fs.writeFileSync(file, 'x');
    await using child = spawnWithDescriptorLimit(40, process.execPath, ['-e', script, file]);
    let stdout = '';
    child.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));

    const { code } = await child.exited;
    const real = JSON.parse(stdout) as {
      opened: number;
      fileError: Record<string, unknown>;
      socketError: Record<string, unknown>;
      port: number;
    };
    const synthetic: Record<string, unknown> = {};
    {
      await using budget = limitDescriptors({ budget: 0, path: file });
      synthetic['file'] = await fs.promises.open(file, 'r').catch((error: unknown) => error);
      synthetic['refused'] = budget.refused;
    }

    expect(code).toBe(0);
    expect(synthetic['refused']).toBe(1);
    expect(real.opened).toBeGreaterThan(0);
    expect(real.opened).toBeLessThan(40);
    expect(real.fileError).toEqual({ message: `EMFILE: too many open files, open '${file}'`, ...shape(synthetic['file']) });
    expect(real.socketError).toEqual({
      message: `connect EMFILE 127.0.0.1:${real.port} - Local (undefined:undefined)`,
      code: 'EMFILE',
      errno: -24,
      syscall: 'connect',
      keys: ['address', 'code', 'errno', 'port', 'syscall'],
    });
  });

  it('should refuse a limit below 1', () => {
    const error = (() => {
      try {
        spawnWithDescriptorLimit(0, process.execPath);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    expect(isChaosError(error) && error.code).toBe('CHAOS_INVALID_RESOURCE_FAULT');
  });
});
