import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fragmentRoot } from '../src/pact/pact-files.js';
import { runJestProject } from './jest-project.js';

const tmpRoot = join(new URL('..', import.meta.url).pathname, '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const pactDir = mkdtempSync(join(tmpRoot, 'parallel-pacts-'));
afterAll(() => rmSync(pactDir, { recursive: true, force: true }));

function consumerFile(prefix: string): string {
  return `
const { consumerPact } = require('@proving-ground/contract-helpers/pact');
const pact = consumerPact({ consumer: 'web', provider: 'orders', dir: ${JSON.stringify(pactDir)} });
describe('${prefix} orders', () => {
  for (const id of [1, 2, 3]) {
    it('gets ${prefix} order ' + id, () =>
      pact.addInteraction().uponReceiving('${prefix} order ' + id)
        .withRequest('GET', '/orders/${prefix}-' + id)
        .willRespondWith(200, (response) => response.jsonBody({ id: '${prefix}-' + id }))
        .executeTest(async (server) => {
          const body = await (await fetch(server.url + '/orders/${prefix}-' + id)).json();
          expect(body).toEqual({ id: '${prefix}-' + id });
        }));
  }
});
`;
}

describe('consumerPact in a real Jest run with two workers', () => {
  it('should clear the stale pact, and merge both test files interactions into one pact file', async () => {
    // A pact file as an earlier run wrote it, with an interaction no test describes any more.
    writeFileSync(
      join(pactDir, 'web-orders.json'),
      JSON.stringify({
        consumer: { name: 'web' },
        provider: { name: 'orders' },
        interactions: [
          {
            type: 'Synchronous/HTTP',
            description: 'alpha order 9',
            pending: false,
            request: { method: 'GET', path: '/orders/alpha-9' },
            response: {
              status: 200,
              headers: { 'Content-Type': ['application/json'] },
              body: { contentType: 'application/json', encoded: false, content: { id: 'alpha-9' } },
            },
          },
        ],
        metadata: { pactSpecification: { version: '4.0' } },
      }),
    );
    const staleRun = join(fragmentRoot(pactDir, 'web', 'orders'), 'old-run', 'x');
    mkdirSync(staleRun, { recursive: true });
    writeFileSync(
      join(staleRun, 'web-orders.json'),
      JSON.stringify({ consumer: { name: 'web' }, provider: { name: 'orders' }, interactions: [{ description: 'stale fragment' }] }),
    );
    const legacyFragments = join(pactDir, '.fragments', 'web-orders', 'old-run');
    mkdirSync(legacyFragments, { recursive: true });

    const run = await runJestProject({
      'jest.config.js': `module.exports = { testEnvironment: 'node', maxWorkers: 2, testMatch: ['**/*.test.js'] };`,
      'a.test.js': consumerFile('alpha'),
      'b.test.js': consumerFile('beta'),
    });

    expect({ exit: run.exitCode, failures: run.tests.filter((test) => test.status !== 'passed').map((test) => test.title) }).toEqual({
      exit: 0,
      failures: [],
    });
    expect(run.tests).toHaveLength(6);
    const pact = JSON.parse(readFileSync(join(pactDir, 'web-orders.json'), 'utf8')) as { interactions: Array<{ description: string }> };
    expect(pact.interactions.map((interaction) => interaction.description).sort()).toEqual([
      'alpha order 1',
      'alpha order 2',
      'alpha order 3',
      'beta order 1',
      'beta order 2',
      'beta order 3',
    ]);
    expect(existsSync(join(fragmentRoot(pactDir, 'web', 'orders'), 'old-run'))).toBe(false);
    expect(existsSync(join(pactDir, '.fragments'))).toBe(false);
  });
});

describe('consumerPact across two real Jest runs', () => {
  it('should leave no pact file when no interaction of the second run passes', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpRoot, 'zero-pass-pacts-'));
    const pactFile = join(dir, 'web-orders.json');
    const testFile = (interactions: Array<{ name: string; sent: string }>): string => `
const { consumerPact } = require('@proving-ground/contract-helpers/pact');
const pact = consumerPact({ consumer: 'web', provider: 'orders', dir: ${JSON.stringify(dir)} });
for (const { name, sent } of ${JSON.stringify(interactions)}) {
  it('gets ' + name, () =>
    pact.addInteraction().uponReceiving(name)
      .withRequest('GET', '/orders/' + name)
      .willRespondWith(200, (response) => response.jsonBody({ id: name }))
      .executeTest(async (server) => { await fetch(server.url + '/orders/' + sent); }));
}
`;
    const config = `module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js'] };`;
    const firstRun = await runJestProject({
      'jest.config.js': config,
      'orders.test.js': testFile([
        { name: 'a', sent: 'a' },
        { name: 'b', sent: 'b' },
      ]),
    });
    const writtenByFirstRun = existsSync(pactFile)
      ? (JSON.parse(readFileSync(pactFile, 'utf8')) as { interactions: Array<{ description: string }> }).interactions.map(
          (interaction) => interaction.description,
        )
      : [];

    // Act
    const secondRun = await runJestProject({ 'jest.config.js': config, 'orders.test.js': testFile([{ name: 'a', sent: 'wrong' }]) });
    const leftOver = existsSync(pactFile);
    rmSync(dir, { recursive: true, force: true });

    // Assert
    expect({ exit: firstRun.exitCode, interactions: writtenByFirstRun }).toEqual({ exit: 0, interactions: ['a', 'b'] });
    expect(secondRun.tests.map((test) => `${test.title}: ${test.status}`)).toEqual(['gets a: failed']);
    expect(leftOver).toBe(false);
  });
});

