import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { isChaosError, serveToxiproxyApi } from '../src/index.js';
import { connectError, dial, Reader, roundTrip, startServer } from './tcp-servers.js';

async function statusOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('serveToxiproxyApi', () => {
  it('should be driven by toxiproxy-node-client: proxies, toxics, disable and reset', async () => {
    await using server = await startServer();
    await using api = await serveToxiproxyApi({ port: 0, seed: 1 });
    const toxiproxy = new Toxiproxy(api.url);

    const proxy = await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: server.address });
    const port = Number(proxy.listen.split(':')[1]);
    expect(await roundTrip(port, 'through the api')).toBe('through the api');
    expect(await toxiproxy.getVersion()).toBe('{"version": "2.12.0"}\n');

    const body: ICreateToxicBody<Latency> = {
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 600_000, jitter: 0 },
    };
    const toxic = await proxy.addToxic(body);
    expect(toxic.toJson()).toEqual(body);
    const reader = new Reader(await dial(port));
    reader.socket.write('held');
    const updated = await toxic.update({ ...body, attributes: { latency: 0, jitter: 0 } });
    expect(updated.attributes).toEqual({ latency: 0, jitter: 0 });
    await reader.receive('held');
    reader.socket.destroy();

    expect((await proxy.getToxic('slow')).type).toBe('latency');
    await toxic.remove();
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    expect((await connectError(port))?.code).toBe('ECONNREFUSED');

    await toxiproxy.reset();
    expect((await toxiproxy.get('db')).enabled).toBe(true);
    expect(await roundTrip(port, 'again')).toBe('again');
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['db']);
    await proxy.remove();
    expect(await toxiproxy.getAll()).toEqual({});
  });

  it("should answer errors with the real server's status codes and bodies", async () => {
    await using server = await startServer();
    await using api = await serveToxiproxyApi({ port: 0 });
    const toxiproxy = new Toxiproxy(api.url);
    const proxy = await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: server.address });

    expect(await statusOf(toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: server.address }))).toBe(
      'Request failed with status code 409',
    );
    expect(await statusOf(toxiproxy.get('nope'))).toBe('Request failed with status code 404');
    expect(await statusOf(proxy.getToxic('nope'))).toBe('Request failed with status code 404');

    const unknown = await fetch(`${api.url}/proxies/db/toxics`, { method: 'POST', body: JSON.stringify({ type: 'latancy' }) });
    expect(unknown.status).toBe(400);
    const answer = (await unknown.json()) as { error: string; status: number; detail: string };
    expect(answer).toMatchObject({ error: 'invalid toxic type', status: 400 });
    expect(answer.detail).toContain('unknown toxic type "latancy" (did you mean "latency"?). Valid types: "latency", "bandwidth"');

    const attribute = await fetch(`${api.url}/proxies/db/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'timeout', attributes: { timout: 1 } }),
    });
    expect(attribute.status).toBe(400);
    expect(((await attribute.json()) as { detail: string }).detail).toContain(
      '- attributes.timout: unknown attribute of timeout. Did you mean "timeout"? Valid attributes: timeout.',
    );

    const missing = await fetch(`${api.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect([missing.status, await missing.text()]).toEqual([400, '{"error":"missing required field: upstream","status":400}\n']);
    const conflict = await fetch(`${api.url}/proxies/db/toxics`, { method: 'POST', body: JSON.stringify({ type: 'timeout' }) });
    expect(conflict.status).toBe(200);
    const again = await fetch(`${api.url}/proxies/db/toxics`, { method: 'POST', body: JSON.stringify({ type: 'timeout' }) });
    expect(again.status).toBe(409);
  });

  it('should load a toxiproxy.json as is, toxics included, and populate through the client', async () => {
    await using server = await startServer();
    const folder = mkdtempSync(join(tmpdir(), 'chaos-toxiproxy-'));
    try {
      const config = join(folder, 'toxiproxy.json');
      writeFileSync(
        config,
        JSON.stringify([
          { name: 'cache', listen: '127.0.0.1:0', upstream: server.address },
          { name: 'db', listen: '127.0.0.1:0', upstream: server.address, toxics: [{ type: 'limit_data', attributes: { bytes: 3 } }] },
        ]),
      );
      await using api = await serveToxiproxyApi({ port: 0, config });

      expect(await roundTrip(api.proxy('cache').port, 'whole')).toBe('whole');
      const limited = new Reader(await dial(api.proxy('db').port));
      limited.socket.write('cut short');
      await limited.closed();
      expect(limited.text).toBe('cut');

      const created = await new Toxiproxy(api.url).populate([{ name: 'queue', listen: '127.0.0.1:0', upstream: server.address }]);
      expect(Object.keys(created)).toEqual(['queue']);
      const wrong = await serveToxiproxyApi({ port: 0, config: join(folder, 'missing.json') }).catch((error: unknown) => error);
      expect(isChaosError(wrong) && wrong.code).toBe('CHAOS_INVALID_TOXIPROXY_CONFIG');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('should say clearly that its port is in use', async () => {
    await using api = await serveToxiproxyApi({ port: 0 });

    const error = await serveToxiproxyApi({ port: api.port }).catch((caught: unknown) => caught);

    expect(isChaosError(error) && error.code).toBe('CHAOS_PORT_IN_USE');
    expect((error as Error).message).toBe(
      `[chaos-injectors] Failed to serve the Toxiproxy API on 127.0.0.1:${api.port}: the port is in use (a Toxiproxy server, or another copy of this API?). Stop the other server, or pass { port: 0 } and give clients api.url.`,
    );
  });
});
