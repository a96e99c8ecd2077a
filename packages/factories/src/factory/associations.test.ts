import { beforeEach, describe, expect, it } from '@jest/globals';
import { defineFactory } from './define.js';
import type { AnyFactory } from './types.js';
import { memoryAdapter } from '../persistence.js';
import { assertSingleTenant, crossTenant, tenantReferences, withTenant } from '../tenant.js';

const tenants = memoryAdapter({
  assign: (row: { name: string }, position): { id: number; name: string } => ({ id: position + 1, ...row }),
});
const users = memoryAdapter({ assign: (row: { tenantId: number; name: string }, position) => ({ id: 100 + position, ...row }) });
const orders = memoryAdapter({
  assign: (row: { tenantId: number; userId: number; currency: string }, position) => ({ id: 1000 + position, ...row }),
});
const lines = memoryAdapter({
  assign: (row: { orderId: number; sku: string; quantity: number }, position) => ({ id: 5000 + position, ...row }),
});

const Tenant = defineFactory('tenant')
  .attr('name', ({ faker }) => faker.company.name())
  .persistWith(tenants)
  .asTenant();

const User = defineFactory('user')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .attr('name', ({ faker }) => faker.person.fullName())
  .persistWith(users);

const Line = defineFactory('line')
  .attr('orderId', 0)
  .attr('sku', ({ faker }) => faker.string.alphanumeric(6).toUpperCase())
  .attr('quantity', ({ faker }) => faker.number.int({ min: 1, max: 5 }))
  .persistWith(lines);

const Order = defineFactory('order')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .belongsTo('userId', User, (user) => user.id)
  .attr('currency', 'EUR')
  .hasMany('lines', Line, { inverse: 'orderId', count: 2 })
  .persistWith(orders);

const events: string[] = [];
const Audited = Order.afterCreate((order) => {
  events.push(`order ${order.id} with ${order.lines.length} lines`);
});

beforeEach(() => {
  for (const adapter of [tenants, users, orders, lines]) adapter.clear();
  events.length = 0;
});

describe('belongsTo and hasMany with build', () => {
  it('should build parents and children without persisting anything', () => {
    const order = Order.build();

    expect(order.lines).toHaveLength(2);
    expect(order.lines.every((line) => line.orderId === undefined)).toBe(true);
    expect(tenants.rows.length + users.rows.length + orders.rows.length + lines.rows.length).toBe(0);
  });

  it('should not build a parent whose key is overridden', () => {
    const order = Order.build({ userId: 7, tenantId: 3 });

    expect([order.userId, order.tenantId]).toEqual([7, 3]);
    expect(tenantReferences(order)).toEqual([{ path: 'order.tenantId', value: 3 }]);
  });

  it('should take a count or one overrides object per child', () => {
    const counted = Order.build({ lines: 3 });
    const explicit = Order.build({ lines: [{ sku: 'A' }, { sku: 'B', quantity: 9 }] });

    expect(counted.lines).toHaveLength(3);
    expect(explicit.lines.map((line) => [line.sku, line.quantity !== undefined])).toEqual([
      ['A', true],
      ['B', true],
    ]);
    expect(explicit.lines[1]!.quantity).toBe(9);
  });
});

describe('belongsTo and hasMany with create', () => {
  it('should create parents first, then the object, then its children, and run afterCreate last', async () => {
    const order = await Audited.create();

    expect(tenants.rows).toHaveLength(1);
    expect(users.rows).toEqual([{ id: 100, tenantId: 1, name: expect.any(String) }]);
    expect(order).toMatchObject({ id: 1000, tenantId: 1, userId: 100, currency: 'EUR' });
    expect(order.lines.map((line) => [line.id, line.orderId])).toEqual([
      [5000, 1000],
      [5001, 1000],
    ]);
    expect(orders.rows[0]).not.toHaveProperty('lines');
    expect(events).toEqual(['order 1000 with 2 lines']);
  });

  it('should share one tenant across the whole graph of one create', async () => {
    const order = await Order.create();

    expect(tenants.rows).toHaveLength(1);
    expect(() => assertSingleTenant(order, 1)).not.toThrow();
  });

  it('should insert a list in one batch, one after the other', async () => {
    const created = await User.createList(3);

    expect(created.map((user) => user.id)).toEqual([100, 101, 102]);
    expect(users.calls).toBe(1);
  });

  it('should insert row by row with batch: false', async () => {
    await User.createList(3, undefined, { batch: false });

    expect(users.calls).toBe(3);
  });

  it('should refuse to create without an adapter, saying how to add one', async () => {
    const Plain = defineFactory('plain').attr('x', 1);

    await expect(Plain.create()).rejects.toThrow(
      '[factories] Failed to create "plain": the factory has no persistence adapter. Add .persistWith(memoryAdapter()) or .persistWith(sqlAdapter(db, { table: \'...\' })), or use build().',
    );
  });

  it('should report a cycle of associations readably', () => {
    const Chicken: AnyFactory = defineFactory('chicken').belongsTo('egg', () => Egg);
    const Egg: AnyFactory = defineFactory('egg').belongsTo('chicken', () => Chicken);

    const attempt = (): unknown => Egg.build();

    expect(attempt).toThrow(
      '[factories] Failed to build "egg": its associations form a cycle: egg → chicken → egg. Override one of these fields (or pass the parent) to break it.',
    );
  });
});

