import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { httpFaults, type HttpFault, type HttpFaultBuilder, type HttpFaults } from '../src/index.js';
import { attempt } from './fixtures/http-clients.mjs';

type Client = 'node:http' | 'fetch' | 'fetch json' | 'axios';
interface ClientOptions {
  timeout?: number;
  unknownHost?: boolean;
}

/** A real server doing the real thing, at a path of the reference server. */
function realServer(): Server {
  return createServer((request, response) => {
    switch (request.url) {
      case '/reset':
        request.socket.resetAndDestroy();
        return;
      case '/hang':
        return;
      case '/status':
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Service Unavailable');
        return;
      case '/truncate':
        response.writeHead(200, { 'content-type': 'application/json' }).write('{"ok":');
        setTimeout(() => request.socket.destroy(), 20);
        return;
      case '/events':
        response.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: 1\n\ndata: 2\n\n');
        setTimeout(() => request.socket.destroy(), 20);
        return;
      case '/malformed':
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"i');
        return;
      default:
        response.end('{"ok":true,"items":[1,2,3]}');
    }
  });
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function closedPort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** One row: how the real thing is reached, and the fault that stands for it. */
interface Row {
  fault: string;
  real: (base: string, refused: number) => string;
  clients: Client[];
  options?: ClientOptions;
  inject: (on: HttpFaultBuilder, real: Record<string, { error?: { code?: string } }>) => HttpFault;
}

const ALL: Client[] = ['node:http', 'fetch', 'axios'];

const ROWS: Row[] = [
  { fault: 'refuse', real: (_, refused) => `http://127.0.0.1:${refused}/`, clients: ALL, inject: (on) => on.refuse() },
  { fault: 'reset', real: (base) => `${base}/reset`, clients: ALL, inject: (on) => on.reset() },
  {
    fault: 'dnsFailure',
    real: () => 'http://nowhere.invalid/',
    clients: ALL,
    options: { unknownHost: true },
    // The resolver of the machine decides: ENOTFOUND, or EAI_AGAIN where no resolver answers.
    inject: (on, real) => on.dnsFailure({ code: real['dnsFailure node:http']?.error?.code === 'EAI_AGAIN' ? 'EAI_AGAIN' : 'ENOTFOUND' }),
  },
  { fault: 'hang', real: (base) => `${base}/hang`, clients: ALL, options: { timeout: 100 }, inject: (on) => on.hang() },
  { fault: 'status', real: (base) => `${base}/status`, clients: ALL, inject: (on) => on.status(503) },
  {
    fault: 'truncate',
    real: (base) => `${base}/truncate`,
    clients: [...ALL, 'fetch json'],
    inject: (on) => on.truncate({ after: 6, body: '{"ok":true}', headers: { 'content-type': 'application/json' } }),
  },
  {
    fault: 'cutStream',
    real: (base) => `${base}/events`,
    clients: ALL,
    inject: (on) => on.cutStream({ afterEvents: 2, body: 'data: 1\n\ndata: 2\n\ndata: 3\n\n' }),
  },
  {
    fault: 'malformedJson',
    real: (base) => `${base}/malformed`,
    clients: ['fetch json', 'fetch', 'axios'],
    inject: (on) => on.malformedJson({ body: '{"ok":true,"items":[1,2,3]}' }),
  },
];

describe('what real clients see from an HTTP fault, next to the real thing', () => {
  const server = realServer();
  let base: string;
  let refused: number;
  let real: Record<string, { ok?: string; error?: { code?: string } }>;
  let faults: HttpFaults;

  beforeAll(async () => {
    base = await listen(server);
    refused = await closedPort();
    const cases = ROWS.flatMap((row) =>
      row.clients.map((client) => ({ name: `${row.fault} ${client}`, client, url: row.real(base, refused), options: row.options })),
    );
    // The reference runs in a process of its own: no interceptor, no guard, nothing of this package.
    const script = resolve(import.meta.dirname, 'fixtures/http-reference.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify(cases)]);
    real = JSON.parse(stdout) as typeof real;
    faults = httpFaults({ seed: 7 });
  });

  afterAll(async () => {
    await faults.close();
    server.closeAllConnections();
    server.close();
  });

  const cases = ROWS.flatMap((row) => row.clients.map((client) => ({ ...row, client })));

  it.each(cases)('should make $client see what it sees from the real thing for $fault', async (row) => {
    const url = row.real(base, refused);
    await using fault = row.inject(faults.on({ host: new URL(url).hostname, path: new URL(url).pathname }), real);

    const seen = await attempt(row.client, url, row.options);

    expect(fault.fired).toBe(1);
    expect(seen).toEqual(real[`${row.fault} ${row.client}`]);
  });
});
