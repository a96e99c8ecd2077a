import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { captureLogs, contractMatchers, fuzzApi, type FuzzReport } from '@proving-ground/contract-helpers';
import fc from 'fast-check';
import { setupServer, type SetupServer } from 'msw/node';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { streamingChatCompletion } from '../mock-llm.ts';
import { mockPaymentsProvider } from '../mock-payments.ts';
import { startSupportDesk, supportDeskApi, type RunningSupportDesk } from '../support-desk.ts';

expect.extend(contractMatchers);

/** Not loopback: in mock mode only the msw handlers answer them. */
const PAYMENTS_BASE_URL = 'https://payments.support-desk.test/v1';
const LLM_BASE_URL = 'https://llm.support-desk.test/v1';

// Payments reach the msw payments provider (generated tokens mostly succeed; the first success
// makes the order paid, so later runs get 409). The FAQ is fuzzed below with Accept:
// application/json only: its default answer is a server-sent event stream, which the document
// can only describe as a string, so fuzzing it would check nothing; the SSE journeys check it.
const OPERATIONS = [
  'createTenant',
  'getCurrentTenant',
  'createUser',
  'listUsers',
  'getUser',
  'createOrder',
  'listOrders',
  'getOrder',
  'createLead',
  'listLeads',
  'getLead',
  'moveLead',
  'payOrder',
  'listPayments',
];

describe('support-desk under generated requests', () => {
  let desk: RunningSupportDesk;
  let tenant: Tenant;
  let report: FuzzReport;
  let faqReport: FuzzReport;
  let msw: SetupServer;
  const logs = captureLogs({ console: true });

  beforeAll(async () => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    msw.use(
      ...mockPaymentsProvider(PAYMENTS_BASE_URL).handlers,
      streamingChatCompletion(LLM_BASE_URL, { pieces: ['Refunds take ', 'five working days.'] }),
    );
    desk = await startSupportDesk({
      payments: { baseURL: PAYMENTS_BASE_URL, apiKey: 'pk_test_fuzz', retries: 1 },
      llm: { baseURL: LLM_BASE_URL, apiKey: 'test-key', model: 'mock-model', maxRetries: 0 },
    });
    tenant = await desk.createTenant('Fuzz Ltd');
    const user = await desk.createUser(tenant.id, { email: 'owner@fuzz.example', name: 'Owner' });
    const order = await desk.createOrder(tenant.id, {
      userId: user.id,
      currency: 'EUR',
      lines: [{ sku: 'FUZZ-1', quantity: 1, unitPriceCents: 500 }],
    });
    report = await fuzzApi(desk.app, supportDeskApi, {
      operations: OPERATIONS,
      numRuns: 12,
      seed: 20261121,
      headers: { [TENANT_HEADER]: tenant.id },
      pathParams: { id: fc.constantFrom(user.id, order.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid') },
    });
    faqReport = await fuzzApi(desk.app, supportDeskApi, {
      operations: ['askFaq'],
      numRuns: 12,
      seed: 20261121,
      headers: { [TENANT_HEADER]: tenant.id, accept: 'application/json' },
    });
  }, 120_000);
  afterAll(async () => {
    logs.restore();
    msw?.close();
    await desk?.close();
  });

  it('should answer every operation without a 5xx, with documented statuses, strict bodies and problem details on 4xx', () => {
    expect(report.operations.map((entry) => entry.operation).sort()).toHaveLength(OPERATIONS.length);
    expect(report.operations.every((entry) => entry.runs > 0)).toBe(true);
  });

  it('should take a payment and refuse a second one for the same order while fuzzing the payment routes', () => {
    const payOrder = report.operations.find((entry) => entry.operation === 'POST /orders/{id}/payments');

    expect(payOrder?.statuses).toEqual(expect.objectContaining({ 201: 1, 409: expect.any(Number) }));
  });

  it('should answer the FAQ as JSON for valid questions and with problem details for invalid ones', () => {
    expect(faqReport.operations).toEqual([
      { operation: 'POST /faq', runs: 12, statuses: expect.objectContaining({ 200: expect.any(Number) }) },
    ]);
    expect(faqReport.operations[0]!.statuses[400]).toBeGreaterThan(0);
  });

  it('should leave no response the strict OpenAPI check rejected', () => {
    expect(desk.contractViolations).toEqual([]);
  });

  it('should log no personal data while it runs', () => {
    expect(logs.entries).not.toContainPii();
  });
});
