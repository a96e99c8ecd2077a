import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { APP_ROLE } from '../../src/database.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { withTenant, type CreatedOf } from '@proving-ground/factories';
import { Order, Tenant, User, useSupportDesk } from '../factories/index.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

const TENANT_TABLES = ['tenants', 'users', 'orders', 'order_lines'];

describe('tenant isolation', () => {
  let desk: RunningSupportDesk;
  let tenantA: CreatedOf<typeof Tenant>;
  let tenantB: CreatedOf<typeof Tenant>;
  let orderOfA: CreatedOf<typeof Order>;

  beforeAll(async () => {
    desk = await startSupportDesk();
    useSupportDesk(desk);
    [tenantA, tenantB] = (await Tenant.createList(2, (index) => ({ name: `Tenant ${'AB'[index]!}` }))) as [
      CreatedOf<typeof Tenant>,
      CreatedOf<typeof Tenant>,
    ];
    // The order's user is created in tenant A too: the scope reaches every nested row.
    orderOfA = await withTenant(tenantA, () => Order.create({ lines: [{ sku: 'SECRET', quantity: 1, unitPriceCents: 999 }] }));
    await withTenant(tenantB, () => User.create({ email: 'bob@b.test', name: 'Bob' }));
  });

  afterAll(async () => {
    await desk?.close();
  });

  it("should not let tenant B read tenant A's order through the API", async () => {
    const asA = await desk.http({ method: 'GET', url: `/orders/${orderOfA.id}`, headers: { [TENANT_HEADER]: tenantA.id } });
    const asB = await desk.http({ method: 'GET', url: `/orders/${orderOfA.id}`, headers: { [TENANT_HEADER]: tenantB.id } });
    const listAsB = await desk.http({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: tenantB.id } });

    expect(asA.statusCode).toBe(200);
    expect(asB.statusCode).toBe(404);
    expect(asB.json()).toMatchObject({ type: 'https://support-desk.example/problems/not-found' });
    expect(listAsB.json()).toEqual({ orders: [] });
  });

  it("should return none of tenant A's rows to queries without a tenant filter run as tenant B", async () => {
    const seen = await desk.database.withTenant(tenantB.id, async (sql) => ({
      tenants: (await sql.query<{ id: string }>('SELECT id FROM tenants')).rows.map((row) => row.id),
      users: (await sql.query<{ email: string }>('SELECT email FROM users')).rows.map((row) => row.email),
      orders: (await sql.query('SELECT * FROM orders')).rowCount,
      lines: (await sql.query('SELECT * FROM order_lines')).rowCount,
    }));
    const seenByA = await desk.database.withTenant(
      tenantA.id,
      async (sql) => (await sql.query<{ id: string }>('SELECT id FROM orders')).rows,
    );

    expect(seen).toEqual({ tenants: [tenantB.id], users: ['bob@b.test'], orders: 0, lines: 0 });
    expect(seenByA).toEqual([{ id: orderOfA.id }]);
  });

  it('should show no rows at all to a transaction whose tenant setting is cleared', async () => {
    const counts = await desk.database.withTenant(tenantA.id, async (sql) => {
      await sql.query("SELECT set_config('app.tenant_id', '', true)");
      return (await sql.query<{ n: number }>('SELECT (SELECT count(*) FROM users)::integer + (SELECT count(*) FROM orders)::integer AS n'))
        .rows[0]!.n;
    });

    expect(counts).toBe(0);
  });

  it("should neither change nor delete tenant A's rows from tenant B", async () => {
    const changed = await desk.database.withTenant(tenantB.id, async (sql) => ({
      updated: (await sql.query('UPDATE orders SET total_cents = 0')).rowCount,
      deleted: (await sql.query('DELETE FROM order_lines')).rowCount,
    }));
    const afterwards = await desk.http({ method: 'GET', url: `/orders/${orderOfA.id}`, headers: { [TENANT_HEADER]: tenantA.id } });

    expect(changed).toEqual({ updated: 0, deleted: 0 });
    expect(afterwards.json()).toEqual(orderOfA);
  });

  it('should refuse to write a row into tenant A from tenant B', async () => {
    const write = desk.database.withTenant(tenantB.id, (sql) =>
      sql.query("INSERT INTO users (tenant_id, email, name) VALUES ($1, 'mallory@b.test', 'Mallory')", [tenantA.id]),
    );

    await expect(write).rejects.toThrow('new row violates row-level security policy for table "users"');
  });

  it('should run tenant transactions as a role that row level security applies to, on tables that force it', async () => {
    const facts = await desk.database.withTenant(tenantB.id, async (sql) => ({
      role: (
        await sql.query(
          'SELECT current_user AS name, rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
        )
      ).rows[0],
      tables: (
        await sql.query(
          'SELECT relname AS table, relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE relname = ANY($1) ORDER BY relname',
          [TENANT_TABLES],
        )
      ).rows,
    }));

    expect(facts.role).toEqual({ name: APP_ROLE, superuser: false, bypass: false });
    expect(facts.tables).toEqual(TENANT_TABLES.toSorted().map((table) => ({ table, enabled: true, forced: true })));
  });
});
