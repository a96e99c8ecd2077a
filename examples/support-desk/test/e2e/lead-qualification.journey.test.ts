import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withTenant, type CreatedOf } from '@proving-ground/factories';
import * as fc from 'fast-check';
import { canMoveLead, LEAD_SOURCES, LEAD_STATUSES, type Lead, type LeadStatus } from '../../src/leads.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { Lead as LeadFactory, Tenant, useSupportDesk } from '../factories/index.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

describe('lead capture and qualification journey', () => {
  let desk: RunningSupportDesk;
  let tenant: CreatedOf<typeof Tenant>;

  beforeAll(async () => {
    desk = await startSupportDesk();
    useSupportDesk(desk);
    tenant = await Tenant.create({ name: 'Funnel Foods' });
  });

  afterAll(async () => {
    await desk?.close();
  });

  function move(id: string, status: LeadStatus, tenantId = tenant.id) {
    return desk.http({ method: 'PATCH', url: `/leads/${id}`, headers: { [TENANT_HEADER]: tenantId }, payload: { status } });
  }

  async function listed(status: LeadStatus): Promise<string[]> {
    const response = await desk.http({ method: 'GET', url: `/leads?status=${status}`, headers: { [TENANT_HEADER]: tenant.id } });
    return response.json<{ leads: Lead[] }>().leads.map((lead) => lead.id);
  }

  it('should capture leads from every source, qualify the contacted ones that fit, drop the rest, and list the qualified pipeline', async () => {
    // Arrange: one lead per source, captured through POST /leads.
    const leads = await withTenant(tenant, () => Promise.all(LEAD_SOURCES.map((source) => LeadFactory.create({ source }))));
    const [web, referral, event, partner] = leads as [Lead, Lead, Lead, Lead];

    // Act: every lead is contacted; the web and referral leads qualify, the event lead is lost,
    // the partner lead waits.
    for (const lead of leads) expect((await move(lead.id, 'contacted')).statusCode).toBe(200);
    const qualified = [await move(web.id, 'qualified'), await move(referral.id, 'qualified')];
    const lost = await move(event.id, 'lost');

    // Assert
    expect(leads.map((lead) => lead.status)).toEqual(['new', 'new', 'new', 'new']);
    expect(qualified.map((response) => response.json<Lead>().status)).toEqual(['qualified', 'qualified']);
    expect(lost.json<Lead>().status).toBe('lost');
    expect((await listed('qualified')).toSorted()).toEqual([web.id, referral.id].toSorted());
    expect(await listed('contacted')).toEqual([partner.id]);
    expect(await listed('lost')).toEqual([event.id]);
  });

  it('should not qualify a lead nobody has contacted, nor one already lost', async () => {
    const [fresh, dropped] = await withTenant(tenant, () =>
      Promise.all([LeadFactory.create(), LeadFactory.create(undefined, { transient: { status: 'lost' } })]),
    );

    const skipped = await move(fresh.id, 'qualified');
    const revived = await move(dropped.id, 'qualified');

    expect(skipped.statusCode).toBe(409);
    expect(skipped.json()).toMatchObject({ currentStatus: 'new', allowedStatuses: ['contacted', 'lost'] });
    expect(revived.statusCode).toBe(409);
    expect(revived.json()).toMatchObject({ currentStatus: 'lost', allowedStatuses: [] });
  });

  it('should qualify a lead once when two agents qualify it at the same time', async () => {
    const lead = await withTenant(tenant, () => LeadFactory.create(undefined, { transient: { status: 'contacted' } }));

    const answers = await Promise.all([move(lead.id, 'qualified'), move(lead.id, 'qualified')]);

    expect(answers.map((answer) => answer.statusCode).toSorted()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)?.json()).toMatchObject({ currentStatus: 'qualified' });
  });

  it("should not let another tenant qualify, or learn of, this tenant's lead", async () => {
    const lead = await withTenant(tenant, () => LeadFactory.create(undefined, { transient: { status: 'contacted' } }));
    const other = await Tenant.create();

    const attempt = await move(lead.id, 'qualified', other.id);
    const afterwards = await desk.http({ method: 'GET', url: `/leads/${lead.id}`, headers: { [TENANT_HEADER]: tenant.id } });

    expect(attempt.statusCode).toBe(404);
    expect(afterwards.json<Lead>().status).toBe('contacted');
  });

  it('should end every sequence of moves where the pipeline says, refusing exactly the moves it does not allow', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...LEAD_STATUSES), { minLength: 1, maxLength: 6 }), async (moves) => {
        const lead = await withTenant(tenant, () => LeadFactory.create());
        let expected: LeadStatus = 'new';
        for (const status of moves) {
          const answer = await move(lead.id, status);
          const allowed = canMoveLead(expected, status);
          expect(answer.statusCode).toBe(allowed ? 200 : 409);
          if (allowed) expected = status;
        }
        const stored = await desk.http({ method: 'GET', url: `/leads/${lead.id}`, headers: { [TENANT_HEADER]: tenant.id } });
        expect(stored.json<Lead>().status).toBe(expected);
      }),
      { numRuns: 15 },
    );
  });
});
