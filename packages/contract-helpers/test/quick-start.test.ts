import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { contractMatchers, loadApiSpec } from '@proving-ground/contract-helpers';

expect.extend(contractMatchers); // or list @proving-ground/contract-helpers/jest in setupFilesAfterEnv

// Loaded once at the top: a broken document fails here, with file, line and JSONPath.
const api = loadApiSpec(new URL('fixtures/orders-api.yaml', import.meta.url).pathname);

describe('GET /v1/orders/:id', () => {
  it('should answer as the OpenAPI document says, with nothing undeclared and no personal data', async () => {
    const app = Fastify();
    app.get('/v1/orders/:id', () => ({ id: 1, sku: 'A-1', quantity: 2, status: 'open' }));

    const response = await app.inject({ method: 'GET', url: '/v1/orders/1' });

    expect(response).toSatisfyApiSpec(api);
    expect(response.json()).toMatchSchema(api.schema('Order'));
    expect(response.json()).not.toContainPii();
  });
});
