import { afterAll, describe, expect, it } from '@jest/globals';
import { testModule, type JestProject } from '@proving-ground/test-kit';
import { testIdOf } from '../src/model.js';
import { lastRunId, outcomesByTest, reporterProject, storedHistory } from './reporter-projects.js';

// --- Test files of the temporary projects (typed here, written there with testModule) ---

declare const test: typeof import('@jest/globals').test;
declare const beforeAll: typeof import('@jest/globals').beforeAll;
declare const require: (id: string) => unknown;
declare const process: NodeJS.Process;

function quarantinedFile(): void {
  describe('payments', () => {
    test('charges the card', () => {
      throw new Error('expected the card to be charged, it was declined');
    });
    test('refunds', () => undefined);
  });
}

function passingFile(): void {
  test('ships the order', () => undefined);
}

function otherPassingFile(): void {
  test('bills the order', () => undefined);
}

/** Where the test file ran: Jest's own process (in band) or one of its worker processes. */
function whereCjs(): void {
  const { writeFileSync } = require('node:fs') as typeof import('node:fs');
  test('runs in a process', () => writeFileSync(`${process.env['OUT_DIR']}/where.json`, JSON.stringify(process.argv[1])));
}

async function whereEsm(): Promise<void> {
  const { writeFileSync } = await import('node:fs');
  test('runs in a process', () => writeFileSync(`${process.env['OUT_DIR']}/where.json`, JSON.stringify(process.argv[1])));
}

function failingFile(): void {
  test('sends the invoice', () => {
    expect(1).toBe(2);
  });
}

function failingBeforeAll(): void {
  // eslint-disable-next-line jest/no-identical-title -- the quarantined test again, in another temporary project
  describe('payments', () => {
    beforeAll(() => {
      throw new Error('the payment sandbox is down');
    });
    test('charges the card', () => undefined);
  });
}

function failsToLoad(): void {
  throw new Error('cannot load the fixtures');
}

// --- The checks ---

const QUARANTINED = testIdOf('payments.test.js', 'payments charges the card');
const ORDERS = testIdOf('orders.test.js', 'ships the order');

function entry(expires: string, testId = QUARANTINED): Record<string, string> {
  return {
    testId,
    owner: '@payments',
    reason: 'the card sandbox declines at random',
    issue: 'https://example.invalid/shop/issues/812',
    expires,
  };
}

const quarantineFile = (...entries: Array<Record<string, string>>): string => JSON.stringify({ entries }, null, 2);

