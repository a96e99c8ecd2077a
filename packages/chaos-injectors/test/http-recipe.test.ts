import { afterAll, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { httpFaults } from '../src/index.js';

// Created at the top of the file, so its request handler comes before a cassette's.
const faults = httpFaults();
afterAll(() => faults.close());

async function answerFaq(question: string): Promise<{ status: 'ok' | 'degraded'; detail?: string }> {
  try {
    const response = await fetch('https://llm.example.com/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ question }),
      signal: AbortSignal.timeout(100),
    });
    return response.ok ? { status: 'ok' } : { status: 'degraded', detail: `llm_${response.status}` };
  } catch (error) {
    return { status: 'degraded', detail: (error as Error).name === 'TimeoutError' ? 'network_timeout' : 'network_error' };
  }
}

it('should answer degraded with network_timeout when the LLM hangs', async () => {
  await using llmHangs = faults.on({ host: 'llm.example.com', path: '/v1/*' }).hang();

  expect(await answerFaq('How do refunds work?')).toEqual({ status: 'degraded', detail: 'network_timeout' });
  expect(llmHangs.fired).toBe(1);
});

it('should retry a payment twice refused with 503 and charge it once', async () => {
  const charges: string[] = [];
  await using payments = createServer((request, response) => {
    charges.push(String(request.headers['idempotency-key']));
    response.end('{"id":"ch_1"}');
  }).listen(0, '127.0.0.1');
  await once(payments, 'listening');
  const url = `http://127.0.0.1:${(payments.address() as { port: number }).port}/charges`;
  await using unavailable = faults.on({ method: 'POST', path: '/charges' }).status(503).times(2).thenPass();

  let response = await fetch(url, { method: 'POST', headers: { 'idempotency-key': 'order-7' } });
  for (let attempt = 1; response.status === 503 && attempt < 3; attempt++) {
    response = await fetch(url, { method: 'POST', headers: { 'idempotency-key': 'order-7' } });
  }

  expect(response.status).toBe(200);
  expect(unavailable.fired).toBe(2);
  expect(charges).toEqual(['order-7']);
});
