import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestProject, jestConfigModule, realService, testModule, type JestProject } from '@proving-ground/test-kit';
import { openHistoryStore } from '../src/store/open-store.js';
import { packageDir, reporterProject, storedHistory } from './reporter-projects.js';
import { scratchDatabase } from './postgres-database.js';

// --- Files of the temporary projects (typed here, written there with testModule) ---

declare const test: typeof import('@jest/globals').test;
declare const require: (id: string) => unknown;

/** Code under test with a branch the test leaves out, so coverage is under 100 %. */
function priceModule(): void {
  (module as { exports: unknown }).exports = (cents: number): string => {
    if (cents < 0) {
      return 'refund';
    }
    return `${(cents / 100).toFixed(2)} EUR`;
  };
}

declare const module: unknown;

function priceTest(): void {
  const price = require('./price.js') as (cents: number) => string;
  test('formats a price', () => {
    expect(price(1250)).toBe('12.50 EUR');
  });
}

const postgres = realService('postgres');

describe('reporter: the run record and where it goes', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it("should store the run's coverage totals when Jest ran with the json-summary coverage reporter", async () => {
    const project = reporterProject({
      jest: { collectCoverage: true, coverageReporters: ['json-summary'], collectCoverageFrom: ['price.js'] },
      files: { 'price.js': testModule(priceModule), 'price.test.js': testModule(priceTest) },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(0);
    const [record] = (await storedHistory(project)).runs;
    expect(record?.coverage).toEqual({ lines: expect.any(Number), statements: expect.any(Number), functions: 100, branches: 50 });
    expect(record!.coverage!.lines).toBeLessThan(100);
  });

  it('should store no coverage when Jest ran without it', async () => {
    const project = reporterProject({ files: { 'price.js': testModule(priceModule), 'price.test.js': testModule(priceTest) } });
    projects.push(project);

    await project.run();

    expect((await storedHistory(project)).runs[0]?.coverage).toBeUndefined();
  });

  const describeWithPostgres = postgres.url === undefined ? describe.skip : describe;
  describeWithPostgres(`with PostgreSQL ${postgres.skipReason ?? ''}`.trim(), () => {
    it('should write to the PostgreSQL database named by FLAKY_DETECTOR_DATABASE_URL', async () => {
      const database = await scratchDatabase(postgres.url!, 'reporter');
      const project = createJestProject({
        packageDir,
        files: {
          'jest.config.js': jestConfigModule({
            testEnvironment: 'node',
            transform: {},
            reporters: ['default', '@proving-ground/flaky-detector/reporter'],
            setupFilesAfterEnv: ['@proving-ground/flaky-detector/setup'],
          }),
          'price.js': testModule(priceModule),
          'price.test.js': testModule(priceTest),
        },
      });
      projects.push(project);
      try {
        const run = await project.run({ env: { FLAKY_DETECTOR_DATABASE_URL: database.url } });

        expect(run.exitCode).toBe(0);
        const store = await openHistoryStore({ url: database.url });
        const history = await store.history();
        await store.close();
        expect(history.attempts.map((attempt) => [attempt.fullName, attempt.status])).toEqual([['formats a price', 'passed']]);
        expect(run.stderr).toContain('as run');
      } finally {
        await database.drop();
      }
    });
  });

  it('should stop on a corrupt store, naming the file, and leave it as it was', async () => {
    const garbage = '<html>502 Bad Gateway</html>\n';
    const project = reporterProject({
      files: { '.flaky-detector/history.sqlite': garbage, 'price.js': testModule(priceModule), 'price.test.js': testModule(priceTest) },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`[flaky-detector] Failed to open`);
    expect(run.stderr).toContain(join(project.dir, '.flaky-detector', 'history.sqlite'));
    expect(readFileSync(join(project.dir, '.flaky-detector', 'history.sqlite'), 'utf8')).toBe(garbage);
  });

  it('should refuse bad options before any test runs, naming every problem', async () => {
    const project = reporterProject({
      options: { quarantinFile: 'q.json', retries: { maxRetries: 'three' }, earlyDetection: true },
      files: { 'price.js': testModule(priceModule), 'price.test.js': testModule(priceTest) },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[flaky-detector] Failed to start the flaky-detector reporter: 3 problems.');
    expect(run.stderr).toContain('- quarantinFile: unknown option. Did you mean "quarantineFile"?');
    expect(run.stderr).toContain('- earlyDetection: expected an object of options or false, got true.');
    expect(run.stderr).toContain('- retries.maxRetries: expected a whole number from 0 to 100, got "three".');
    expect(run.numTotalTests).toBe(0);
  });
});
