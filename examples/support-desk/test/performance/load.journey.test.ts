import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pbkdf2Sync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { postgresService } from '@proving-ground/test-modes';
import { openDatabase } from '../../src/database.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { buildDesk, type DeskDatabase, type RunningSupportDesk } from '../support-desk.ts';
import { runLoad, type LoadBounds, type LoadSample, type LoadScenario } from './load-run.ts';
import {
  baselineFileOf,
  compareToBaseline,
  cpuShareOf,
  formatGate,
  QUIET_CPU_SHARE,
  ratioMeasures,
  readBaseline,
  REFERENCE_SCENARIO,
  writeBaseline,
  type GateCheck,
} from './performance-baseline.ts';

const BASELINE_PATH = fileURLToPath(new URL('./baseline.json', import.meta.url));

/** `PERFORMANCE_BASELINE=refresh` (npm run perf:baseline) measures more rounds and writes baseline.json instead of comparing. */
const refreshing = process.env['PERFORMANCE_BASELINE'] === 'refresh';

/** Bounded: a fixed count of requests over 4 connections, on 127.0.0.1; 5 rounds take a few seconds. */
const ROUNDS = refreshing ? 15 : 5;
const BOUNDS: LoadBounds = { requests: 80, connections: 4, timeoutSeconds: 10 };
const WARM_UP: LoadBounds = { requests: 20, connections: 2, timeoutSeconds: 10 };

/** The CPU work the teeth test adds to each `/orders/:id` request (PBKDF2 iterations, several milliseconds): a regression in CPU cost. */
const INJECTED_WORK_ITERATIONS = 30_000;

/** A database as the harness opens one (`openDeskDatabase()`), named by where it runs: a request's cost depends on it. */
async function openLoadDatabase(): Promise<DeskDatabase & { backend: 'pglite' | 'postgres' }> {
  const postgres = postgresService();
  const service = await postgres.start();
  const database = await openDatabase({ url: service.url, poolSize: service.kind === 'embedded' ? 1 : undefined });
  return {
    database,
    backend: service.kind === 'embedded' ? 'pglite' : 'postgres',
    async close() {
      await database.close();
      await postgres.stop();
    },
  };
}

interface Desk {
  desk: RunningSupportDesk;
  origin: string;
  scenarios: LoadScenario[];
}

async function startDesk(db: DeskDatabase, decorate?: (app: RunningSupportDesk['app']) => void): Promise<Desk> {
  const desk = await buildDesk(db.database, decorate === undefined ? {} : { decorate });
  const tenant = await desk.createTenant('Load Mugs');
  const user = await desk.createUser(tenant.id, { email: 'load.buyer@load-mugs.example', name: 'Load Buyer' });
  const body = { userId: user.id, currency: 'EUR', lines: [{ sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250 }] };
  const order = await desk.createOrder(tenant.id, body);
  const origin = await desk.app.listen({ host: '127.0.0.1', port: 0 });
  const headers = { [TENANT_HEADER]: tenant.id };
  return {
    desk,
    origin,
    scenarios: [
      { name: REFERENCE_SCENARIO, method: 'GET', path: '/health' },
      { name: 'GET /orders/:id', method: 'GET', path: `/orders/${order.id}`, headers },
      { name: 'POST /orders', method: 'POST', path: '/orders', headers, body: JSON.stringify(body) },
    ],
  };
}

/** `rounds` rounds of every scenario; the order rotates each round, so a drift of the machine hits all alike. */
async function measureRounds(target: Desk, rounds: number, bounds: LoadBounds): Promise<LoadSample[][]> {
  const measured: LoadSample[][] = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = target.scenarios.map((_, index) => target.scenarios[(index + round) % target.scenarios.length]!);
    const samples: LoadSample[] = [];
    for (const scenario of order) samples.push(await runLoad(target.origin, scenario, bounds));
    measured.push(samples);
  }
  return measured;
}

