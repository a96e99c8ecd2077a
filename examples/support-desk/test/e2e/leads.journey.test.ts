import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Lead } from '../../src/leads.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

describe('leads journey', () => {
  let desk: RunningSupportDesk;
  let tenant: Tenant;

  beforeAll(async () => {
    desk = await startSupportDesk();
    tenant = await desk.createTenant('Acme Mugs');
  });

  afterAll(async () => {
    await desk?.close();
  });

  function createLead(payload: Record<string, unknown>, tenantId = tenant.id) {
    return desk.http({ method: 'POST', url: '/leads', headers: { [TENANT_HEADER]: tenantId }, payload });
  }

  function moveLead(id: string, status: string) {
    return desk.http({ method: 'PATCH', url: `/leads/${id}`, headers: { [TENANT_HEADER]: tenant.id }, payload: { status } });
  }

  it('should capture a lead and walk it through the pipeline to converted', async () => {
    // Arrange
    const created = await createLead({
      email: 'Bo@Prospect.test',
      name: 'Bo',
      company: 'Prospect Ltd',
      phone: '+442079460000',
      source: 'web',
    });
    const lead = created.json<Lead>();

    // Act
    const steps = [];
    for (const status of ['contacted', 'qualified', 'converted']) steps.push(await moveLead(lead.id, status));
    const readBack = await desk.http({ method: 'GET', url: `/leads/${lead.id}`, headers: { [TENANT_HEADER]: tenant.id } });

    // Assert
    expect(created.statusCode).toBe(201);
    expect(lead).toMatchObject({
      email: 'bo@prospect.test',
      company: 'Prospect Ltd',
      phone: '+442079460000',
      source: 'web',
      status: 'new',
    });
    expect(steps.map((step) => step.statusCode)).toEqual([200, 200, 200]);
    expect(readBack.json<Lead>().status).toBe('converted');
    expect(Date.parse(readBack.json<Lead>().updatedAt)).toBeGreaterThanOrEqual(Date.parse(lead.createdAt));
  });

  it('should refuse a move the pipeline does not allow, saying which moves are', async () => {
    // Arrange
    const lead = (await createLead({ email: 'skip@prospect.test', name: 'Skip', source: 'event' })).json<Lead>();

    // Act
    const skipped = await moveLead(lead.id, 'converted');
    const lost = await moveLead(lead.id, 'lost');
    const revived = await moveLead(lead.id, 'new');

    // Assert
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json()).toMatchObject({
      type: 'https://support-desk.example/problems/invalid-transition',
      currentStatus: 'new',
      allowedStatuses: ['contacted', 'lost'],
    });
    expect(lost.statusCode).toBe(200);
    expect(revived.statusCode).toBe(409);
    expect(revived.json<{ detail: string }>().detail).toContain('lost is final');
  });

  it('should list leads newest first, filtered by status', async () => {
    // Arrange
    const other = await desk.createTenant('Filter Co');
    const first = (await createLead({ email: 'one@f.test', name: 'One', source: 'referral' }, other.id)).json<Lead>();
    const second = (await createLead({ email: 'two@f.test', name: 'Two', source: 'partner' }, other.id)).json<Lead>();
    await desk.http({
      method: 'PATCH',
      url: `/leads/${first.id}`,
      headers: { [TENANT_HEADER]: other.id },
      payload: { status: 'contacted' },
    });

    // Act
    const all = await desk.http({ method: 'GET', url: '/leads', headers: { [TENANT_HEADER]: other.id } });
    const fresh = await desk.http({ method: 'GET', url: '/leads?status=new', headers: { [TENANT_HEADER]: other.id } });
    const unknownStatus = await desk.http({ method: 'GET', url: '/leads?status=won', headers: { [TENANT_HEADER]: other.id } });

    // Assert
    expect(all.json<{ leads: Lead[] }>().leads.map((lead) => lead.id)).toEqual([second.id, first.id]);
    expect(fresh.json<{ leads: Lead[] }>().leads.map((lead) => lead.id)).toEqual([second.id]);
    expect(unknownStatus.statusCode).toBe(400);
  });

  it("should keep one lead per email in a tenant, and keep tenants' leads apart", async () => {
    // Arrange
    const other = await desk.createTenant('Other Co');
    const mine = (await createLead({ email: 'dup@prospect.test', name: 'Dup', source: 'web' })).json<Lead>();

    // Act
    const duplicate = await createLead({ email: 'DUP@prospect.test', name: 'Dup again', source: 'web' });
    const sameEmailElsewhere = await createLead({ email: 'dup@prospect.test', name: 'Dup', source: 'web' }, other.id);
    const peek = await desk.http({ method: 'GET', url: `/leads/${mine.id}`, headers: { [TENANT_HEADER]: other.id } });
    const move = await desk.http({
      method: 'PATCH',
      url: `/leads/${mine.id}`,
      headers: { [TENANT_HEADER]: other.id },
      payload: { status: 'contacted' },
    });

    // Assert
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).not.toContain('dup@prospect.test');
    expect(sameEmailElsewhere.statusCode).toBe(201);
    expect(peek.statusCode).toBe(404);
    expect(move.statusCode).toBe(404);
  });

  it('should refuse a phone number that is not E.164 and an unknown source', async () => {
    // Act
    const response = await createLead({ email: 'x@prospect.test', name: 'X', phone: '0207 946 0000', source: 'cold-call' });

    // Assert
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json<{ errors: { pointer: string }[] }>()
        .errors.map((error) => error.pointer)
        .sort(),
    ).toEqual(['/body/phone', '/body/source']);
  });
});