describe('hooks and create ordering', () => {
  it('should run afterBuild, insert, children, then afterCreate, in declaration order', async () => {
    const events: string[] = [];
    const store = (name: string) => ({
      insert: (row: object) => {
        events.push(`insert ${name}`);
        return Promise.resolve({ id: `${name}-id`, ...row });
      },
      insertMany: (rows: readonly object[]) => {
        events.push(`insert ${rows.length} ${name}s`);
        return Promise.resolve(rows.map((row, index) => ({ id: `${name}-${index}`, ...row })));
      },
    });
    const Item = defineFactory('item')
      .attr('basketId', '')
      .persistWith(store('item'))
      .afterBuild((_item, { index }) => void events.push(`afterBuild item ${index}`))
      .afterCreate((item) => void events.push(`afterCreate ${item.id}`));
    const Basket = defineFactory('basket')
      .hasMany('items', Item, { inverse: 'basketId', count: 2 })
      .persistWith(store('basket'))
      .afterBuild(() => void events.push('afterBuild basket (1)'))
      .afterBuild(() => void events.push('afterBuild basket (2)'))
      .afterCreate((basket) => void events.push(`afterCreate basket with ${basket.items.length} items`));

    await Basket.create();

    expect(events).toEqual([
      'afterBuild basket (1)',
      'afterBuild basket (2)',
      'insert basket',
      'afterBuild item 0',
      'afterBuild item 1',
      'insert 2 items',
      'afterCreate item-0',
      'afterCreate item-1',
      'afterCreate basket with 2 items',
    ]);
  });

  it('should insert row by row one after the other, never concurrently, without insertMany', async () => {
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const Slow = defineFactory('slow')
      .attr('n', ({ index }) => index)
      .persistWith({
        insert: async (row: { n: number }) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5 - row.n));
          order.push(row.n);
          inFlight--;
          return row;
        },
      });

    await Slow.createList(4);

    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('withTenant', () => {
  it('should resolve every nested belongsTo of the tenant factory to the scoped tenant', async () => {
    const acme = await Tenant.create({ name: 'Acme' });

    const order = await withTenant(acme, () => Order.create());
    const user = withTenant(acme, () => User.build());

    expect(order.tenantId).toBe(acme.id);
    expect(users.rows.map((row) => row.tenantId)).toEqual([acme.id]);
    expect(user.tenantId).toBe(acme.id);
    expect(tenants.rows).toHaveLength(1);
  });

  it('should refuse an explicit parent of another tenant inside the scope', async () => {
    const [acme, globex] = await Tenant.createList(2);
    const globexUser = await User.create({ tenantId: globex!.id });

    await expect(withTenant(acme!, () => Order.create({ userId: globexUser }))).rejects.toMatchObject({
      code: 'FACTORIES_TENANT_MISMATCH',
      message: expect.stringContaining(`order.userId→user.tenantId = ${globex!.id}`),
    });
  });

  it('should build cross-tenant data on purpose inside crossTenant', async () => {
    const [acme, globex] = await Tenant.createList(2);
    const globexUser = await User.create({ tenantId: globex!.id });

    const intruder = await crossTenant(() => withTenant(acme!, () => Order.create({ userId: globexUser })));

    expect(intruder.tenantId).toBe(acme!.id);
    expect(() => assertSingleTenant(intruder)).toThrow(expect.objectContaining({ code: 'FACTORIES_TENANT_MISMATCH' }));
  });

  it('should make siblings of an explicitly given parent join its tenant', async () => {
    const globexUser = await User.create();

    const order = await Order.create({ userId: globexUser });

    expect(order.tenantId).toBe(globexUser.tenantId);
    expect(tenants.rows).toHaveLength(1);
  });
});

describe('assertSingleTenant', () => {
  it('should list every reference when a graph spans tenants', () => {
    const order = crossTenant(() => Order.build({ tenantId: 1, userId: User.build({ tenantId: 2 }) }));

    expect(() => assertSingleTenant(order)).toThrow(
      '[factories] Failed to assert one tenant: the graph refers to 2 tenants: order.tenantId = 1, order.userId→user.tenantId = 2. Build it inside withTenant(tenant, ...), or inside crossTenant(...) when spanning tenants is the point.',
    );
  });

  it('should accept a list whose objects share a tenant', async () => {
    const acme = await Tenant.create();

    const list = await withTenant(acme, () => User.createList(2));

    expect(() => assertSingleTenant(list, acme.id)).not.toThrow();
  });
});

describe('a key override of the tenant association', () => {
  const TenantLine = defineFactory('tenantLine')
    .attr('orderId', 0)
    .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
    .persistWith(memoryAdapter({ assign: (row: { orderId: number; tenantId: number }, position) => ({ id: 7000 + position, ...row }) }));
  const TenantOrder = defineFactory('tenantOrder')
    .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
    .belongsTo('userId', User, (user) => user.id)
    .hasMany('lines', TenantLine, { inverse: 'orderId', count: 2 })
    .persistWith(memoryAdapter({ assign: (row: { tenantId: number; userId: number }, position) => ({ id: 9000 + position, ...row }) }));

  it('should give every nested belongsTo of the tenant the overridden key when building', () => {
    const order = TenantOrder.build({ tenantId: 42 });

    expect(tenantReferences(order).map((reference) => reference.value)).toEqual([42, 42, 42, 42]);
    expect(() => assertSingleTenant(order, 42)).not.toThrow();
    expect(tenants.rows).toHaveLength(0);
  });

  it('should create the graph under the overridden key without creating another tenant', async () => {
    const order = await TenantOrder.create({ tenantId: 42 });

    expect(order.tenantId).toBe(42);
    expect(order.lines.map((line) => line.tenantId)).toEqual([42, 42]);
    expect(users.rows.map((row) => row.tenantId)).toEqual([42]);
    expect(tenants.rows).toHaveLength(0);
    expect(() => assertSingleTenant(order, 42)).not.toThrow();
  });

  it('should still refuse a key of another tenant inside withTenant, and build it whole inside crossTenant', async () => {
    const acme = await Tenant.create();

    const inScope = (): unknown => withTenant(acme, () => TenantOrder.build({ tenantId: 42 }));
    const crossing = crossTenant(() => withTenant(acme, () => TenantOrder.build({ tenantId: 42 })));

    expect(inScope).toThrow(expect.objectContaining({ code: 'FACTORIES_TENANT_MISMATCH' }));
    expect(tenantReferences(crossing).map((reference) => reference.value)).toEqual([42, 42, 42, 42]);
  });
});

describe('a graph that spans tenants', () => {
  it('should list the scoped tenant and the overridden key inside withTenant', async () => {
    const acme = await Tenant.create();

    const build = (): unknown => withTenant(acme, () => Order.build({ tenantId: 42 }));

    expect(build).toThrow(
      `[factories] Failed to assert one tenant: the graph refers to 2 tenants: the withTenant scope = ${acme.id}, order.tenantId = 42, order.userId→user.tenantId = 42.`,
    );
  });

  it('should refuse a build outside withTenant whose given parent belongs to another tenant, naming the fields', async () => {
    const [acme, globex] = await Tenant.createList(2);
    const globexUser = await User.create({ tenantId: globex!.id });

    const build = (): unknown => Order.build({ tenantId: acme!.id, userId: globexUser });

    expect(build).toThrow(
      expect.objectContaining({
        code: 'FACTORIES_TENANT_MISMATCH',
        message: expect.stringContaining(
          `Failed to build "order": the graph refers to 2 tenants: order.tenantId = ${acme!.id}, order.userId→user.tenantId = ${globex!.id}.`,
        ),
      }),
    );
  });

  it('should refuse such a create before inserting anything of it', async () => {
    const [acme, globex] = await Tenant.createList(2);
    const globexUser = await User.create({ tenantId: globex!.id });
    orders.clear();

    const created = Order.create({ tenantId: acme!.id, userId: globexUser });

    await expect(created).rejects.toMatchObject({
      code: 'FACTORIES_TENANT_MISMATCH',
      message: expect.stringContaining('Failed to create "order"'),
    });
    expect(orders.rows).toHaveLength(0);
  });

  it('should build it on purpose inside crossTenant, and accept parents of one tenant outside it', async () => {
    const [acme, globex] = await Tenant.createList(2);
    const acmeUser = await User.create({ tenantId: acme!.id });
    const globexUser = await User.create({ tenantId: globex!.id });

    const intruder = crossTenant(() => Order.build({ tenantId: acme!.id, userId: globexUser }));
    const sound = Order.build({ tenantId: acme!.id, userId: acmeUser });

    expect(tenantReferences(intruder).map((reference) => reference.value)).toEqual([acme!.id, globex!.id]);
    expect(() => assertSingleTenant(sound, acme!.id)).not.toThrow();
  });
});

describe('createList with belongsTo parents', () => {
  it('should create the parents of every object table by table, one insert each', async () => {
    const created = await Order.createList(100, { lines: 0 });

    expect([tenants.calls, users.calls, orders.calls]).toEqual([1, 1, 1]);
    expect([tenants.rows.length, users.rows.length]).toEqual([100, 100]);
    expect(created.every((order, index) => order.userId === users.rows[index]!.id && users.rows[index]!.tenantId === order.tenantId)).toBe(
      true,
    );
  });

  it('should create them one by one with batch: false', async () => {
    await Order.createList(3, { lines: 0 }, { batch: false });

    expect([tenants.calls, users.calls, orders.calls]).toEqual([3, 3, 3]);
  });
});
