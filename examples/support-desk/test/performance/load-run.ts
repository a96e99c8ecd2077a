import autocannon from 'autocannon';

/** One kind of request the load journey sends. */
export interface LoadScenario {
  /** How the scenario is named in measures and the baseline (`GET /orders/:id`). */
  name: string;
  method: 'GET' | 'POST';
  /** A path on the service (`/orders/<id>`). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What one bounded autocannon run of a scenario measured. */
export interface LoadSample {
  scenario: string;
  requests: number;
  /** Median and 90th percentile response time, in milliseconds (from every response, sub-millisecond). */
  p50Ms: number;
  p90Ms: number;
  /** Wall time per request from the start to the last response: the inverse of the throughput, in milliseconds. */
  msPerRequest: number;
  /**
   * CPU time of this process per request, in milliseconds. The service, its embedded database and
   * the load generator all run here, so this is what a request costs, whatever else the machine runs.
   */
  cpuMsPerRequest: number;
  /** CPU time over wall time during the run: near 1 when the process had a core to itself, low when the machine is busy. */
  cpuShare: number;
  /** Responses that were not 2xx, connection errors and timeouts: a load run that has any is not measured. */
  failures: number;
}

/** How hard and how long each run is: a fixed count of requests over a few connections. */
export interface LoadBounds {
  requests: number;
  connections: number;
  /** Seconds a single request may take before autocannon counts a timeout. */
  timeoutSeconds: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/**
 * Send `bounds.requests` requests of `scenario` to `origin` (127.0.0.1) over `bounds.connections`
 * connections with autocannon, and measure their latencies and throughput. Latencies come from
 * autocannon's `response` events (float milliseconds): its own histogram rounds to whole
 * milliseconds, too coarse for a request that takes one.
 *
 * @example
 * const sample = await runLoad('http://127.0.0.1:3000', { name: 'GET /health', method: 'GET', path: '/health' }, { requests: 100, connections: 4, timeoutSeconds: 10 })
 */
export async function runLoad(origin: string, scenario: LoadScenario, bounds: LoadBounds): Promise<LoadSample> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${origin}${scenario.path}`,
        method: scenario.method,
        headers: { ...scenario.headers, ...(scenario.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(scenario.body === undefined ? {} : { body: scenario.body }),
        connections: bounds.connections,
        amount: bounds.requests,
        timeout: bounds.timeoutSeconds,
        // autocannon notices that the last request is answered on its next sample tick (1 s by default).
        sampleInt: 20,
      },
      (error, finished) => (error === null || error === undefined ? resolve(finished) : reject(error as Error)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastResponse = performance.now();
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failures += 1;
    });
  });
  const elapsed = lastResponse - started;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    requests: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p90Ms: percentile(latencies, 0.9),
    msPerRequest: elapsed / Math.max(1, latencies.length),
    cpuMsPerRequest: cpuMs / Math.max(1, latencies.length),
    cpuShare: cpuMs / Math.max(1, performance.now() - started),
    failures: failures + result.errors + result.timeouts,
  };
}
