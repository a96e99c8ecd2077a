import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fragmentRoot } from '../src/pact/pact-files.js';
import { jestConfigModule, runJestProject, testModule } from './jest-project.js';

const tmpRoot = join(new URL('..', import.meta.url).pathname, '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const pactDir = mkdtempSync(join(tmpRoot, 'parallel-pacts-'));
afterAll(() => rmSync(pactDir, { recursive: true, force: true }));

// --- Code that runs inside the temporary projects (typed here, written there with testModule) ---

/** Three interactions named after the test file (`alpha.test.js` gets `alpha order 1`...), written to `$PACT_DIR`. */
function ordersConsumer(): void {
  const { consumerPact } = require('@proving-ground/contract-helpers/pact') as typeof import('@proving-ground/contract-helpers/pact');
  const prefix = (require('node:path') as typeof import('node:path')).basename(__filename, '.test.js');
  const pact = consumerPact({ consumer: 'web', provider: 'orders', dir: process.env['PACT_DIR']! });
  describe(`${prefix} orders`, () => {
    for (const id of [1, 2, 3]) {
      it(`gets ${prefix} order ${id}`, () =>
        pact
          .addInteraction()
          .uponReceiving(`${prefix} order ${id}`)
          .withRequest('GET', `/orders/${prefix}-${id}`)
          .willRespondWith(200, (response) => response.jsonBody({ id: `${prefix}-${id}` }))
          .executeTest(async (server) => {
            const body = await (await fetch(`${server.url}/orders/${prefix}-${id}`)).json();
            expect(body).toEqual({ id: `${prefix}-${id}` });
          }));
    }
  });
}

/** One interaction per entry of `$INTERACTIONS` (`{ name, sent }`): the test sends `sent` where the contract says `name`. */
function interactionsConsumer(): void {
  const { consumerPact } = require('@proving-ground/contract-helpers/pact') as typeof import('@proving-ground/contract-helpers/pact');
  const pact = consumerPact({ consumer: 'web', provider: 'orders', dir: process.env['PACT_DIR']! });
  for (const { name, sent } of JSON.parse(process.env['INTERACTIONS']!) as Array<{ name: string; sent: string }>) {
    // eslint-disable-next-line jest/expect-expect -- executeTest fails when the request breaks the contract
    it(`gets ${name}`, () =>
      pact
        .addInteraction()
        .uponReceiving(name)
        .withRequest('GET', `/orders/${name}`)
        .willRespondWith(200, (response) => response.jsonBody({ id: name }))
        .executeTest(async (server) => {
          await fetch(`${server.url}/orders/${sent}`);
        }));
  }
}

/** Verify the pact `$PACT_FILE` against a provider that answers `{"id":7}` to everything. */
function quietVerification(): void {
  const { createServer } = require('node:http') as typeof import('node:http');
  const { verifyProvider } = require('@proving-ground/contract-helpers/pact') as typeof import('@proving-ground/contract-helpers/pact');
  // eslint-disable-next-line jest/expect-expect -- verifyProvider rejects when the provider breaks the pact
  it('provider', () =>
    verifyProvider({
      provider: 'orders',
      pactFiles: [process.env['PACT_FILE']!],
      start: async () => {
        const server = createServer((_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"id":7}');
        });
        await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
        const { port } = server.address() as import('node:net').AddressInfo;
        return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((closed) => server.close(() => closed())) };
      },
    }));
}

/** A table of two domain errors, one mapped right and one wrong, and a problem type without a row. */
function errorMappingTable(): void {
  const { describeErrorMapping } = require('@proving-ground/contract-helpers') as typeof import('@proving-ground/contract-helpers');
  class NotFound extends Error {
    override name = 'NotFound';
  }
  class Conflict extends Error {
    override name = 'Conflict';
  }
  const BASE = 'https://api.example/problems/';
  const toProblem = (error: unknown): object => ({
    headers: { 'content-type': 'application/problem+json' },
    ...(error instanceof NotFound
      ? { status: 404, body: { type: `${BASE}not-found`, title: 'Not found', status: 404, detail: 'no order 7' } }
      : { status: 500, body: { type: `${BASE}internal`, title: 'Internal', status: 500, detail: (error as Error).stack } }),
  });
  describeErrorMapping(
    'order errors',
    [
      { error: new NotFound('order 7'), status: 404, type: `${BASE}not-found` },
      { name: 'a duplicate order', error: () => new Conflict('dup'), status: 409, type: `${BASE}conflict` },
    ],
    toProblem,
    { types: [`${BASE}not-found`, `${BASE}conflict`, `${BASE}gone`] },
  );
}

// --- The checks ---

const CONFIG = jestConfigModule({ testEnvironment: 'node', testMatch: ['**/*.test.js'] });

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

    const run = await runJestProject(
      {
        'jest.config.js': jestConfigModule({ testEnvironment: 'node', maxWorkers: 2, testMatch: ['**/*.test.js'] }),
        'alpha.test.js': testModule(ordersConsumer),
        'beta.test.js': testModule(ordersConsumer),
      },
      { env: { PACT_DIR: pactDir } },
    );

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
    const project = (interactions: Array<{ name: string; sent: string }>): Parameters<typeof runJestProject> => [
      { 'jest.config.js': CONFIG, 'orders.test.js': testModule(interactionsConsumer) },
      { env: { PACT_DIR: dir, INTERACTIONS: JSON.stringify(interactions) } },
    ];
    const firstRun = await runJestProject(
      ...project([
        { name: 'a', sent: 'a' },
        { name: 'b', sent: 'b' },
      ]),
    );
    const writtenByFirstRun = existsSync(pactFile)
      ? (JSON.parse(readFileSync(pactFile, 'utf8')) as { interactions: Array<{ description: string }> }).interactions.map(
          (interaction) => interaction.description,
        )
      : [];

    // Act
    const secondRun = await runJestProject(...project([{ name: 'a', sent: 'wrong' }]));
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
    // Act
    const run = await runJestProject(
      { 'jest.config.js': CONFIG, 'quiet.test.js': testModule(quietVerification) },
      { env: { PACT_FILE: pactFile } },
    ).finally(() => rmSync(dir, { recursive: true, force: true }));

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
    const run = await runJestProject({ 'jest.config.js': CONFIG, 'mapping.test.js': testModule(errorMappingTable) });

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
