import { afterAll, describe, expect, it } from '@jest/globals';
import { MatchersV3 } from '@pact-foundation/pact';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkPactAgainstSpec, isContractError, loadApiSpec } from '../src/index.js';
import { consumerPact, verifyProvider } from '../src/pact.js';
import { buildOrdersApp } from './fixtures/orders-app.js';

const tmpRoot = join(new URL('..', import.meta.url).pathname, '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'pacts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = loadApiSpec(new URL('fixtures/orders-api.yaml', import.meta.url).pathname);
const pact = consumerPact({ consumer: 'web', provider: 'orders', dir, autoWrite: false });

/** The consumer's client under test. */
async function getOrder(baseUrl: string, id: number): Promise<{ id: number; sku: string }> {
  const response = await fetch(`${baseUrl}/v1/orders/${id}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`status ${response.status}`);
  return (await response.json()) as { id: number; sku: string };
}

describe('consumerPact', () => {
  it('should run an interaction against a mock server on 127.0.0.1', async () => {
    const order = await pact
      .addInteraction()
      .given('an order exists', { id: 1 })
      .uponReceiving('a request for order 1')
      .withRequest('GET', '/v1/orders/1', (request) => request.headers({ accept: 'application/json' }))
      .willRespondWith(200, (response) =>
        response
          .headers({ 'content-type': 'application/json' })
          .jsonBody({ id: MatchersV3.integer(1), sku: MatchersV3.string('A-1'), quantity: 2, status: 'open' }),
      )
      .executeTest(async (server) => {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        return getOrder(server.url, 1);
      });

    expect(order).toEqual({ id: 1, sku: 'A-1', quantity: 2, status: 'open' });
  });

  it('should fail with the mismatch as a Jest diff and keep the interaction out of the pact', async () => {
    const before = pact.passed;

    const run = pact
      .addInteraction()
      .uponReceiving('a request creating an order')
      .withRequest('POST', '/v1/orders', (request) => request.jsonBody({ sku: 'A-1', quantity: 2 }))
      .willRespondWith(201)
      .executeTest(async (server) => {
        await fetch(`${server.url}/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sku: 'A-1', quantity: 3 }),
        });
      });

    await expect(run).rejects.toThrow(/a request creating an order[\s\S]*BodyMismatch at \$\.quantity[\s\S]*Expected[\s\S]*Received/);
    expect(pact.passed).toBe(before);
  });

  it('should write the pact file once, merging this run fragments', () => {
    const count = pact.write();

    const written = JSON.parse(readFileSync(pact.file, 'utf8')) as {
      interactions: Array<{ description: string }>;
      metadata: { pactSpecification: { version: string } };
    };
    expect(count).toBe(1);
    expect(written.interactions.map((interaction) => interaction.description)).toEqual(['a request for order 1']);
    expect(written.metadata.pactSpecification.version).toBe('4.0');
  });
});

describe('checkPactAgainstSpec', () => {
  it('should pass a pact that matches the OpenAPI document and report one that does not', () => {
    const good = checkPactAgainstSpec(pact.file, api);
    const bad = checkPactAgainstSpec(
      {
        interactions: [
          {
            description: 'bad',
            request: { method: 'POST', path: '/v1/orders', body: { sku: 'x', quantity: 0, coupon: 'FREE' } },
            response: {
              status: 201,
              headers: { 'content-type': 'application/json' },
              body: { id: 1, sku: 'x', quantity: 1, status: 'open', promo: true },
            },
          },
        ],
      },
      api,
    );

    expect(good).toEqual({ interactions: 1, problems: [] });
    expect(bad.problems.map((problem) => `${problem.side}: ${problem.message}`)).toEqual([
      'request: $.coupon: extra field "coupon" is not declared by the schema',
      'request: $.quantity: must be >= 1',
      'response: required response header "location" is missing',
      'response: $.promo: extra field "promo" is not declared (value true)',
    ]);
  });
});

describe('verifyProvider', () => {
  const start = (leakEmail: boolean) => async () => {
    const app = buildOrdersApp({ leakEmail });
    return { url: await app.listen({ host: '127.0.0.1', port: 0 }), close: () => app.close() };
  };

  it('should verify a conforming provider, running the state handlers', async () => {
    const seen: unknown[] = [];

    await verifyProvider({
      provider: 'orders',
      pactFiles: [pact.file],
      start: start(false),
      spec: api,
      states: { 'an order exists': (params) => void seen.push(params) },
    });

    expect(seen).toEqual([{ id: 1 }]);
  });

  it('should fail a provider that adds an undeclared field carrying an email, which Pact alone passes', async () => {
    let caught: unknown;
    try {
      await verifyProvider({
        provider: 'orders',
        pactFiles: [pact.file],
        start: start(true),
        states: { 'an order exists': () => undefined },
      });
    } catch (error) {
      caught = error;
    }

    expect(isContractError(caught) && caught.code).toBe('CONTRACT_PROVIDER_VERIFICATION_FAILED');
    const message = (caught as Error).message;
    expect(message).not.toContain('Pact verification:');
    expect(message).toContain('"a request for order 1" (GET /v1/orders/1 -> 200)');
    expect(message).toContain('$.customer: field "customer" is not in the contract');
    expect(message).toContain('$.customer.email holds personal data (email, j***@c***.example)');
    expect(message).not.toContain('jane.doe');
  });

  it('should name provider states without a handler before starting anything', async () => {
    const run = verifyProvider({
      provider: 'orders',
      pactFiles: [pact.file],
      start: start(false),
      states: { 'an order exist': () => undefined },
    });

    await expect(run).rejects.toThrow('no handler for the provider state "an order exists" (did you mean "an order exist"?)');
  });
});
