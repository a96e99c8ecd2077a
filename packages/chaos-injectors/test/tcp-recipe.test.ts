import { expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createProxy } from '../src/index.js';

it('should refuse while the dependency is down and answer again once it is back', async () => {
  await using dependency = createServer((request, response) => response.end('pong')).listen(0, '127.0.0.1');
  await once(dependency, 'listening');
  const { port } = dependency.address() as { port: number };
  await using proxy = await createProxy({ upstream: `127.0.0.1:${port}`, seed: 42 });

  await proxy.down();
  const refused = await fetch(proxy.url('http')).catch((error: Error) => error.cause);
  await proxy.up();
  const answer = await fetch(proxy.url('http'), { headers: { connection: 'close' } });

  expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
  expect(await answer.text()).toBe('pong');
});
