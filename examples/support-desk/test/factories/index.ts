import { cycle, defineFactory, sequence, sqlAdapter, unique, type BuiltOf, type PersistenceAdapter } from '@proving-ground/factories';
import * as fc from 'fast-check';
import { LEAD_SOURCES, LEAD_TRANSITIONS, type Lead as LeadRecord, type LeadStatus } from '../../src/leads.ts';
import { MAX_QUANTITY, type Order as OrderRecord } from '../../src/orders.ts';
import type { Payment as PaymentRecord } from '../../src/payments.ts';
import { TENANT_HEADER, type Tenant as TenantRecord } from '../../src/tenancy.ts';
import type { User as UserRecord } from '../../src/users.ts';
import { apiAdapter, boundDesk } from './api-adapter.ts';

export { useSupportDesk } from './api-adapter.ts';

/** Tenants, created with `POST /tenants`; the server assigns the id. */
export const Tenant = defineFactory('tenant')
  .attr('name', ({ faker }) => faker.company.name())
  .persistWith(apiAdapter<{ name: string }, TenantRecord>({ url: '/tenants' }))
  .asTenant();

/** Users of a tenant, created with `POST /users` (the service lowercases the email). */
export const User = defineFactory('user')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .attr('name', ({ faker }) => faker.person.fullName())
  .attr('email', ['name'], ({ name }, { faker }) =>
    faker.internet.email({ firstName: name.split(' ')[0], provider: 'example.test' }).toLowerCase(),
  )
  .schema((user) => (/^[^\s@]+@[^\s@]+$/.test(user.email) ? [] : [`email ${JSON.stringify(user.email)} is not an address`]))
  .persistWith(
    apiAdapter<{ tenantId: string; name: string; email: string }, UserRecord>({
      url: '/users',
      tenant: (row) => row.tenantId,
      body: ({ name, email }) => ({ name, email }),
    }),
  );

/**
 * Order lines as a client sends them. Quantity and price are fast-check arbitraries: in a property
 * test they are generated and shrunk; in a plain build they are sampled from the field's seed.
 */
export const OrderLine = defineFactory('orderLine')
  .attr(
    'sku',
    sequence((n) => `SKU-${n}`),
  )
  .attr('quantity', fc.integer({ min: 1, max: MAX_QUANTITY }))
  .attr('unitPriceCents', fc.integer({ min: 0, max: 100_000 }))
  .trait('free', { unitPriceCents: 0 });

type Line = BuiltOf<typeof OrderLine>;

/**
 * Orders with their lines, created with `POST /orders`: the created order carries the line and
 * order totals the server computed.
 */
export const Order = defineFactory('order')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .belongsTo('userId', User, (user) => user.id)
  .attr('currency', cycle(['EUR', 'USD', 'GBP'] as const))
  .transient('lineCount', 2)
  .attr('lines', ['lineCount'], ({ lineCount }): Line[] => OrderLine.buildList(lineCount))
  .trait('single', { lineCount: 1 })
  .trait('bulk', { lineCount: 25 })
  .persistWith(
    apiAdapter<{ tenantId: string; userId: string; currency: string; lines: Line[] }, OrderRecord>({
      url: '/orders',
      tenant: (row) => row.tenantId,
      body: ({ userId, currency, lines }) => ({ userId, currency, lines }),
    }),
  );

/**
 * Sales leads, created with `POST /leads`; the transient `status` moves a new lead along the
 * pipeline with `PATCH /leads/:id` after it is created (and `lost` from any open status).
 */
export const Lead = defineFactory('lead')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .attr('name', ({ faker }) => faker.person.fullName())
  .attr(
    'email',
    unique(({ faker }) => faker.internet.email({ provider: 'leads.example.test' }).toLowerCase()),
  )
  .attr('company', ({ faker }): string | undefined => faker.company.name())
  .attr('phone', ({ faker }): string | undefined => `+3519${faker.string.numeric(8)}`)
  .attr('source', cycle(LEAD_SOURCES))
  .transient('status', 'new' as LeadStatus)
  .trait('anonymous', { company: undefined, phone: undefined })
  .trait('qualified', { status: 'qualified' })
  .persistWith(
    apiAdapter<{ tenantId: string; name: string; email: string; company?: string; phone?: string; source: string }, LeadRecord>({
      url: '/leads',
      tenant: (row) => row.tenantId,
      body: ({ name, email, company, phone, source }) => ({ name, email, company, phone, source }),
    }),
  )
  .afterCreate(async (lead, { transient, built }) => {
    const target = transient['status'] as LeadStatus;
    const path = pipelineTo(target);
    for (const status of path) {
      const response = await boundDesk().app.inject({
        method: 'PATCH',
        url: `/leads/${lead.id}`,
        headers: { [TENANT_HEADER]: built.tenantId },
        payload: { status },
      });
      if (response.statusCode !== 200)
        throw new Error(`PATCH /leads/${lead.id} to ${status} answered ${response.statusCode}: ${response.body}`);
      Object.assign(lead, response.json<LeadRecord>());
    }
  });

/** The statuses a new lead passes through to reach `target` (forward steps, or straight to `lost`). */
function pipelineTo(target: LeadStatus): LeadStatus[] {
  if (target === 'new') return [];
  if (target === 'lost') return ['lost'];
  const path: LeadStatus[] = [];
  let current: LeadStatus = 'new';
  while (current !== target) {
    current = LEAD_TRANSITIONS[current].find((next) => next !== 'lost')!;
    path.push(current);
  }
  return path;
}

/**
 * Payments of an order, inserted straight into the `payments` table inside the tenant's
 * transaction (the API only creates them through the payments provider): for tests that need an
 * order already paid, or declined before.
 */
export const Payment = defineFactory('payment')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .belongsTo('orderId', Order, (order) => order.id)
  .attr('providerChargeId', ({ faker }) => `ch_${faker.string.alphanumeric(24)}`)
  .attr('amountCents', ({ faker }) => faker.number.int({ min: 1, max: 50_000 }))
  .attr('currency', 'EUR')
  .attr('status', 'succeeded' as 'succeeded' | 'declined')
  .attr('declineCode', null as string | null)
  .trait('declined', { status: 'declined', declineCode: 'card_declined' })
  .persistWith(paymentsTable());

type PaymentRow = {
  tenantId: string;
  orderId: string;
  providerChargeId: string;
  amountCents: number;
  currency: string;
  status: string;
  declineCode: string | null;
};

function paymentsTable(): PersistenceAdapter<PaymentRow, PaymentRecord> {
  return {
    insert: (row, context) =>
      boundDesk().database.withTenant(row.tenantId, async (sql) => {
        const stored = await sqlAdapter<Record<string, unknown>>(sql, { table: 'payments' }).insert(row, context);
        return {
          id: stored['id'] as string,
          orderId: row.orderId,
          amountCents: Number(stored['amountCents']),
          currency: String(stored['currency']),
          status: row.status as PaymentRecord['status'],
          declineCode: row.declineCode,
          providerChargeId: row.providerChargeId,
          createdAt: (stored['createdAt'] as Date).toISOString(),
        };
      }),
  };
}
