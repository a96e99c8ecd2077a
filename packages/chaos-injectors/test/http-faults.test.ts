import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { activeFaults, faultTimeline, httpFaults, isChaosError, type HttpFaults } from '../src/index.js';

const server: Server = createServer((request, response) => {
  if (request.url === '/events') {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 1; i <= 5; i++) response.write(`data: ${i}\n\n`);
    response.end();
    return;
  }
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ path: request.url, method: request.method }));
});
let base: string;
let faults: HttpFaults;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  faults = httpFaults();
});

afterAll(async () => {
  await faults.close();
  server.close();
});

/** The status of a fetch, or the code of what it failed with. */
async function outcome(path: string, init?: RequestInit): Promise<number | string> {
  try {
    const response = await fetch(`${base}${path}`, init);
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  }
}

async function outcomes(count: number, path = '/a'): Promise<Array<number | string>> {
  const seen: Array<number | string> = [];
  for (let i = 0; i < count; i++) seen.push(await outcome(path));
  return seen;
}

describe('httpFaults targets', () => {
  it('should fault only the requests its host, method, path and headers match', async () => {
    await using fault = faults.on({ host: '127.0.0.1', method: 'POST', path: '/v1/*', headers: { 'x-tenant': /^acme$/ } }).status(503);

    const seen = [
      await outcome('/v1/chat/completions', { method: 'POST', headers: { 'x-tenant': 'acme' } }),
      await outcome('/v1/chat/completions', { method: 'GET', headers: { 'x-tenant': 'acme' } }),
      await outcome('/v2/chat', { method: 'POST', headers: { 'x-tenant': 'acme' } }),
      await outcome('/v1/chat', { method: 'POST', headers: { 'x-tenant': 'other' } }),
      await outcome('/v1/chat', { method: 'POST' }),
    ];

    expect(seen).toEqual([503, 200, 200, 200, 200]);
    expect(fault.matched).toBe(1);
  });

  it('should take a RegExp for the path and a host with its port', async () => {
    await using fault = faults.on({ host: new URL(base).host, path: /^\/orders\/\d+$/ }).reset();

    expect([await outcome('/orders/12'), await outcome('/orders/new')]).toEqual(['ECONNRESET', 200]);
    expect(fault.fired).toBe(1);
  });

  it('should reach node:http requests too', async () => {
    await using fault = faults.on({ path: '/plain' }).status(429);

    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest(`${base}/plain`, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
        .on('error', reject)
        .end();
    });

    expect(status).toBe(429);
    expect(fault.fired).toBe(1);
  });
});

describe('httpFaults schedules', () => {
  it('should fail twice and then let requests pass with times(2).thenPass()', async () => {
    await using fault = faults.on({ path: '/a' }).status(503).times(2).thenPass();

    expect(await outcomes(4)).toEqual([503, 503, 200, 200]);
    expect([fault.matched, fault.fired]).toEqual([4, 2]);
  });

  it('should fault only the n-th matching request, and none of the first ones with after(n)', async () => {
    await using nth = faults.on({ path: '/a' }).status(500).nth(2, 4);
    expect(await outcomes(5)).toEqual([200, 500, 200, 500, 200]);
    await nth.restore();

    await using after = faults.on({ path: '/a' }).status(502).after(3);
    expect(await outcomes(5)).toEqual([200, 200, 200, 502, 502]);
    expect(after.fired).toBe(2);
  });

  it('should fault only within its time window', async () => {
    await using fault = faults.on({ path: '/a' }).status(503).during({ from: 60, until: 400 });

    const before = await outcome('/a');
    await new Promise((resolve) => setTimeout(resolve, 80));
    const within = await outcome('/a');

    expect([before, within]).toEqual([200, 503]);
    expect(fault.matched).toBe(2);
  });

  it('should roll the same faults for the same seed, and other ones for another seed', async () => {
    const run = async (seed: number): Promise<Array<number | string>> => {
      await using set = httpFaults({ seed });
      set.on({ path: '/a' }).status(503).probability(0.5);
      return await outcomes(24);
    };

    const first = await run(42);
    const again = await run(42);
    const other = await run(43);

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.filter((status) => status === 503).length).toBeGreaterThan(4);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(4);
  });
});

