import { describe, expect, it } from '@jest/globals';
import { jestConfigModule, runJestProject, testModule } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A consumer's test file: the matchers come from the setup entry, on Jest's global `expect`. */
function setupEntryConsumer(): void {
  describe('a consumer of the setup entry', () => {
    it('passes a strict schema check', () => {
      expect({ id: 1 }).toMatchSchema({ type: 'object', properties: { id: { type: 'integer' } } });
    });
    it('fails on an undeclared field carrying an email, masked', () => {
      expect({ id: 1, contact: 'jane.doe@corp.example' }).toMatchSchema({ type: 'object', properties: { id: { type: 'integer' } } });
    });
    it('finds no personal data in a timestamp', () => {
      expect({ at: 1731000000000 }).not.toContainPii();
    });
    it('counts a request between two scrapes', () => {
      const scrape = (count: number): string => `# TYPE http_requests_total counter\nhttp_requests_total{route="/orders"} ${count}\n`;
      expect(scrape(3)).toHaveMetric('http_requests_total', { labels: { route: '/orders' }, since: scrape(2), delta: 1 });
      expect([{ name: 'GET /orders', spanId: 'b7ad6b7169203331', traceId: '0af7651916cd43dd8448eb211c80319c' }]).toHaveSpan('GET /orders');
    });
    it('fails on an e-mail in a label value, masked', () => {
      expect(
        '# HELP logins_total Logins.\n# TYPE logins_total counter\nlogins_total{user="jane.doe@corp.example"} 1\n',
      ).toFollowMetricConventions();
    });
  });
}

// --- The checks ---

describe('the @proving-ground/contract-helpers/jest setup entry', () => {
  it.each([
    ['CommonJS', false, 'test.test.js'],
    ['native ESM', true, 'test.test.mjs'],
  ] as const)('should register the matchers, the observability ones too, in Jest %s mode', async (_mode, esm, testFile) => {
    const run = await runJestProject(
      {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', setupFilesAfterEnv: ['@proving-ground/contract-helpers/jest'], testMatch: ['**/*.test.{js,mjs}'] },
          { esm },
        ),
        [testFile]: testModule(setupEntryConsumer),
      },
      { esm },
    );

    expect({ stderr: run.tests.length === 0 ? run.stderr : '', tests: run.tests.map((test) => [test.title, test.status]) }).toEqual({
      stderr: '',
      tests: [
        ['passes a strict schema check', 'passed'],
        ['fails on an undeclared field carrying an email, masked', 'failed'],
        ['finds no personal data in a timestamp', 'passed'],
        ['counts a request between two scrapes', 'passed'],
        ['fails on an e-mail in a label value, masked', 'failed'],
      ],
    });
    const failure = run.tests[1]!.failureMessages.join('\n');
    expect(failure).toContain('$.contact: extra field "contact" is not declared (string, 21 characters)');
    expect(failure).not.toContain('jane.doe');
    const labelFailure = run.tests[4]!.failureMessages.join('\n');
    expect(labelFailure).toContain('pii: logins_total: the user label holds personal data (email): j***@c***.example');
    expect(labelFailure).not.toContain('jane.doe');
  });
});