describe('quarantine in a real Jest run', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  function project(files: Record<string, string>, esm = false): JestProject {
    const created = reporterProject({ esm, setup: true, options: { earlyDetection: false }, files });
    projects.push(created);
    return created;
  }

  it.each([
    { mode: 'CommonJS, several workers', esm: false, args: ['--maxWorkers=2'], where: testModule(whereCjs), process: /processChild\.js$/ },
    { mode: 'native ESM, in band', esm: true, args: ['--runInBand'], where: testModule(whereEsm), process: /jest\.js$/ },
  ])(
    "should keep a quarantined test's failure from failing the run, and record and print the real failure ($mode)",
    async ({ esm, args, where, process: runner }) => {
      const run = await project(
        {
          'flaky-quarantine.json': quarantineFile(entry('2999-12-31')),
          'payments.test.js': testModule(quarantinedFile),
          'orders.test.js': testModule(passingFile),
          'billing.test.js': testModule(otherPassingFile),
          'where.test.js': where,
        },
        esm,
      ).run({ args });

      // The workers (or Jest's own process) found the run folder through the variable they inherited.
      expect(run.outputs['where.json']).toMatch(runner);

      expect(run.exitCode).toBe(0);
      expect(run.tests.find((outcome) => outcome.fullName === 'payments charges the card')?.status).toBe('passed');
      expect(run.stderr).toContain('flaky-detector: 1 quarantined failure');
      expect(run.stderr).toContain(`payments.test.js › payments charges the card (${QUARANTINED})`);
      expect(run.stderr).toContain('owner @payments, expires 2999-12-31, https://example.invalid/shop/issues/812');
      const history = await storedHistory(projects[projects.length - 1]!);
      expect(outcomesByTest(history, lastRunId(history))).toEqual({
        'payments charges the card': ['failed'],
        'payments refunds': ['passed'],
        'ships the order': ['passed'],
        'bills the order': ['passed'],
        'runs in a process': ['passed'],
      });
    },
  );

  it('should still fail the run on a failure outside the quarantine', async () => {
    const run = await project({
      'flaky-quarantine.json': quarantineFile(entry('2999-12-31')),
      'payments.test.js': testModule(quarantinedFile),
      'invoices.test.js': testModule(failingFile),
    }).run();

    expect(run.exitCode).toBe(1);
    expect(run.tests.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.fullName)).toEqual(['sends the invoice']);
  });

  it('should still fail the run when a beforeAll around the quarantined test fails', async () => {
    const run = await project({
      'flaky-quarantine.json': quarantineFile(entry('2999-12-31')),
      'payments.test.js': testModule(failingBeforeAll),
    }).run();

    expect(run.exitCode).toBe(1);
    expect(run.tests[0]?.failureMessages.join('\n')).toContain('the payment sandbox is down');
  });

  it('should still fail the run when a test file fails to load', async () => {
    const run = await project({
      'flaky-quarantine.json': quarantineFile(entry('2999-12-31')),
      'payments.test.js': testModule(quarantinedFile),
      'broken.test.js': testModule(failsToLoad),
    }).run();

    expect(run.exitCode).toBe(1);
    expect(run.suiteFailures.join('\n')).toContain('cannot load the fixtures');
    const history = await storedHistory(projects[projects.length - 1]!);
    expect(history.runs[0]?.suiteErrors).toBe(1);
  });

  it('should not let a quarantined failure trip --bail: the next file still runs and the run passes', async () => {
    const files = { 'payments.test.js': testModule(quarantinedFile), 'orders.test.js': testModule(passingFile) };
    const withQuarantine = project({ 'flaky-quarantine.json': quarantineFile(entry('2999-12-31')), ...files });
    const without = project(files);

    const run = await withQuarantine.run({ args: ['--bail', '--runInBand'] });
    const control = await without.run({ args: ['--bail', '--runInBand'] });

    expect(run.exitCode).toBe(0);
    expect(run.tests.map((outcome) => outcome.fullName).sort()).toEqual([
      'payments charges the card',
      'payments refunds',
      'ships the order',
    ]);
    // Without the entry, the same failure bails out before the second file runs.
    expect(control.exitCode).toBe(1);
    expect(control.tests.map((outcome) => outcome.fullName)).not.toContain('ships the order');
  });

  it('should fail the run on an expired entry, naming it, and let its test fail again', async () => {
    const run = await project({
      'flaky-quarantine.json': quarantineFile(entry('2020-01-31'), entry('2999-12-31', ORDERS)),
      'payments.test.js': testModule(quarantinedFile),
      'orders.test.js': testModule(passingFile),
    }).run();

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[flaky-detector] Failed to keep quarantining 1 test (flaky-quarantine.json): its entry has expired');
    expect(run.stderr).toContain(`- ${QUARANTINED}: expired 2020-01-31, owner @payments, https://example.invalid/shop/issues/812`);
    expect(run.tests.find((outcome) => outcome.fullName === 'payments charges the card')?.status).toBe('failed');
  });

  it('should fail an expired entry of a passing test too (the entry is what fails)', async () => {
    const run = await project({
      'flaky-quarantine.json': quarantineFile(entry('2020-01-31', ORDERS)),
      'orders.test.js': testModule(passingFile),
    }).run();

    expect(run.exitCode).toBe(1);
    expect(run.tests.map((outcome) => outcome.status)).toEqual(['passed']);
    expect(run.stderr).toContain('expired 2020-01-31');
  });

  it('should refuse an invalid quarantine file, naming each entry, its test id and the field, all at once', async () => {
    const run = await project({
      'flaky-quarantine.json': JSON.stringify({
        entries: [
          entry('2999-12-31'),
          { ...entry('31/12/2999', ORDERS), issue: 'JIRA-12' },
          { testId: 'not-an-id', owner: '@qa', reason: 'x', issue: 'https://example.invalid/1', expires: '2999-01-01', ownr: '@qa' },
          entry('2999-12-31'),
        ],
      }),
      'orders.test.js': testModule(passingFile),
    }).run();

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[flaky-detector] Failed to read the quarantine file');
    expect(run.stderr).toContain('5 problems');
    expect(run.stderr).toContain(`- entries[1] (testId "${ORDERS}"): issue: expected an http(s) URL`);
    expect(run.stderr).toContain(`- entries[1] (testId "${ORDERS}"): expires: expected a date YYYY-MM-DD, got "31/12/2999"`);
    expect(run.stderr).toContain('- entries[2] (testId "not-an-id"): testId: expected a test id');
    expect(run.stderr).toContain('- entries[2] (testId "not-an-id"): ownr: unknown field. Did you mean "owner"?');
    expect(run.stderr).toContain(`- entries[3] (testId "${QUARANTINED}"): testId: the same test as entries[0]`);
  });
});
