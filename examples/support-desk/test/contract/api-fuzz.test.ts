import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { captureLogs, contractMatchers, fuzzApi, type FuzzReport } from '@proving-ground/contract-helpers';
import fc from 'fast-check';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { startSupportDesk, supportDeskApi, type RunningSupportDesk } from '../support-desk.ts';

expect.extend(contractMatchers);

// The FAQ streams from a chat model and payments go to the provider; both have their own journeys.
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
];

describe('support-desk under generated requests', () => {
  let desk: RunningSupportDesk;
  let tenant: Tenant;
  let report: FuzzReport;
  const logs = captureLogs({ console: true });

  beforeAll(async () => {
    desk = await startSupportDesk();
    tenant = await desk.createTenant('Fuzz Ltd');
    const user = await desk.createUser(tenant.id, { email: 'owner@fuzz.example', name: 'Owner' });
    report = await fuzzApi(desk.app, supportDeskApi, {
      operations: OPERATIONS,
      numRuns: 12,
      seed: 20261121,
      headers: { [TENANT_HEADER]: tenant.id },
      pathParams: { id: fc.constantFrom(user.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid') },
    });
  }, 120_000);
  afterAll(async () => {
    logs.restore();
    await desk.close();
  });

  it('should answer every operation without a 5xx, with documented statuses, strict bodies and problem details on 4xx', () => {
    expect(report.operations.map((entry) => entry.operation).sort()).toHaveLength(OPERATIONS.length);
    expect(report.operations.every((entry) => entry.runs > 0)).toBe(true);
  });

  it('should leave no response the strict OpenAPI check rejected', () => {
    expect(desk.contractViolations).toEqual([]);
  });

  it('should log no personal data while it runs', () => {
    expect(logs.entries).not.toContainPII();
  });
});
