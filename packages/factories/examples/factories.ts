import { defineFactory, memoryAdapter, sequence, unique } from '@proving-ground/factories';
import { z } from 'zod';

// An in-memory store standing in for a database: `create` returns what it assigns (an id).
export const users = memoryAdapter({
  assign: (row: { tenantId: string; email: string; name: string; role: string }, position) => ({ id: position + 1, ...row }),
});

export const Tenant = defineFactory('tenant')
  .attr('id', ({ faker }) => faker.string.uuid())
  .attr('name', ({ faker }) => faker.company.name())
  .persistWith(memoryAdapter())
  .asTenant();

export const User = defineFactory('user')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .attr('name', ({ faker }) => faker.person.fullName())
  .attr(
    'email',
    unique(({ faker }) => faker.internet.email().toLowerCase()),
  )
  .attr('role', 'member' as 'member' | 'admin')
  .trait('admin', { role: 'admin' })
  .schema(z.object({ email: z.email(), name: z.string().min(1) }))
  .persistWith(users);

export const OrderLine = defineFactory('orderLine')
  .attr('orderNumber', '')
  .attr('sku', ({ faker }) => faker.commerce.isbn(10))
  .attr('quantity', ({ faker }) => faker.number.int({ min: 1, max: 5 }))
  .attr('unitPriceCents', ({ faker }) => faker.number.int({ min: 100, max: 9_999 }));

export const Order = defineFactory('order')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .belongsTo('userId', User, (user) => user.email)
  .attr(
    'number',
    sequence((n) => `ORD-${String(n).padStart(5, '0')}`),
  )
  .transient('vip', false)
  .attr('discountPercent', ['vip'], ({ vip }) => (vip ? 10 : 0))
  .hasMany('lines', OrderLine, { inverse: 'orderNumber', key: (order) => order.number, count: 2 })
  .trait('big', { lines: 10 })
  .trait('discounted', (percent: number) => ({ discountPercent: percent }));

// Registered factories make their names type-checked where a name is accepted (verifyFactories, resetSequences).
declare module '@proving-ground/factories' {
  interface FactoryRegistry {
    factories: typeof Tenant | typeof User | typeof OrderLine | typeof Order;
  }
}
