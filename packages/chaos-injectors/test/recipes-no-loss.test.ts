import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createLedger, createProxy, type Ledger } from '../src/index.js';

// An order store behind a flaky network, and a client that retries an order whose answer it lost.
function createStore(options: { idempotent: boolean }): { server: ReturnType<typeof createServer>; rows: string[] } {
  const rows: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const key = String(request.headers['idempotency-key']);
      if (!options.idempotent || !rows.includes(key)) rows.push((JSON.parse(body) as { id: string }).id);
      response.end('{"stored":true}');
    });
  });
  return { server, rows };
}

async function placeOrder(url: string, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { connection: 'close', 'idempotency-key': id },
        body: JSON.stringify({ id }),
      });
      await response.text();
      return;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

/** Place 30 orders through a proxy that loses the answer on 40 % of the connections, after the store has the order. */
async function placeOrdersThroughResets(idempotent: boolean): Promise<{ orders: Ledger; resets: number }> {
  const store = createStore({ idempotent });
  await using server = store.server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  await using proxy = await createProxy({ upstream: `127.0.0.1:${(server.address() as { port: number }).port}`, seed: 42 });
  proxy.addToxic({ type: 'reset_peer', stream: 'downstream', toxicity: 0.4 });
  const orders = createLedger({ name: 'orders' });

  for (let i = 1; i <= 30; i++) {
    orders.sent(`order-${i}`);
    await placeOrder(proxy.url('http://store/orders'), `order-${i}`);
  }
  store.rows.forEach((id) => orders.seen(id));
  return { orders, resets: proxy.events.filter((event) => event.detail?.includes('reset the connection')).length };
}

describe('orders placed through connection resets', () => {
  it('should name the duplicates that retries make when the store ignores idempotency keys', async () => {
    const { orders, resets } = await placeOrdersThroughResets(false);

    expect(resets).toBeGreaterThan(0);
    expect(() => orders.verify()).toThrow(
      new RegExp(`Failed to account for every one of 30 orders sent: \\d+ duplicated \\(${30 + resets} stored\\)\\.\\n  duplicated`),
    );
  });

  it('should account for every order, once, when the store enforces them', async () => {
    const { orders, resets } = await placeOrdersThroughResets(true);

    expect(resets).toBeGreaterThan(0);
    expect(orders.verify()).toMatchObject({ sent: 30, seen: 30, missing: [], duplicated: [], ok: true });
  });
});
