import { describe, expect, it } from '@jest/globals';
import { checkPactAgainstSpec } from '@proving-ground/contract-helpers';
import { consumerPact } from '@proving-ground/contract-helpers/pact';
import { MatchersV3 } from '@pact-foundation/pact';
import { fileURLToPath } from 'node:url';
import { supportDeskApi } from '../support-desk.ts';
import { SupportDeskCallError, SupportDeskWebClient } from './support-desk-web-client.ts';

const { fromProviderState, integer, like, regex, uuid, datetime, nullValue } = MatchersV3;

/**
 * The web client's contract with support-desk, written to
 * examples/support-desk/pacts/support-desk-web-support-desk.json (committed): the provider side,
 * support-desk.provider.test.ts, verifies the real app against it.
 */
const pact = consumerPact({
  consumer: 'support-desk-web',
  provider: 'support-desk',
  dir: fileURLToPath(new URL('../../pacts', import.meta.url)),
});

// Examples only: in verification the provider states return the real ids, injected with fromProviderState.
const TENANT_ID = '3b0a4a52-7a43-4f5e-9d2c-6a1b2c3d4e5f';
const USER_ID = '8e2f1c3a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const ORDER_ID = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const LEAD_ID = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const NOW = '2026-11-21T09:30:00.000Z';

const timestamp = () => datetime("yyyy-MM-dd'T'HH:mm:ss.SSSX", NOW);
const tenantHeader = { 'x-tenant-id': fromProviderState('${tenantId}', TENANT_ID) };
const json = { accept: 'application/json' };

/** The order the provider state "a tenant with an order" holds: one line of two mugs at 12.50. */
const orderBody = {
  id: uuid(ORDER_ID),
  userId: uuid(USER_ID),
  currency: 'EUR',
  lines: [{ lineNo: 1, sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250, lineTotalCents: 2500 }],
  totalCents: 2500,
  createdAt: timestamp(),
};

