import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProxy } from '@proving-ground/chaos-injectors';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RealtimeHub } from '../../src/realtime/realtime-hub.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';
import { TrackingFeed } from './order-traffic.ts';
import { openRealtime, realtimeUrl } from './realtime-client.ts';

/** How long the soak publishes: bounded, and long enough for a leak of one queue's worth per second to show. */
const SOAK_MS = 8_000;
/** Heap samples are cheap; a forced full collection is not (it stalls the feed), so it runs twice only. */
const SAMPLE_EVERY_MS = 100;
/**
 * Without a full collection (where V8 refuses the flag), growth allowed between the lowest heap of the
 * first and of the last third of the soak: the old generation grows until a major collection, so
 * this only catches a leak of well over ten megabytes a second.
 */
const HEAP_TREND_TOLERANCE_BYTES = 128 * 1024 * 1024;
/** Growth allowed between the heap after a full collection a quarter into the soak and at its end. */
const HEAP_AFTER_GC_TOLERANCE_BYTES = 8 * 1024 * 1024;

/** A full collection, when V8 lets the flag be set at run time (Jest workers have no --expose-gc). */
function collector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

describe('realtime soak', () => {
  let desk: RunningSupportDesk;
  let hub: RealtimeHub;
  let port: number;

  beforeAll(async () => {
    hub = new RealtimeHub({ limits: { slowConsumerTimeoutMs: 60_000 } });
    desk = await startSupportDesk({ realtime: hub });
    await desk.app.listen({ host: '127.0.0.1', port: 0 });
    port = (desk.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('should hold a bounded amount for a slow consumer under a steady feed, with no heap growth over the soak', async () => {
    // Arrange: one consumer behind a 32 KB/s link, one reading at full speed.
    const tenant = await desk.createTenant('Soak Co');
    const user = await desk.createUser(tenant.id, { email: 'soak@soak.test', name: 'Soak' });
    await using proxy = await createProxy({ upstream: `127.0.0.1:${port}`, seed: 14 });
    const slowLink = proxy.addToxic({ type: 'bandwidth', attributes: { rate: 32 } });
    const slow = await openRealtime(realtimeUrl(proxy.port), tenant.id, { keepEvents: false });
    const fast = await openRealtime(realtimeUrl(port), tenant.id, { keepEvents: false });
    const feed = new TrackingFeed(hub, tenant.id, user.id, 1_000);
    const gc = collector();
    const afterGc = (): number | undefined => {
      if (gc === undefined) return undefined;
      gc();
      return getHeapStatistics().used_heap_size;
    };
    const heap: number[] = [];
    const pending: number[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      heap.push(getHeapStatistics().used_heap_size);
      pending.push(hub.stats().peakPendingBytes);
    }, SAMPLE_EVERY_MS);
    let quarterHeap: number | undefined;
    const quarter = setTimeout(() => (quarterHeap = afterGc()), SOAK_MS / 4);

    // Act
    try {
      await feed.stream(500, () => Date.now() - started >= SOAK_MS);
    } finally {
      clearInterval(sampler);
      clearTimeout(quarter);
    }
    const endHeap = afterGc();
    const soaked = hub.stats();
    slowLink.remove();
    feed.finish();
    const everyOrder = [...feed.last.keys()];
    const isFinal = (client: typeof slow) => () =>
      everyOrder.every((orderId) => client.latest.get(orderId)?.version === feed.last.get(orderId)!.version);
    await Promise.all([slow.until(isFinal(slow), 20_000), fast.until(isFinal(fast), 20_000)]);

    // Assert: the pressure was real (the feed offered far more than the slow link carried)...
    const offeredBytes = feed.published * 150;
    expect(offeredBytes).toBeGreaterThan(10 * hub.limits.hardLimitBytes);
    expect(soaked.updatesDropped + soaked.updatesCoalesced).toBeGreaterThan(0);
    expect(soaked.slowConsumersDisconnected).toBe(0);
    // ...what the service held for the slow consumer stayed under its limit the whole time...
    expect(Math.max(...pending)).toBeLessThanOrEqual(hub.limits.hardLimitBytes);
    expect(soaked.peakBufferedAmount).toBeLessThan(hub.limits.highWaterMarkBytes + 1_024);
    // ...and the heap did not grow with the traffic: its low points in the last third against the first, and after full collections.
    const third = Math.floor(heap.length / 3);
    const growth = Math.min(...heap.slice(-third)) - Math.min(...heap.slice(0, third));
    const growthAfterGc = quarterHeap === undefined || endHeap === undefined ? undefined : endHeap - quarterHeap;
    console.info(
      `[realtime soak] ${JSON.stringify({ gc: gc !== undefined, samples: heap.length, published: feed.published, sent: soaked.messagesSent, dropped: soaked.updatesDropped, coalesced: soaked.updatesCoalesced, heapTrendMiB: +(growth / 2 ** 20).toFixed(1), heapAfterGcMiB: growthAfterGc === undefined ? null : +(growthAfterGc / 2 ** 20).toFixed(1) })}`,
    );
    expect(heap.length).toBeGreaterThanOrEqual(30);
    const [heapGrowth, tolerance] =
      growthAfterGc === undefined ? [growth, HEAP_TREND_TOLERANCE_BYTES] : [growthAfterGc, HEAP_AFTER_GC_TOLERANCE_BYTES];
    expect(heapGrowth).toBeLessThan(tolerance);
    // Both consumers end with the final status of every order.
    for (const [orderId, last] of feed.last) {
      expect(slow.latest.get(orderId)).toEqual({ status: last.status, version: last.version });
      expect(fast.latest.get(orderId)).toEqual({ status: last.status, version: last.version });
    }
    await slow.close();
    await fast.close();
    await sleep(0);
  });
});