describe('support-desk load journey (performance gate)', () => {
  let db: Awaited<ReturnType<typeof openLoadDatabase>>;
  let service: Desk;
  let rounds: LoadSample[][];

  beforeAll(async () => {
    db = await openLoadDatabase();
    service = await startDesk(db);
    for (const scenario of service.scenarios) await runLoad(service.origin, scenario, WARM_UP);
    rounds = await measureRounds(service, ROUNDS, BOUNDS);
  }, 120_000);

  afterAll(async () => {
    await service?.desk.close();
    await db?.close();
  });

  it('should answer every request of the load with a 2xx', () => {
    const samples = rounds.flat();

    expect(samples).toHaveLength(ROUNDS * service.scenarios.length);
    expect(samples.map((sample) => [sample.scenario, sample.requests, sample.failures])).toEqual(
      samples.map((sample) => [sample.scenario, BOUNDS.requests, 0]),
    );
  });

  it('should keep latency, throughput and CPU cost per request, relative to GET /health, within the committed baseline', async () => {
    const backend = db.backend;
    const measures = ratioMeasures(rounds, backend);
    const share = cpuShareOf(rounds);
    const report = (checks: readonly GateCheck[], cpuShare: number) =>
      `${formatGate(checks)}\n(this process had ${Math.round(cpuShare * 100)}% of a core; wall-clock measures are gated from ${QUIET_CPU_SHARE * 100}%)`;
    if (refreshing) {
      const kept = existsSync(BASELINE_PATH) ? readBaseline(BASELINE_PATH).baselines : [];
      writeBaseline(BASELINE_PATH, baselineFileOf(measures, new Date(), kept));
      process.stdout.write(`Wrote ${BASELINE_PATH}:\n${report(compareToBaseline(measures, readBaseline(BASELINE_PATH), true), share)}\n`);
      if (share < QUIET_CPU_SHARE)
        process.stdout.write('The machine was busy: refresh again on an idle one for wall-clock baselines you can trust.\n');
      return;
    }
    const baseline = readBaseline(BASELINE_PATH);
    if (!baseline.baselines.some((entry) => entry.fullName.startsWith(`${backend}: `))) {
      process.stdout.write(
        `test/performance/baseline.json has no ${backend} baseline: not compared. Write one with npm run perf:baseline.\n`,
      );
      return;
    }

    const first = compareToBaseline(measures, baseline, share >= QUIET_CPU_SHARE);
    let confirmed = first;
    let confirmation = '';
    if (first.some((check) => check.verdict === 'regression')) {
      // flaky-detector's rule for a slow test: a second measurement must confirm the first.
      const again = await measureRounds(service, ROUNDS, BOUNDS);
      const second = compareToBaseline(ratioMeasures(again, backend), baseline, cpuShareOf(again) >= QUIET_CPU_SHARE);
      confirmed = first.filter((check) => second.find((other) => other.measure === check.measure)?.verdict === check.verdict);
      confirmation = `\nmeasured again:\n${report(second, cpuShareOf(again))}`;
    }

    expect(first).toHaveLength(8);
    const failing = [
      ...first.filter((check) => check.verdict === 'no-baseline'),
      ...confirmed.filter((check) => check.verdict === 'regression'),
    ];
    if (failing.length > 0) {
      throw new Error(
        `[support-desk] The load journey is slower than test/performance/baseline.json (or has measures it lacks):\n${report(first, share)}${confirmation}\n` +
          'If the change is intended, refresh the baseline on an idle machine: npm run perf:baseline -w examples/support-desk',
      );
    }
  }, 120_000);

  it('should flag a route slowed down as a regression (the gate has teeth)', async () => {
    const backend = db.backend;
    const baseline = readBaseline(BASELINE_PATH);
    if (!baseline.baselines.some((entry) => entry.fullName.startsWith(`${backend}: `))) return; // nothing to compare with
    const slow = await startDesk(db, (app) => {
      app.addHook('onRequest', (request, _reply, done) => {
        if (request.url.startsWith('/orders/')) pbkdf2Sync(request.id, 'salt', INJECTED_WORK_ITERATIONS, 32, 'sha256');
        done();
      });
    });
    try {
      const measured = await measureRounds(slow, 1, { ...BOUNDS, requests: 40 });

      const checks = compareToBaseline(ratioMeasures(measured, backend), baseline, cpuShareOf(measured) >= QUIET_CPU_SHARE);

      const regressions = checks.filter((check) => check.verdict === 'regression').map((check) => check.measure);
      expect(regressions).toContain(`${backend}: GET /orders/:id CPU time per request × ${REFERENCE_SCENARIO}`);
    } finally {
      await slow.desk.close();
    }
  }, 60_000);
});
