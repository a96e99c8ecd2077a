import { afterAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');

// --- The test file of the temporary project (typed here, written there with testModule; no
// `await using` there: its compiled form needs a helper the written file would not have) ---

const CASSETTE = {
  version: 2,
  recordedAt: '2026-01-01T00:00:00.000Z',
  recordedWith: 'test',
  interactions: [
    {
      id: 'eur',
      request: { method: 'GET', url: 'https://rates.example.com/eur', headers: {} },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { json: { usd: 1.08 } } },
    },
  ],
};

function faultsBeforeCassettes(): void {
  const { afterAll, expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { activeFaults, httpFaults } = require('@proving-ground/chaos-injectors') as typeof import('@proving-ground/chaos-injectors');
  const { withCassette } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');

  const faults = httpFaults();
  afterAll(() => faults.close());
  const rates = (): Promise<string> =>
    withCassette(
      '__cassettes__/rates.json',
      () => fetch('https://rates.example.com/eur').then(async (r) => `${r.status} ${await r.text()}`),
      {
        mode: 'replay',
      },
    );

  test('a fault answers before the cassette replays', async () => {
    const unavailable = faults.on({ host: 'rates.example.com' }).status(503);
    expect(await rates()).toBe('503 Service Unavailable');
    await unavailable.restore();
  });

  test('latency holds the request, then the cassette answers', async () => {
    const slow = faults.on({ host: 'rates.example.com' }).latency(60);
    const started = Date.now();
    expect(await rates()).toBe('200 {"usd":1.08}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await slow.restore();
  });

  test('a connection reset reaches the client instead of the recording', async () => {
    const reset = faults.on({ path: '/eur' }).reset();
    await expect(rates()).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET', message: 'read ECONNRESET' } });
    await reset.restore();
  });

  test('the cassette replays once the faults are gone', async () => {
    expect(await rates()).toBe('200 {"usd":1.08}');
  });

  test('a fault left active fails its test', () => {
    faults.on({ host: 'rates.example.com' }).refuse();
  });

  test('and is restored after it', async () => {
    expect(activeFaults()).toEqual([]);
    expect(await rates()).toBe('200 {"usd":1.08}');
  });
}

// --- The checks ---

describe('HTTP faults in a real Jest run with the guard and cassettes', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it('should fire before a cassette replays, restore each fault after its test, and fail a test that left one active', async () => {
    const project = createJestProject({
      packageDir,
      files: {
        'jest.config.js': jestConfigModule({
          testEnvironment: 'node',
          transform: {},
          setupFiles: ['@proving-ground/test-modes/setup'],
          setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup'],
        }),
        '__cassettes__/rates.json': JSON.stringify(CASSETTE),
        'rates.test.js': testModule(faultsBeforeCassettes),
      },
    });
    projects.push(project);

    const run = await project.run({ env: { TEST_MODE: 'golden' } });

    expect(run.tests.map((test) => [test.title, test.status])).toEqual([
      ['a fault answers before the cassette replays', 'passed'],
      ['latency holds the request, then the cassette answers', 'passed'],
      ['a connection reset reaches the client instead of the recording', 'passed'],
      ['the cassette replays once the faults are gone', 'passed'],
      ['a fault left active fails its test', 'failed'],
      ['and is restored after it', 'passed'],
    ]);
    expect(run.tests[4]?.failureMessages.join('\n')).toMatch(/it left a fault active\.\n\s+- http refuse on rates\.example\.com\n/);
  });
});
