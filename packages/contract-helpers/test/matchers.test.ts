import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { contractMatchers, loadApiSpec } from '../src/index.js';
import { buildOrdersApp } from './fixtures/orders-app.js';

expect.extend(contractMatchers);

const api = loadApiSpec(new URL('fixtures/orders-api.yaml', import.meta.url).pathname);

describe('toSatisfyApiSpec', () => {
  let app: FastifyInstance;
  let leaky: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    app = buildOrdersApp();
    leaky = buildOrdersApp({ leakEmail: true });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await leaky.close();
  });

  it('should accept conforming responses from fetch, axios, supertest and inject', async () => {
    const fetched = await fetch(`${baseUrl}/v1/orders/1`);
    const viaAxios = await axios.get(`${baseUrl}/v1/orders?limit=5`);
    const viaSupertest = await request(app.server).get('/v1/orders/recent');
    const injected = await app.inject({ method: 'POST', url: '/v1/orders', payload: { sku: 'B-2', quantity: 1 } });

    await expect(fetched).toSatisfyApiSpec(api);
    expect(viaAxios).toSatisfyApiSpec(api);
    expect(viaSupertest).toSatisfyApiSpec(api);
    expect(injected).toSatisfyApiSpec(api);
    expect(await fetched.json()).toMatchObject({ id: 1 });
  });

  it('should fail on an undeclared field, naming it and masking its value', async () => {
    const response = await leaky.inject({ method: 'GET', url: '/v1/orders/1' });

    const failure = (() => {
      try {
        expect(response).toSatisfyApiSpec(api);
      } catch (error) {
        return (error as Error).message;
      }
      return 'passed';
    })();

    expect(failure).toContain('200 from GET /orders/{id}');
    expect(failure).toContain('$.customer.email: extra field "email" is not declared (value "j***@c***.example")');
    expect(failure).not.toContain('jane.doe');
  });

  it('should match documented status ranges and default responses, and reject undocumented ones', async () => {
    const unprocessable = await app.inject({ method: 'POST', url: '/v1/orders', payload: { quantity: 1 } });
    const missing = await app.inject({ method: 'GET', url: '/v1/orders/99' });
    const deleted = await app.inject({ method: 'DELETE', url: '/v1/orders/1' });

    expect(unprocessable).toSatisfyApiSpec(api);
    expect(missing).toSatisfyApiSpec(api);
    expect(deleted).toSatisfyApiSpec(api);
    expect({
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: {},
      method: 'DELETE',
      path: '/v1/orders/1',
    }).not.toSatisfyApiSpec(api);
  });

  it('should report the wrong content type, an undocumented operation and a missing required header', () => {
    const wrongType = { status: 200, headers: { 'content-type': 'text/html' }, body: '<p>', method: 'GET', path: '/v1/orders/1' };
    const unknown = { status: 200, headers: {}, body: '', method: 'PATCH', path: '/v1/orders/1' };
    const noLocation = {
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: { id: 3, sku: 'x', quantity: 1, status: 'open' },
      method: 'POST',
      path: '/v1/orders',
    };

    expect(() => expect(wrongType).toSatisfyApiSpec(api)).toThrow(
      'content-type text/html is not declared for GET /orders/{id} 200 (declared: application/json)',
    );
    expect(() => expect(unknown).toSatisfyApiSpec(api)).toThrow('PATCH /v1/orders/1 is not an operation of');
    expect(() => expect(noLocation).toSatisfyApiSpec(api)).toThrow('required response header "location" is missing');
  });

  it('should prefer a literal path over a template', () => {
    expect(api.findOperation('GET', '/v1/orders/recent')?.operation.operationId).toBe('recentOrders');
    expect(api.findOperation('GET', '/v1/orders/7')).toEqual({
      operation: expect.objectContaining({ operationId: 'getOrder' }),
      pathParams: { id: '7' },
    });
  });
});

describe('toMatchSchema', () => {
  it('should validate against an OpenAPI component, allOf with a closed base included', () => {
    const order = { id: 1, sku: 'A', quantity: 1, note: null, status: 'open' };

    expect(order).toMatchSchema(api.schema('Order'));
    expect({ ...order, internal: true }).not.toMatchSchema(api.schema('Order'));
  });

  it('should list every violation in the failure message', () => {
    const run = (): void => expect({ id: 'x', sku: '', status: 'lost' }).toMatchSchema(api.schema('Order'));

    expect(run).toThrow(
      /4 violations:[\s\S]*\$\.id: must be integer[\s\S]*expected: type integer[\s\S]*actual: {3}"x"[\s\S]*\$\.quantity: required field "quantity" is missing[\s\S]*\$\.status: must be equal to one of the allowed values\n *expected: one of \["open","shipped"\]/,
    );
  });

  it('should work as an asymmetric matcher', () => {
    expect({ order: { id: 2, sku: 'B', quantity: 3, status: 'shipped' } }).toEqual({ order: expect.toMatchSchema(api.schema('Order')) });
  });
});

describe('toBeProblemDetails', () => {
  it('should accept an RFC 9457 response and check its status and type', async () => {
    const app = buildOrdersApp();

    const response = await app.inject({ method: 'GET', url: '/v1/orders/404' });

    expect(response).toBeProblemDetails({ status: 404, type: 'https://orders.example/problems/not-found' });
    expect(() => expect(response).toBeProblemDetails({ status: 410 })).toThrow('HTTP status is 404, expected 410');
    await app.close();
  });
});

describe('toContainPII', () => {
  it('should print masked samples and never the raw value', () => {
    const body = { user: { contact: 'jane.doe@corp.example', card: '4111 1111 1111 1111' }, at: 1731000000000 };

    const run = (): void => expect(body).not.toContainPII();

    expect(run).toThrow(/\$\.user\.contact {2}email {2}risk 0\.92 {2}j\*\*\*@c\*\*\*\.example/);
    expect(run).toThrow(/\$\.user\.card {2}card .*\*\*\*\* 1111/);
    expect(run).not.toThrow(/jane\.doe|4111 1111 1111/);
  });

  it('should let allow-listed paths, values and categories through', () => {
    const body = { supportEmail: 'help@corp.example', ip: '203.0.113.9', note: 'write to billing@corp.example' };

    expect(body).not.toContainPII({ allow: { paths: ['$.supportEmail'], values: [/^billing@/], categories: ['ipv4'] } });
  });
});