describe('support-desk web client (Pact consumer of support-desk)', () => {
  it('should create a tenant', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .uponReceiving('a request to create a tenant')
      .withRequest('POST', '/tenants', (request) => request.headers(json).jsonBody({ name: 'Acme Mugs' }))
      .willRespondWith(201, (response) => response.jsonBody({ id: uuid(TENANT_ID), name: 'Acme Mugs', createdAt: timestamp() }));

    // Act
    const tenant = await interaction.executeTest(async (server) => new SupportDeskWebClient(server.url).createTenant('Acme Mugs'));

    // Assert
    expect(tenant).toEqual({ id: TENANT_ID, name: 'Acme Mugs', createdAt: NOW });
  });

  it('should add a user to the tenant, reading the address the desk stored', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a tenant exists')
      .uponReceiving('a request to add a user')
      .withRequest('POST', '/users', (request) =>
        request.headers({ ...json, ...tenantHeader }).jsonBody({ email: 'ann@acme.example', name: 'Ann Smith' }),
      )
      .willRespondWith(201, (response) =>
        response.jsonBody({ id: uuid(USER_ID), email: 'ann@acme.example', name: 'Ann Smith', createdAt: timestamp() }),
      );

    // Act
    const user = await interaction.executeTest(async (server) =>
      new SupportDeskWebClient(server.url).createUser(TENANT_ID, { email: 'ann@acme.example', name: 'Ann Smith' }),
    );

    // Assert
    expect(user).toMatchObject({ id: USER_ID, email: 'ann@acme.example' });
  });

  it('should place an order and read the totals the desk computed', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a tenant with a user')
      .uponReceiving('a request to place an order')
      .withRequest('POST', '/orders', (request) =>
        request.headers({ ...json, ...tenantHeader }).jsonBody({
          userId: fromProviderState('${userId}', USER_ID),
          currency: 'EUR',
          lines: [{ sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250 }],
        }),
      )
      .willRespondWith(201, (response) => response.jsonBody(orderBody));

    // Act
    const order = await interaction.executeTest(async (server) =>
      new SupportDeskWebClient(server.url).placeOrder(TENANT_ID, {
        userId: USER_ID,
        currency: 'EUR',
        lines: [{ sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250 }],
      }),
    );

    // Assert
    expect(order).toMatchObject({ id: ORDER_ID, totalCents: 2500, lines: [{ lineNo: 1, lineTotalCents: 2500 }] });
  });

  it('should read an order back', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a tenant with an order')
      .uponReceiving('a request for an order')
      .withRequest('GET', fromProviderState('/orders/${orderId}', `/orders/${ORDER_ID}`), (request) =>
        request.headers({ ...json, ...tenantHeader }),
      )
      .willRespondWith(200, (response) => response.jsonBody(orderBody));

    // Act
    const order = await interaction.executeTest(async (server) => new SupportDeskWebClient(server.url).getOrder(TENANT_ID, ORDER_ID));

    // Assert
    expect(order).toMatchObject({ id: ORDER_ID, userId: USER_ID, currency: 'EUR', totalCents: 2500 });
  });

  it('should get problem details for an order the tenant does not have', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a tenant exists')
      .uponReceiving('a request for an order that does not exist')
      .withRequest('GET', `/orders/${MISSING_ID}`, (request) => request.headers({ ...json, ...tenantHeader }))
      .willRespondWith(404, (response) =>
        response.headers({ 'Content-Type': 'application/problem+json; charset=utf-8' }).jsonBody({
          type: 'https://support-desk.example/problems/not-found',
          title: like('Not found'),
          status: 404,
          detail: like(`No order has the id ${MISSING_ID} in this tenant.`),
          instance: like(`/orders/${MISSING_ID}`),
        }),
      );

    // Act
    const error = await interaction.executeTest(async (server) =>
      new SupportDeskWebClient(server.url).getOrder(TENANT_ID, MISSING_ID).catch((caught: unknown) => caught),
    );

    // Assert
    expect(error).toBeInstanceOf(SupportDeskCallError);
    expect(error).toMatchObject({ status: 404, problem: { type: 'https://support-desk.example/problems/not-found' } });
  });

  it('should pay an order with a card token', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a tenant with an unpaid order')
      .uponReceiving('a request to pay an order')
      .withRequest('POST', fromProviderState('/orders/${orderId}/payments', `/orders/${ORDER_ID}/payments`), (request) =>
        request.headers({ ...json, ...tenantHeader }).jsonBody({ token: 'tok_visa' }),
      )
      .willRespondWith(201, (response) =>
        response.jsonBody({
          id: uuid('9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f'),
          orderId: uuid(ORDER_ID),
          amountCents: integer(2500),
          currency: 'EUR',
          status: 'succeeded',
          declineCode: nullValue(),
          providerChargeId: regex(/^ch_[A-Za-z0-9]+$/, 'ch_3Pq8mZ1xYtR4'),
          createdAt: timestamp(),
        }),
      );

    // Act
    const payment = await interaction.executeTest(async (server) =>
      new SupportDeskWebClient(server.url).payOrder(TENANT_ID, ORDER_ID, 'tok_visa'),
    );

    // Assert
    expect(payment).toMatchObject({ status: 'succeeded', amountCents: 2500 });
  });

  it('should move a lead along the pipeline', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a tenant with a new lead')
      .uponReceiving('a request to move a lead to contacted')
      .withRequest('PATCH', fromProviderState('/leads/${leadId}', `/leads/${LEAD_ID}`), (request) =>
        request.headers({ ...json, ...tenantHeader }).jsonBody({ status: 'contacted' }),
      )
      .willRespondWith(200, (response) =>
        response.jsonBody({
          id: uuid(LEAD_ID),
          email: regex(/^[^\s@]+@[^\s@]+$/, 'bea@leads.example'),
          name: like('Bea Jones'),
          company: like('Jones & Co'),
          phone: regex(/^\+[1-9]\d{6,14}$/, '+351912345678'),
          source: regex(/^(web|referral|event|partner)$/, 'web'),
          status: 'contacted',
          createdAt: timestamp(),
          updatedAt: timestamp(),
        }),
      );

    // Act
    const lead = await interaction.executeTest(async (server) =>
      new SupportDeskWebClient(server.url).moveLead(TENANT_ID, LEAD_ID, 'contacted'),
    );

    // Assert
    expect(lead).toMatchObject({ id: LEAD_ID, status: 'contacted' });
  });

  // Runs last (Jest runs a file's tests in order): it writes the pact of the interactions above.
  it("should write a pact whose requests and responses support-desk's OpenAPI document accepts", () => {
    // Act
    const written = pact.write();
    const report = checkPactAgainstSpec(pact.file, supportDeskApi);

    // Assert
    expect(written).toBe(7);
    expect(report.interactions).toBe(7);
    expect(report.problems).toEqual([]);
  });
});
