import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROBLEM_CONTENT_TYPE } from '../../src/problems.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { withTenant } from '@proving-ground/factories';
import { Order, Tenant, User, useSupportDesk } from '../factories/index.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

describe('orders journey', () => {
  let desk: RunningSupportDesk;

  beforeAll(async () => {
    desk = await startSupportDesk();
    useSupportDesk(desk);
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('should create a tenant, a user and an order, and read the order back with totals computed by the server', async () => {
    // Arrange
    const tenant = await desk.createTenant('Acme Mugs');
    const user = await desk.createUser(tenant.id, { email: 'Ann@Acme.test', name: 'Ann' });

    // Act
    const created = await desk.http({
      method: 'POST',
      url: '/orders',
      headers: { [TENANT_HEADER]: tenant.id },
      payload: {
        userId: user.id,
        currency: 'EUR',
        lines: [
          { sku: 'MUG-BLUE', quantity: 3, unitPriceCents: 1250 },
          { sku: 'TEE-L', quantity: 2, unitPriceCents: 1999 },
          { sku: 'STICKER', quantity: 10, unitPriceCents: 0 },
        ],
      },
    });
    const readBack = await desk.http({
      method: 'GET',
      url: `/orders/${created.json<{ id: string }>().id}`,
      headers: { [TENANT_HEADER]: tenant.id },
    });
    const listed = await desk.http({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: tenant.id } });

    // Assert
    // Over a real connection: the service listens on 127.0.0.1 like a deployed one.
    expect(desk.app.server.listening).toBe(true);
    expect(user.email).toBe('ann@acme.test');
    expect(created.statusCode).toBe(201);
    expect(created.headers['location']).toBe(`/orders/${created.json<{ id: string }>().id}`);
    expect(readBack.statusCode).toBe(200);
    expect(readBack.json()).toEqual({
      id: created.json<{ id: string }>().id,
      userId: user.id,
      currency: 'EUR',
      lines: [
        { lineNo: 1, sku: 'MUG-BLUE', quantity: 3, unitPriceCents: 1250, lineTotalCents: 3750 },
        { lineNo: 2, sku: 'TEE-L', quantity: 2, unitPriceCents: 1999, lineTotalCents: 3998 },
        { lineNo: 3, sku: 'STICKER', quantity: 10, unitPriceCents: 0, lineTotalCents: 0 },
      ],
      totalCents: 7748,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(readBack.json()).toEqual(created.json());
    expect(listed.json()).toEqual({
      orders: [
        {
          id: created.json<{ id: string }>().id,
          userId: user.id,
          currency: 'EUR',
          totalCents: 7748,
          lineCount: 3,
          createdAt: created.json<{ createdAt: string }>().createdAt,
        },
      ],
    });
  });

  it('should refuse a client-supplied total (and any field the API does not define) with problem details', async () => {
    // Arrange
    const tenant = await desk.createTenant('Totals Ltd');
    const user = await desk.createUser(tenant.id, { email: 'tim@totals.test', name: 'Tim' });

    // Act
    const response = await desk.http({
      method: 'POST',
      url: '/orders',
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { userId: user.id, currency: 'EUR', totalCents: 1, lines: [{ sku: 'MUG', quantity: 1, unitPriceCents: 1250 }] },
    });

    // Assert
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json<{ errors: unknown[] }>().errors).toEqual([
      { pointer: '/body/totalCents', detail: 'is not a field of this request (totalCents)' },
    ]);
  });

  it("should list a tenant's users and orders, newest order first", async () => {
    const tenant = await Tenant.create({ name: 'Beta Books' });
    const people = [
      { email: 'ann@beta.test', name: 'Ann' },
      { email: 'bob@beta.test', name: 'Bob' },
    ];
    const [ann, bob] = await withTenant(tenant, () => User.createList(2, (index) => people[index]!));
    const first = await Order.create({ userId: ann!, currency: 'USD', lines: [{ sku: 'BOOK', quantity: 1, unitPriceCents: 2500 }] });
    const second = await Order.create({ userId: bob!, currency: 'USD', lines: [{ sku: 'BOOK', quantity: 2, unitPriceCents: 2500 }] });

    const users = await desk.http({ method: 'GET', url: '/users', headers: { [TENANT_HEADER]: tenant.id } });
    const orders = await desk.http({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: tenant.id } });
    const current = await desk.http({ method: 'GET', url: '/tenants/current', headers: { [TENANT_HEADER]: tenant.id } });

    expect(users.json<{ users: { email: string }[] }>().users.map((user) => user.email)).toEqual(['ann@beta.test', 'bob@beta.test']);
    expect(orders.json<{ orders: { id: string; totalCents: number }[] }>().orders).toMatchObject([
      { id: second.id, totalCents: 5000 },
      { id: first.id, totalCents: 2500 },
    ]);
    expect(current.json()).toEqual(tenant);
  });

  describe('problems', () => {
    let tenantId: string;
    let userId: string;

    beforeAll(async () => {
      tenantId = (await desk.createTenant('Gamma Games')).id;
      userId = (await desk.createUser(tenantId, { email: 'gil@gamma.test', name: 'Gil' })).id;
    });

    it.each([
      {
        name: 'a missing tenant header',
        request: { method: 'GET' as const, url: '/orders', headers: {} },
        status: 400,
        type: 'tenant-required',
      },
      {
        name: 'a tenant header that is not a UUID',
        request: { method: 'GET' as const, url: '/orders', headers: { [TENANT_HEADER]: "1' OR '1'='1" } },
        status: 400,
        type: 'tenant-required',
      },
      {
        name: 'a tenant that does not exist',
        request: { method: 'GET' as const, url: '/users', headers: { [TENANT_HEADER]: '00000000-0000-4000-8000-000000000000' } },
        status: 404,
        type: 'unknown-tenant',
      },
      {
        name: 'an order that does not exist',
        request: { method: 'GET' as const, url: '/orders/00000000-0000-4000-8000-000000000000', headers: {} },
        status: 404,
        type: 'not-found',
        withTenant: true,
      },
      {
        name: 'an unknown route',
        request: { method: 'DELETE' as const, url: '/orders', headers: {} },
        status: 404,
        type: 'not-found',
      },
    ])('should answer $name with a $status problem', async ({ request, status, type, withTenant }) => {
      const headers = withTenant === true ? { ...request.headers, [TENANT_HEADER]: tenantId } : request.headers;

      const response = await desk.http({ ...request, headers });

      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toEqual({
        type: `https://support-desk.example/problems/${type}`,
        title: expect.any(String),
        status,
        detail: expect.any(String),
        instance: request.url,
      });
    });

    it('should reject an order without lines, naming what is wrong', async () => {
      const response = await desk.http({
        method: 'POST',
        url: '/orders',
        headers: { [TENANT_HEADER]: tenantId },
        payload: { userId, currency: 'EUR', lines: [] },
      });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toMatchObject({
        type: 'https://support-desk.example/problems/validation-failed',
        status: 400,
        detail: 'body/lines must NOT have fewer than 1 items',
        errors: [{ pointer: '/body/lines', detail: 'must NOT have fewer than 1 items' }],
      });
    });

    it('should reject a fractional price instead of rounding it', async () => {
      const response = await desk.http({
        method: 'POST',
        url: '/orders',
        headers: { [TENANT_HEADER]: tenantId },
        payload: { userId, currency: 'EUR', lines: [{ sku: 'MUG', quantity: 1, unitPriceCents: 12.5 }] },
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ pointer: '/body/lines/0/unitPriceCents', detail: 'must be integer' }] });
    });

    it.each([
      { name: 'a quantity sent as a string', line: { quantity: '3', unitPriceCents: 1250 }, pointer: '/body/lines/0/quantity' },
      { name: 'a null quantity', line: { quantity: null, unitPriceCents: 1250 }, pointer: '/body/lines/0/quantity' },
      { name: 'a boolean quantity', line: { quantity: true, unitPriceCents: 1250 }, pointer: '/body/lines/0/quantity' },
      { name: 'a price sent as a string', line: { quantity: 3, unitPriceCents: '1250' }, pointer: '/body/lines/0/unitPriceCents' },
      { name: 'a null price', line: { quantity: 3, unitPriceCents: null }, pointer: '/body/lines/0/unitPriceCents' },
      { name: 'a boolean price', line: { quantity: 3, unitPriceCents: false }, pointer: '/body/lines/0/unitPriceCents' },
    ])('should reject $name instead of coercing it', async ({ line, pointer }) => {
      const response = await desk.http({
        method: 'POST',
        url: '/orders',
        headers: { [TENANT_HEADER]: tenantId },
        payload: { userId, currency: 'EUR', lines: [{ sku: 'MUG', ...line }] },
      });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toMatchObject({
        type: 'https://support-desk.example/problems/validation-failed',
        status: 400,
        errors: [{ pointer, detail: 'must be integer' }],
      });
    });

    it('should answer 409 when the email is taken in the tenant, and accept it in another tenant', async () => {
      const otherTenant = await desk.createTenant('Delta Drinks');

      const duplicate = await desk.http({
        method: 'POST',
        url: '/users',
        headers: { [TENANT_HEADER]: tenantId },
        payload: { email: 'GIL@gamma.test', name: 'Gil again' },
      });
      const elsewhere = await desk.http({
        method: 'POST',
        url: '/users',
        headers: { [TENANT_HEADER]: otherTenant.id },
        payload: { email: 'gil@gamma.test', name: 'Gil' },
      });

      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json()).toMatchObject({ type: 'https://support-desk.example/problems/conflict', status: 409 });
      expect(elsewhere.statusCode).toBe(201);
    });

    it('should answer 422 for an order whose user belongs to another tenant', async () => {
      const otherTenant = await desk.createTenant('Epsilon Eyewear');
      const outsider = await desk.createUser(otherTenant.id, { email: 'eve@epsilon.test', name: 'Eve' });

      const response = await desk.http({
        method: 'POST',
        url: '/orders',
        headers: { [TENANT_HEADER]: tenantId },
        payload: { userId: outsider.id, currency: 'EUR', lines: [{ sku: 'MUG', quantity: 1, unitPriceCents: 100 }] },
      });

      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ type: 'https://support-desk.example/problems/unknown-reference', pointer: '/body/userId' });
    });

    it('should answer malformed JSON with a 400 problem that carries no stack trace', async () => {
      const response = await desk.http({
        method: 'POST',
        url: '/users',
        headers: { [TENANT_HEADER]: tenantId, 'content-type': 'application/json' },
        payload: '{"email":',
      });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: expect.any(String),
        instance: '/users',
      });
      expect(response.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
    });
  });
});
