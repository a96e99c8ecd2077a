import { afterAll, describe, expect, it } from '@jest/globals';
import { MatchersV3 } from '@pact-foundation/pact';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkPactAgainstSpec, isContractError, loadApiSpec } from '../src/index.js';
import { consumerPact, verifyProvider } from '../src/pact.js';
import { disablePactTracking } from '../src/pact/pact-peer.js';
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

describe('disablePactTracking', () => {
  it('should set PACT_DO_NOT_TRACK in the real environment, which native code and child processes read', () => {
    // Act
    disablePactTracking();

    // Assert: a child spawned without an explicit env inherits Node's real environment, not Jest's copy
    const seen = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.env.PACT_DO_NOT_TRACK))'], {
      encoding: 'utf8',
    });
    expect(seen).toBe('true');
  });
});

describe('checkPactAgainstSpec', () => {
  it('should pass a pact that matches the OpenAPI document and report one that does not', () => {
    const good = checkPactAgainstSpec(pact.file, api);
    const badPact = {
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
    };
    const bad = checkPactAgainstSpec(badPact, api);
    const withValues = checkPactAgainstSpec(badPact, api, { showUndeclaredValues: true });

    expect(good).toEqual({ interactions: 1, problems: [] });
    expect(bad.problems.map((problem) => `${problem.side}: ${problem.message}`)).toEqual([
      'request: $.coupon: extra field "coupon" is not declared by the schema',
      'request: $.quantity: must be >= 1',
      'response: required response header "location" is missing',
      'response: $.promo: extra field "promo" is not declared (boolean)',
    ]);
    expect(withValues.problems.map((problem) => problem.message)).toContain('$.promo: extra field "promo" is not declared (value true)');
  });
});

describe('checkPactAgainstSpec with pact-js bodies', () => {
  it("should take the interaction's Content-Type header over the body's recorded content type", () => {
    // Arrange: what pact-js writes for jsonBody() under a problem+json header
    const pactFile = {
      interactions: [
        {
          type: 'Synchronous/HTTP',
          description: 'a request for a missing order',
          request: { method: 'GET', path: '/v1/orders/404' },
          response: {
            status: 404,
            headers: { 'Content-Type': ['application/problem+json; charset=utf-8'] },
            body: {
              contentType: 'application/json',
              encoded: false,
              content: { type: 'https://orders.example/problems/not-found', title: 'Not found', status: 404, detail: 'No order 404.' },
            },
          },
        },
      ],
    };

    // Act
    const report = checkPactAgainstSpec(pactFile, api);

    // Assert
    expect(report).toEqual({ interactions: 1, problems: [] });
  });
});

/** A V4 pact of web and orders with one interaction, as pact-js writes it. */
function writeV4Pact(name: string, interaction: Record<string, unknown>): string {
  const response = interaction['response'] as { status: number; body: unknown };
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      consumer: { name: 'web' },
      provider: { name: 'orders' },
      interactions: [
        {
          type: 'Synchronous/HTTP',
          ...interaction,
          response: {
            status: response.status,
            headers: { 'Content-Type': ['application/json'] },
            body: { contentType: 'application/json', encoded: false, content: response.body },
          },
        },
      ],
      metadata: { pactSpecification: { version: '4.0' } },
    }),
  );
  return file;
}

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

  it('should print undeclared fields of a provider response by type and size, and masked by their names with showUndeclaredValues', async () => {
    // Arrange
    const file = writeV4Pact('secret-fields', {
      description: 'a request for user 1',
      request: { method: 'GET', path: '/v1/users/1' },
      response: { status: 200, body: { id: 1 } },
    });
    const startLeaky = async (): Promise<{ url: string; close: () => Promise<void> }> => {
      const server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 1, password: 'hunter2-Secret', dob: '1990-04-12' }));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => server.close(() => done())),
      };
    };

    // Act
    const caught = await verifyProvider({ provider: 'orders', pactFiles: [file], start: startLeaky }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const caughtWithValues = await verifyProvider({
      provider: 'orders',
      pactFiles: [file],
      start: startLeaky,
      showUndeclaredValues: true,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assert
    const message = (caught as Error).message;
    expect(message).toContain('$.password: field "password" is not in the contract (string, 14 characters)');
    expect(message).toContain('$.dob: field "dob" is not in the contract (string, 10 characters)');
    expect(message).not.toContain('hunter2-Secret');
    expect(message).not.toContain('1990-04-12');
    const messageWithValues = (caughtWithValues as Error).message;
    expect(messageWithValues).toContain('$.dob: field "dob" is not in the contract (value "****-**-**")');
    expect(messageWithValues).not.toContain('hunter2-Secret');
    expect(messageWithValues).not.toContain('1990-04-12');
  });

  it('should name a state-injected interaction by its description and real path in failures', async () => {
    // Arrange: the example path differs from the one the provider state injects
    const file = writeV4Pact('state-path', {
      description: 'a request for a state-made order',
      providerStates: [{ name: 'an order was made' }],
      request: {
        method: 'GET',
        path: '/v1/orders/999',
        generators: { path: { type: 'ProviderState', expression: '/v1/orders/${orderId}' } },
      },
      response: { status: 200, body: { id: 1, sku: 'A-1', quantity: 2, note: null, status: 'open' } },
    });

    // Act
    const run = verifyProvider({
      provider: 'orders',
      pactFiles: [file],
      start: start(true),
      states: { 'an order was made': () => ({ orderId: 1 }) },
    });

    // Assert
    await expect(run).rejects.toThrow(
      '"a request for a state-made order" (GET /v1/orders/1 -> 200):\n    $.customer: field "customer" is not in the contract',
    );
  });

  it('should report a failing provider state handler as the cause, naming the state, with Pact report but no tracking notice', async () => {
    // Arrange
    const file = writeV4Pact('state-error', {
      description: 'a request for a state-made order',
      providerStates: [{ name: 'an order was made' }],
      request: { method: 'GET', path: '/v1/orders/1' },
      response: { status: 200, body: { id: 1, sku: 'B-2', quantity: 2, note: null, status: 'open' } },
    });
    const factoryError = new Error('the order factory could not reach the database');

    // Act
    const caught = await verifyProvider({
      provider: 'orders',
      pactFiles: [file],
      start: start(false),
      states: {
        'an order was made': () => {
          throw factoryError;
        },
      },
    }).catch((error: unknown) => error);

    // Assert
    expect(isContractError(caught) && caught.code).toBe('CONTRACT_PROVIDER_VERIFICATION_FAILED');
    expect((caught as Error).cause).toBe(factoryError);
    const message = (caught as Error).message;
    expect(message).toContain(
      'Provider states that failed (the mismatches below may follow from them):\n  "an order was made" (setup): the order factory could not reach the database',
    );
    expect(message).toContain(
      "Pact verification:\n  a request for a state-made order: mismatches\n    BodyMismatch at $.sku: Expected 'A-1' (String) to be equal to 'B-2' (String)",
    );
    expect(message).toContain("Pact's report:");
    expect(message).toContain('Verifying a pact between web and orders');
    expect(message).not.toContain('tracking events anonymously');
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
