import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isContractError } from '@proving-ground/contract-helpers';
import { verifyProvider } from '@proving-ground/contract-helpers/pact';
import { withTenant } from '@proving-ground/factories';
import { Verifier } from '@pact-foundation/pact';
import type { FastifyInstance } from 'fastify';
import { setupServer, type SetupServer } from 'msw/node';
import { fileURLToPath } from 'node:url';
import { Lead, Order, Tenant, User, useSupportDesk } from '../factories/index.ts';
import { mockPaymentsProvider } from '../mock-payments.ts';
import { buildDesk, openDeskDatabase, supportDeskApi, type DeskDatabase } from '../support-desk.ts';

/** Written by support-desk-web-client.pact.test.ts and committed. */
const WEB_PACT = fileURLToPath(new URL('../../pacts/support-desk-web-support-desk.json', import.meta.url));

/** Not loopback: in mock mode only the msw handlers answer it. */
const PAYMENTS_BASE_URL = 'https://payments.support-desk.test/v1';

/** The order the web client's pact expects "a tenant with an order" to hold. */
const MUG_ORDER = { currency: 'EUR' as const, lines: [{ sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250 }] };

/**
 * The fields the API returns personal data in on purpose (a user's and a lead's email, name and
 * phone, per openapi.yaml); personal data anywhere else in a real response fails verification.
 */
const INTENDED_PII = { paths: ['$.email', '$.name', '$.phone'] };

/** Provider states, set up through the API with the support-desk factories; each returns the ids the pact injects. */
function providerStates(setUp: string[]): Record<string, () => Promise<Record<string, string>>> {
  const track = (name: string, handler: () => Promise<Record<string, string>>) => async (): Promise<Record<string, string>> => {
    setUp.push(name);
    return handler();
  };
  return {
    'a tenant exists': track('a tenant exists', async () => ({ tenantId: (await Tenant.create()).id })),
    'a tenant with a user': track('a tenant with a user', async () => {
      const tenant = await Tenant.create();
      const user = await withTenant(tenant, () => User.create());
      return { tenantId: tenant.id, userId: user.id };
    }),
    'a tenant with an order': track('a tenant with an order', async () => {
      const tenant = await Tenant.create();
      const order = await withTenant(tenant, () => Order.create(MUG_ORDER));
      return { tenantId: tenant.id, orderId: order.id };
    }),
    'a tenant with an unpaid order': track('a tenant with an unpaid order', async () => {
      const tenant = await Tenant.create();
      const order = await withTenant(tenant, () => Order.create(MUG_ORDER));
      return { tenantId: tenant.id, orderId: order.id };
    }),
    'a tenant with a new lead': track('a tenant with a new lead', async () => {
      const tenant = await Tenant.create();
      const lead = await withTenant(tenant, () => Lead.create());
      return { tenantId: tenant.id, leadId: lead.id };
    }),
  };
}

/** A provider that leaks: every JSON object it answers gains a contact address no document declares. */
function addUndeclaredContactEmail(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload;
    const body = JSON.parse(payload) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return payload;
    return JSON.stringify({ ...body, contactEmail: 'ann.owner@acme-mugs.example' });
  });
}

describe('support-desk as the provider of the web client pact', () => {
  let msw: SetupServer;
  let db: DeskDatabase;

  beforeAll(async () => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    msw.use(...mockPaymentsProvider(PAYMENTS_BASE_URL).handlers);
    db = await openDeskDatabase();
  });

  afterAll(async () => {
    msw?.close();
    await db?.close();
  });

  async function startDesk(decorate?: (app: FastifyInstance) => void) {
    const desk = await buildDesk(db.database, { payments: { baseURL: PAYMENTS_BASE_URL, apiKey: 'pk_test_desk', retries: 1 }, decorate });
    useSupportDesk(desk);
    const url = await desk.app.listen({ host: '127.0.0.1', port: 0 });
    return { desk, url };
  }

  it('should honour every interaction, with real responses strict against openapi.yaml and no undeclared personal data', async () => {
    // Arrange
    const setUp: string[] = [];
    let violations: string[] = [];

    // Act
    await verifyProvider({
      provider: 'support-desk',
      pactFiles: [WEB_PACT],
      start: async () => {
        const { desk, url } = await startDesk();
        violations = desk.contractViolations;
        return { url, close: () => desk.close() };
      },
      states: providerStates(setUp),
      spec: supportDeskApi,
      pii: { allow: INTENDED_PII },
    });

    // Assert
    expect(setUp.sort()).toEqual([
      'a tenant exists',
      'a tenant exists',
      'a tenant with a new lead',
      'a tenant with a user',
      'a tenant with an order',
      'a tenant with an unpaid order',
    ]);
    expect(violations).toEqual([]);
  });

  it('should fail, naming the field, a provider that adds an undeclared email field, which plain Pact lets through', async () => {
    // Arrange
    const { desk, url } = await startDesk(addUndeclaredContactEmail);
    let plainPact: unknown;
    let strict: unknown;

    // Act
    try {
      plainPact = await new Verifier({
        provider: 'support-desk',
        providerBaseUrl: url,
        pactUrls: [WEB_PACT],
        stateHandlers: providerStates([]),
        // Plain Pact warns for every interaction without a state; its report (stdout, native) stays.
        logLevel: 'error',
      })
        .verifyProvider()
        .then(
          () => 'passed',
          (error: unknown) => error,
        );
      strict = await verifyProvider({
        provider: 'support-desk',
        pactFiles: [WEB_PACT],
        // The leaking desk is already listening: Pact's own Verifier ran against it just before.
        start: () => Promise.resolve({ url, close: () => undefined }),
        states: providerStates([]),
        spec: supportDeskApi,
        pii: { allow: INTENDED_PII },
      }).catch((error: unknown) => error);
    } finally {
      await desk.close();
    }

    // Assert
    expect(plainPact).toBe('passed');
    expect(isContractError(strict) && strict.code).toBe('CONTRACT_PROVIDER_VERIFICATION_FAILED');
    const message = (strict as Error).message;
    expect(message).toContain('extra field "contactEmail" is not declared');
    expect(message).toMatch(/\$\.contactEmail holds personal data \(email, /);
    expect(message).not.toContain('ann.owner@acme-mugs.example');
    expect(message).toContain('"a request to create a tenant" (POST /tenants -> 201)');
  });
});