describe('httpFaults bodies and timing', () => {
  it('should delay a request by its latency plus or minus its jitter, then let the server answer', async () => {
    await using fault = faults.on({ path: '/slow' }).latency(80, { jitter: 20 });

    const started = performance.now();
    const status = await outcome('/slow');
    const took = performance.now() - started;

    expect(status).toBe(200);
    expect(took).toBeGreaterThanOrEqual(59);
    expect(took).toBeLessThan(1000);
    expect(fault.fired).toBe(1);
  });

  it('should trickle the real server body a few bytes at a time, all of it', async () => {
    await using fault = faults.on({ path: '/trickle' }).trickle({ chunkSize: 4, interval: 5 });

    const response = await fetch(`${base}/trickle`);
    const chunks: number[] = [];
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk.length);

    expect(Math.max(...chunks)).toBeLessThanOrEqual(4);
    expect(chunks.reduce((sum, length) => sum + length, 0)).toBe(JSON.stringify({ path: '/trickle', method: 'GET' }).length);
    expect(fault.fired).toBe(1);
  });

  it('should cut the real server event stream after whole events', async () => {
    await using fault = faults.on({ path: '/events' }).cutStream({ afterEvents: 2 });

    const response = await fetch(`${base}/events`);
    let text = '';
    const failure = await (async () => {
      try {
        for await (const chunk of response.body!) text += Buffer.from(chunk).toString();
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();

    expect(text).toBe('data: 1\n\ndata: 2\n\n');
    expect(failure?.message).toBe('terminated');
    expect(fault.fired).toBe(1);
  });

  it('should release a hanging request with a reset when the fault is restored, so nothing stays pending', async () => {
    const fault = faults.on({ path: '/hang' }).hang();

    const pending = outcome('/hang');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await fault.restore();

    expect(await pending).toBe('ECONNRESET');
  });
});

describe('httpFaults cleanup and timeline', () => {
  it('should join the fault registry, record what fired, and leave it when disposed', async () => {
    {
      await using refused = faults.on({ path: '/a' }).refuse();
      expect(activeFaults().map((fault) => `${fault.kind} ${fault.target}`)).toEqual(['http refuse on */a']);
      expect(await outcome('/a')).toBe('ECONNREFUSED');
      expect(refused.fired).toBe(1);
    }

    expect(activeFaults()).toEqual([]);
    expect(faultTimeline().map((entry) => `${entry.event} ${entry.detail ?? entry.target}`)).toEqual([
      'injected refuse on */a',
      `fired refuse GET ${base}/a`,
      'restored refuse on */a',
    ]);
  });

  it('should refuse new faults once closed', async () => {
    const closed = httpFaults();
    await closed.close();

    expect(() => closed.on().reset()).toThrow(expect.objectContaining({ code: 'CHAOS_HTTP_FAULTS_CLOSED' }));
  });
});

describe('httpFaults bad input', () => {
  it('should list every problem of a target at once, with did-you-mean', () => {
    const error = (() => {
      try {
        faults.on({ hots: 'api.openai.com', methd: 'POST', path: 42 } as never);
      } catch (failure) {
        return failure;
      }
      return undefined;
    })();

    expect(isChaosError(error) && error.code).toBe('CHAOS_INVALID_HTTP_FAULT');
    expect((error as Error).message).toBe(
      [
        '[chaos-injectors] Failed to target HTTP faults: 3 problems.',
        '- target.hots: unknown option. Did you mean "host"? Known options: host, method, path, headers.',
        '- target.methd: unknown option. Did you mean "method"? Known options: host, method, path, headers.',
        '- target.path: expected a non-empty string or a RegExp.',
        'Fix what is listed above (the HTTP section of docs/chaos-injectors.md lists every fault and its options).',
      ].join('\n'),
    );
  });

  it('should reject unknown fault options and out-of-range values, naming each', () => {
    expect(() => faults.on().truncate({ aftr: 10, loss: 'rest' } as never)).toThrow(
      /- aftr: unknown option\. Did you mean "after"\?[^\n]*\n- loss: expected one of "closed", "reset" and "end", got "rest" \(did you mean "reset"\?\)\.\n- after: required/,
    );
    expect(() => faults.on().status(503).probability(1.5)).toThrow(/- p: expected a number >= 0 <= 1, got 1\.5\./);
    expect(() => httpFaults({ sede: 1 } as never)).toThrow(/- sede: unknown option\. Did you mean "seed"\?/);
    expect(activeFaults().filter((fault) => fault.kind === 'http' && fault.target === 'status on *')).toHaveLength(1);
    return activeFaults()[0]?.restore();
  });
});
