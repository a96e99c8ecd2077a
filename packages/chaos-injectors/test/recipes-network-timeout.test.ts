import { expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { chaosExperiment, createProxy } from '../src/index.js';

// The service under test: its health endpoint checks the pricing service it depends on, with a
// 300 ms timeout, and reports what it found instead of failing.
type Check = 'ok' | 'network_timeout' | 'network_error';

async function checkPricing(url: string): Promise<Check> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(300) });
    await response.text();
    return response.ok ? 'ok' : 'network_error';
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'network_timeout' : 'network_error';
  }
}

function createService(pricingUrl: string): ReturnType<typeof createServer> {
  return createServer((request, response) => {
    void checkPricing(pricingUrl).then((pricing) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: pricing === 'ok' ? 'ok' : 'degraded', checks: { pricing } }));
    });
  });
}

it('should report degraded with a network_timeout detail when the pricing service stops answering', async () => {
  await using pricing = createServer((request, response) => response.end('{"eur":1.08}')).listen(0, '127.0.0.1');
  await once(pricing, 'listening');
  await using proxy = await createProxy({ upstream: `127.0.0.1:${(pricing.address() as { port: number }).port}` });
  await using service = createService(proxy.url('http://pricing/prices')).listen(0, '127.0.0.1');
  await once(service, 'listening');
  const health = async (): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`http://127.0.0.1:${(service.address() as { port: number }).port}/health`);
    return { status: response.status, body: await response.json() };
  };

  const report = await chaosExperiment({
    name: 'pricing stops answering',
    steadyState: async () => expect(await health()).toEqual({ status: 200, body: { status: 'ok', checks: { pricing: 'ok' } } }),
    // Data from pricing is dropped and nothing is closed: the connection hangs, as behind a dead link.
    inject: () => proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } }),
    verify: async () =>
      expect(await health()).toEqual({ status: 200, body: { status: 'degraded', checks: { pricing: 'network_timeout' } } }),
    recoverWithin: 5000,
  });

  expect(report.steps.map((step) => `${step.phase}: ${step.outcome}`)).toEqual([
    'steady state before: held',
    'inject: done',
    'verify: held',
    'rollback: done',
    'steady state after: held',
  ]);
  expect(report.faults).toEqual(['experiment "pricing stops answering" timeout_downstream']);
});
