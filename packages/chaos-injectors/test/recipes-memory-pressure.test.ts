import { expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { allocateMemory, chaosExperiment, memorySnapshot } from '../src/index.js';

// The service under test exports its own memory metrics against the budget it is given (a
// container limit, say), warns above 80 %, and sheds optional work instead of crashing.
function createService(memoryBudget: number): ReturnType<typeof createServer> {
  return createServer((request, response) => {
    const { rss } = memorySnapshot();
    const pressure = rss > 0.8 * memoryBudget;
    response.setHeader('content-type', 'application/json');
    if (request.url === '/metrics') response.end(JSON.stringify({ memory: pressure ? 'warning' : 'ok', rssShare: rss / memoryBudget }));
    else response.end(JSON.stringify({ answer: 'refunds take 5 days', suggestions: pressure ? [] : ['returns', 'shipping'] }));
  });
}

it('should see memory pressure in its own metrics and keep answering', async () => {
  const { rss } = memorySnapshot();
  const budget = Math.max(rss + 128 * 1024 * 1024, rss / 0.7); // the service starts under its warning line
  await using service = createService(budget).listen(0, '127.0.0.1');
  await once(service, 'listening');
  const get = async (path: string): Promise<Record<string, unknown>> =>
    (await (await fetch(`http://127.0.0.1:${(service.address() as { port: number }).port}${path}`)).json()) as Record<string, unknown>;

  const report = await chaosExperiment({
    name: 'memory pressure',
    steadyState: async () => expect(await get('/metrics')).toMatchObject({ memory: 'ok' }),
    // 90 % of the budget taken, as a leak elsewhere in the process would.
    inject: () => allocateMemory({ targetRss: Math.ceil(0.9 * budget) }),
    verify: async () => {
      expect(await get('/metrics')).toMatchObject({ memory: 'warning', rssShare: expect.any(Number) });
      expect(await get('/faq?q=refunds')).toEqual({ answer: 'refunds take 5 days', suggestions: [] });
    },
    recoverWithin: 5000,
  });

  expect(report.steps.every((step) => step.outcome === 'held' || step.outcome === 'done')).toBe(true);
  expect(report.timeline.map((entry) => `${entry.event} ${entry.kind}`)).toEqual(['injected memory', 'restored memory']);
});