describe('verifyProvider in a real Jest run', () => {
  it('should keep a passing verification quiet: no tracking notice (nor its remote call), no Pact report, no empty-state warning', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpRoot, 'quiet-pacts-'));
    const pactFile = join(dir, 'web-orders.json');
    writeFileSync(
      pactFile,
      JSON.stringify({
        consumer: { name: 'web' },
        provider: { name: 'orders' },
        interactions: [
          {
            type: 'Synchronous/HTTP',
            description: 'a request for order 7',
            request: { method: 'GET', path: '/orders/7' },
            response: {
              status: 200,
              headers: { 'Content-Type': ['application/json'] },
              body: { contentType: 'application/json', encoded: false, content: { id: 7 } },
            },
          },
        ],
        metadata: { pactSpecification: { version: '4.0' } },
      }),
    );
    const testFile = `
const { createServer } = require('node:http');
const { verifyProvider } = require('@proving-ground/contract-helpers/pact');
test('provider', () =>
  verifyProvider({
    provider: 'orders',
    pactFiles: [${JSON.stringify(pactFile)}],
    start: async () => {
      const server = createServer((request, response) => { response.writeHead(200, { 'content-type': 'application/json' }); response.end('{"id":7}'); });
      await new Promise((done) => server.listen(0, '127.0.0.1', done));
      return { url: 'http://127.0.0.1:' + server.address().port, close: () => new Promise((done) => server.close(done)) };
    },
  }));
`;

    // Act
    const run = await runJestProject({
      'jest.config.js': `module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js'] };`,
      'quiet.test.js': testFile,
    }).finally(() => rmSync(dir, { recursive: true, force: true }));

    // Assert
    expect({ exit: run.exitCode, tests: run.tests.map((test) => `${test.title}: ${test.status}`) }).toEqual({
      exit: 0,
      tests: ['provider: passed'],
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toContain('tracking events anonymously');
    expect(output).not.toContain('Verifying a pact between');
    expect(output).not.toContain('no state handler found');
  });
});

describe('describeErrorMapping in a real Jest run', () => {
  it('should register one readable test per row and fail only the row that maps wrong', async () => {
    const run = await runJestProject({
      'jest.config.js': `module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js'] };`,
      'mapping.test.js': `
const { describeErrorMapping } = require('@proving-ground/contract-helpers');
class NotFound extends Error { name = 'NotFound'; }
class Conflict extends Error { name = 'Conflict'; }
const BASE = 'https://api.example/problems/';
const toProblem = (error) => ({
  status: 200, headers: { 'content-type': 'application/problem+json' }, body: undefined,
  ...(error instanceof NotFound
    ? { status: 404, body: { type: BASE + 'not-found', title: 'Not found', status: 404, detail: 'no order 7' } }
    : { status: 500, body: { type: BASE + 'internal', title: 'Internal', status: 500, detail: error.stack } }),
});
describeErrorMapping('order errors', [
  { error: new NotFound('order 7'), status: 404, type: BASE + 'not-found' },
  { name: 'a duplicate order', error: () => new Conflict('dup'), status: 409, type: BASE + 'conflict' },
], toProblem, { types: [BASE + 'not-found', BASE + 'conflict', BASE + 'gone'] });
`,
    });

    expect(run.tests.map((test) => [test.title, test.status])).toEqual([
      ['should map NotFound: order 7 to 404 https://api.example/problems/not-found', 'passed'],
      ['should map a duplicate order to 409 https://api.example/problems/conflict', 'failed'],
      ['should have a row for every problem type', 'failed'],
    ]);
    const [, conflict, coverage] = run.tests;
    expect(conflict!.failureMessages.join('\n')).toContain('HTTP status is 500, expected 409');
    expect(conflict!.failureMessages.join('\n')).toContain('holds a stack trace');
    expect(coverage!.failureMessages.join('\n')).toContain('https://api.example/problems/gone');
  });
});
