import http from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isFlakyError } from '../src/errors.js';
import { groupingSegment, pushToPushgateway } from '../src/metrics/pushgateway.js';
import { prometheusText } from '../src/metrics/prometheus-text.js';
import { runMetrics } from '../src/metrics/run-metrics.js';
import { sampleAttempts, sampleRun } from './fixtures/metrics-run.js';

interface Captured {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A stand-in Pushgateway on 127.0.0.1 that keeps each request and answers `status` with `reply`. */
async function startGateway(status = 200, reply = ''): Promise<{ url: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('groupingSegment', () => {
  it('should URI-encode plain values and base64url-encode values with a slash, and an empty value as "="', () => {
    expect(groupingSegment('branch', 'feature x')).toBe('branch/feature%20x');
    expect(groupingSegment('shard', '2/4')).toBe('shard@base64/Mi80');
    expect(groupingSegment('path', '/var/tmp?')).toBe(`path@base64/${Buffer.from('/var/tmp?').toString('base64url')}`);
    expect(groupingSegment('instance', '')).toBe('instance@base64/=');
  });
});

describe('pushToPushgateway', () => {
  it('should PUT the text format to /metrics/job/<job>, grouped by CI job and shard', async () => {
    gateway = await startGateway();
    const metrics = runMetrics(sampleRun(), sampleAttempts());

    const result = await pushToPushgateway(metrics, { url: `${gateway.url}/`, job: 'unit tests' });

    expect(gateway.requests).toHaveLength(1);
    const [request] = gateway.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.path).toBe('/metrics/job/unit%20tests/ci_job/unit/shard@base64/Mi80');
    expect(request?.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(request?.body).toBe(prometheusText(metrics));
    expect(result.grouping).toEqual({ job: 'unit tests', ci_job: 'unit', shard: '2/4' });
    expect(result.samples).toBe(request!.body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length);
  });

  it('should add grouping labels, drop an emptied one, POST when asked, and turn URL credentials into Basic auth', async () => {
    gateway = await startGateway();

    const result = await pushToPushgateway(runMetrics(sampleRun(), sampleAttempts()), {
      url: gateway.url.replace('http://', 'http://ci:p%40ss@') + '/gateway',
      grouping: { branch: 'feature/login', shard: '' },
      method: 'POST',
    });

    const [request] = gateway.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(
      `/gateway/metrics/job/flaky-detector/ci_job/unit/branch@base64/${Buffer.from('feature/login').toString('base64url')}`,
    );
    expect(request?.headers['authorization']).toBe(`Basic ${Buffer.from('ci:p@ss').toString('base64')}`);
    expect(result.url).toBe(
      `${gateway.url}/gateway/metrics/job/flaky-detector/ci_job/unit/branch@base64/${Buffer.from('feature/login').toString('base64url')}`,
    );
  });

  it('should name the URL and what to do when nothing listens there, with the password masked', async () => {
    gateway = await startGateway();
    const url = gateway.url.replace('http://', 'http://ci:s3cret@');
    await gateway.close();
    gateway = undefined;

    let error: unknown;
    try {
      await pushToPushgateway(runMetrics(sampleRun(), sampleAttempts()), { url, job: 'unit' });
    } catch (caught) {
      error = caught;
    }

    expect(isFlakyError(error) && error.code).toBe('FLAKY_PUSHGATEWAY_UNREACHABLE');
    const message = (error as Error).message;
    expect(message).toBe(
      `[flaky-detector] Failed to push the run metrics to the Pushgateway at ${url.replace('ci:s3cret@', '')} (group job="unit", ci_job="unit", shard="2/4"): the connection was refused (ECONNREFUSED): nothing listens there. Check that the Pushgateway runs and that the URL (--pushgateway) names it: its /-/ready page answers OK.`,
    );
    expect(message).not.toContain('s3cret');
  });

  it("should quote the Pushgateway's answer when it refuses a push", async () => {
    gateway = await startGateway(
      400,
      'pushed metrics are invalid or inconsistent with existing metrics: collected metric "flaky_detector_run_tests" is a counter\n',
    );

    const failure = pushToPushgateway(runMetrics(sampleRun(), sampleAttempts()), { url: gateway.url });

    await expect(failure).rejects.toMatchObject({ code: 'FLAKY_PUSHGATEWAY_REJECTED' });
    await expect(failure).rejects.toThrow(
      'it answered 400 Bad Request: pushed metrics are invalid or inconsistent with existing metrics: collected metric "flaky_detector_run_tests" is a counter. The Pushgateway holds metrics of the same name',
    );
  });

  it('should refuse grouping labels that would clash, listing every problem at once', async () => {
    const failure = pushToPushgateway(runMetrics(sampleRun(), []), {
      url: 'pushgateway:9091',
      grouping: { job: 'x', file: 'y', '1bad': 'z', branch: 'main' },
      method: 'PATCH' as 'PUT',
    });

    await expect(failure).rejects.toMatchObject({ code: 'FLAKY_INVALID_METRICS_OPTIONS' });
    await expect(failure).rejects.toThrow(
      /3 problems\.\n- url: expected an http:.*\n- grouping: "job", "file", "1bad" cannot be a grouping label.*\n- method: expected one of "PUT" and "POST", got "PATCH"/,
    );
  });
});
