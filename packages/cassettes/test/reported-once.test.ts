import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jestConfigModule, testModule } from '@proving-ground/test-kit';
import { cassetteFileName } from '../src/index.js';
import { createJestProject, type JestProject, type JestRun } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

function callsTest(): void {
  const { test } = require('@jest/globals') as typeof import('@jest/globals');
  const { live, currentMode } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const http = require('node:http') as typeof import('node:http');
  const axios = (require('axios') as { default: typeof import('axios').default }).default;
  // live_smoke runs only the tests marked live; golden runs them all.
  const scoped = (name: string, fn: () => Promise<unknown>): void =>
    currentMode() === 'live_smoke' ? live.test(name, fn) : test(name, fn);

  scoped('should call with fetch', async () => {
    await fetch('http://users.test/users');
  });

  scoped(
    'should call with node:http',
    () =>
      new Promise<void>((resolve, reject) => {
        http
          .get('http://users.test/users', (response) => {
            response.resume();
            response.on('end', resolve);
          })
          .on('error', reject);
      }),
  );

  scoped('should call with axios', async () => {
    try {
      await axios.get('http://users.test/users');
    } catch (error) {
      // Jest's JSON report cannot hold an AxiosError's request and agent (circular): keep the error itself.
      const failure = error as Record<string, unknown>;
      for (const key of ['config', 'request', 'response']) delete failure[key];
      throw error;
    }
  });
}

// --- The checks ---

/**
 * How often a cassette message appears in one failure of each socket-path client: once for
 * node:http (the guard hands the interceptors a copy of the cassette's error whose cause is the
 * error's own cause, not the error again); three times for axios, which prints any network error
 * that way itself (its AxiosError repeats the message, appends the error's stack as "Caused by",
 * and keeps it as its cause), as it does live.
 */
const COPIES_PER_CLIENT: [string, number][] = [
  ['node:http', 1],
  ['axios', 3],
];

const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

describe('a cassette error in a real Jest run', () => {
  let project: JestProject;
  const failuresOf = (run: JestRun, title: string): string[] => run.tests.find((test) => test.title === title)?.failureMessages ?? [];

  beforeAll(() => {
    project = createJestProject({
      'calls.test.js': testModule(callsTest),
      'jest.config.js': jestConfigModule({
        setupFiles: ['@proving-ground/test-modes/setup'],
        setupFilesAfterEnv: ['@proving-ground/cassettes/setup'],
      }),
    });
  });
  afterAll(() => project?.remove());

  it('should print a corrupt cassette once while recording in live_smoke, its parse error included', async () => {
    // Arrange: a truncated write, for both tests.
    for (const name of ['should call with fetch', 'should call with node:http', 'should call with axios']) {
      project.write(`__cassettes__/calls.test.js/${cassetteFileName(name)}`, '{"version": 2, "interac');
    }

    // Act
    const run = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing' } });

    // Assert
    const fetchFailure = failuresOf(run, 'should call with fetch').join('\n');
    expect(fetchFailure).toContain('Failed to read cassette __cassettes__/calls.test.js/should-call-with-fetch-');
    expect(occurrences(run.stderr, 'Failed to read cassette __cassettes__/calls.test.js/should-call-with-fetch-')).toBe(1);
    expect(occurrences(fetchFailure, 'Unterminated string in JSON')).toBe(1);
    for (const [client, times] of COPIES_PER_CLIENT) {
      const failure = failuresOf(run, `should call with ${client}`).join('\n');
      expect(failuresOf(run, `should call with ${client}`)).toHaveLength(1);
      expect([client, occurrences(failure, 'Failed to read cassette __cassettes__/calls.test.js/should-call-with-')]).toEqual([
        client,
        times,
      ]);
    }
  });

  it('should print a request that matches no recording once in golden', async () => {
    // Arrange
    project.delete(`__cassettes__/calls.test.js/${cassetteFileName('should call with fetch')}`);
    project.delete(`__cassettes__/calls.test.js/${cassetteFileName('should call with node:http')}`);
    project.delete(`__cassettes__/calls.test.js/${cassetteFileName('should call with axios')}`);

    // Act
    const run = await project.run({ env: { TEST_MODE: 'golden' } });

    // Assert
    expect(failuresOf(run, 'should call with fetch')).toHaveLength(1);
    expect(occurrences(run.stderr, 'Failed to replay "GET http://users.test/users" in test "should call with fetch"')).toBe(1);
    for (const [client, times] of COPIES_PER_CLIENT) {
      const failure = failuresOf(run, `should call with ${client}`).join('\n');
      expect(failuresOf(run, `should call with ${client}`)).toHaveLength(1);
      expect([client, occurrences(failure, 'no recorded interaction matches')]).toEqual([client, times]);
      expect(occurrences(run.stderr, `Failed to replay "GET http://users.test/users" in test "should call with ${client}"`)).toBe(times);
    }
  });
});
