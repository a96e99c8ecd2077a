import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import Fastify from 'fastify';
import {
  arbitraryFromSchema,
  fuzzApi,
  invalidArbitraryFromSchema,
  isContractError,
  loadApiSpec,
  validateAgainstSchema,
} from '../src/index.js';
import { buildOrdersApp } from './fixtures/orders-app.js';

const api = loadApiSpec(new URL('fixtures/orders-api.yaml', import.meta.url).pathname);

describe('arbitraryFromSchema', () => {
  it('should generate only values that match the schema strictly', () => {
    const schema = api.schema('Order');

    const invalid = fc
      .sample(arbitraryFromSchema(schema), { numRuns: 50, seed: 7 })
      .filter((order) => validateAgainstSchema(order, schema).length > 0);

    expect(invalid).toEqual([]);
  });

  it('should generate only values that break the schema from invalidArbitraryFromSchema', () => {
    const schema = api.schema('NewOrder');

    const valid = fc
      .sample(invalidArbitraryFromSchema(schema), { numRuns: 50, seed: 7 })
      .filter((body) => validateAgainstSchema(body, schema).length === 0);

    expect(valid).toEqual([]);
  });
});

describe('fuzzApi', () => {
  it('should drive every operation of a conforming app and report the statuses it saw', async () => {
    const app = buildOrdersApp();

    const report = await fuzzApi(app, api, { numRuns: 15, seed: 42, pathParams: { id: fc.constantFrom(1, 2, 999) } });

    expect(report.operations.map((entry) => entry.operation)).toEqual([
      'GET /orders',
      'POST /orders',
      'GET /orders/{id}',
      'DELETE /orders/{id}',
      'GET /orders/recent',
    ]);
    expect(report.operations.find((entry) => entry.operation === 'POST /orders')?.statuses).toEqual(
      expect.objectContaining({ '201': expect.any(Number) }),
    );
    await app.close();
  });

  it('should fail with the request, the seed and a replay line when the app answers 500', async () => {
    const app = Fastify();
    app.post('/v1/orders', async (request, reply) => {
      const body = request.body as { quantity?: unknown };
      if (typeof body.quantity !== 'number') throw new Error('quantity.toFixed is not a function');
      return reply.code(201).header('location', '/v1/orders/1').send({ id: 1, sku: 'x', quantity: body.quantity, status: 'open' });
    });

    let caught: unknown;
    try {
      await fuzzApi(app, api, { operations: ['createOrder'], numRuns: 40, seed: 3 });
    } catch (error) {
      caught = error;
    }

    expect(isContractError(caught) && caught.code).toBe('CONTRACT_FUZZ_FAILED');
    expect((caught as Error).message).toMatch(
      /Failed to fuzz POST \/orders: 500 for an invalid request POST \/v1\/orders[\s\S]*the server answered 500[\s\S]*seed 3, path "[\d:]+"[\s\S]*Replay: fuzzApi\(target, spec, \{ seed: 3, path: '[\d:]+', operations: \['POST \/orders'\] \}\)/,
    );
    await app.close();
  });
});
