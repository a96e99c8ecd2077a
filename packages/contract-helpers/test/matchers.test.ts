import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('should fail on an undeclared field, naming it and printing its type and size (its masked value when asked)', async () => {
    const response = await leaky.inject({ method: 'GET', url: '/v1/orders/1' });

    const failureWith = (options: { showUndeclaredValues?: boolean }): string => {
      try {
        expect(response).toSatisfyApiSpec(api, options);
      } catch (error) {
        return (error as Error).message;
      }
      return 'passed';
    };
    const failure = failureWith({});
    const failureWithValues = failureWith({ showUndeclaredValues: true });

    expect(failure).toContain('200 from GET /orders/{id}');
    expect(failure).toContain('$.customer.email: extra field "email" is not declared (string, 21 characters)');
    expect(failureWithValues).toContain('$.customer.email: extra field "email" is not declared (value "j***@c***.example")');
    expect(`${failure}\n${failureWithValues}`).not.toContain('jane.doe');
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

  it('should check a fetch Response by the one operation of its path documenting its status, and say when it guessed GET', async () => {
    // Arrange: a POST the fetch Response does not remember
    const json = (properties: Record<string, unknown>) => ({
      'application/json': { schema: { type: 'object', properties, required: Object.keys(properties) } },
    });
    const spec = loadApiSpec({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/orders': {
          get: { responses: { '200': { description: 'list', content: json({ items: { type: 'array' } }) } } },
          post: {
            responses: {
              '201': { description: 'created', content: json({ id: { type: 'string' } }) },
              '200': { description: 'replayed', content: json({ id: { type: 'string' } }) },
            },
          },
        },
      },
    });
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/orders?replay' ? 200 : 201, { 'content-type': 'application/json' });
      response.end('{"id":"o1"}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;

    // Act
    const created = await fetch(url, { method: 'POST' });
    const replayed = await fetch(`${url}?replay`, { method: 'POST' });
    const replayedAgain = await fetch(`${url}?replay`, { method: 'POST' });
    await new Promise((done) => server.close(done));

    // Assert
    await expect(created).toSatisfyApiSpec(spec);
    await expect(replayed).not.toSatisfyApiSpec(spec);
    await expect(expect(replayedAgain).toSatisfyApiSpec(spec)).rejects.toThrow(
      "checked as GET: the response does not carry its request method (a fetch Response does not) and /orders has operations for GET, POST, of which GET, POST document status 200; pass { method: 'POST' }",
    );
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

  it('should mask values whose property name marks them as secret or personal, in every violation', () => {
    // Arrange
    const user = { id: 1, password: 'hunter2-Secret', dob: '1990-04-12', profile: { pin: 4321 } };
    const schema = {
      type: 'object',
      properties: { id: { type: 'integer' }, profile: { type: 'object', properties: { pin: { type: 'string' } } } },
    };

    // Act
    let message = '';
    try {
      expect(user).toMatchSchema(schema);
    } catch (error) {
      message = (error as Error).message;
    }

    // Assert
    expect(message).toContain('$.password: extra field "password" is not declared (string, 14 characters)');
    expect(message).toContain('$.dob: extra field "dob" is not declared (string, 10 characters)');
    expect(message).toContain('$.profile.pin: must be string');
    expect(message).not.toContain('hunter2-Secret');
    expect(message).not.toContain('1990-04-12');
    expect(message).not.toContain('4321');
  });

  it('should show undeclared values masked by their property names with showUndeclaredValues', () => {
    const user = { id: 1, password: 'hunter2-Secret', dob: '1990-04-12' };

    const run = (): void =>
      expect(user).toMatchSchema({ type: 'object', properties: { id: { type: 'integer' } } }, { showUndeclaredValues: true });

    expect(run).toThrow('$.password: extra field "password" is not declared (value "hun********")');
    expect(run).toThrow('$.dob: extra field "dob" is not declared (value "****-**-**")');
    expect(run).not.toThrow(/hunter2-Secret|1990-04-12/);
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

describe('toContainPii', () => {
  it('should print masked samples and never the raw value', () => {
    const body = { user: { contact: 'jane.doe@corp.example', card: '4111 1111 1111 1111' }, at: 1731000000000 };

    const run = (): void => expect(body).not.toContainPii();

    expect(run).toThrow(/\$\.user\.contact {2}email {2}risk 0\.92 {2}j\*\*\*@c\*\*\*\.example/);
    expect(run).toThrow(/\$\.user\.card {2}card .*\*\*\*\* 1111/);
    expect(run).not.toThrow(/jane\.doe|4111 1111 1111/);
  });

  it('should let allow-listed paths, values and categories through', () => {
    const body = { supportEmail: 'help@corp.example', ip: '203.0.113.9', note: 'write to billing@corp.example' };

    expect(body).not.toContainPii({ allow: { paths: ['$.supportEmail'], values: [/^billing@/], categories: ['ipv4'] } });
  });
});
