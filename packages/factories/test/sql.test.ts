import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { defineFactory, sequence, sqlAdapter, verifyFactories, withTenant, type SqlQueryable } from '@proving-ground/factories';

const SCHEMA = `
  CREATE TABLE tenants (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE customers (
    id serial PRIMARY KEY,
    tenant_id integer NOT NULL REFERENCES tenants (id),
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE invoices (id serial PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants (id), customer_id integer NOT NULL REFERENCES customers (id), total_cents integer NOT NULL DEFAULT 0);
  CREATE TABLE invoice_lines (id serial PRIMARY KEY, invoice_id integer NOT NULL REFERENCES invoices (id), amount_cents integer NOT NULL);
  CREATE TABLE people (id serial PRIMARY KEY, full_name text NOT NULL, nick_name text, label text NOT NULL DEFAULT 'default label');
  CREATE TABLE things (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
`;

interface TenantRow {
  id: number;
  name: string;
}
interface CustomerRow {
  id: number;
  tenantId: number;
  email: string;
  fullName: string;
  createdAt: Date;
}

/** Counts the statements a queryable runs, to prove batching. */
function counting(db: SqlQueryable): SqlQueryable & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    query: (text, params) => {
      statements.push(text);
      return db.query(text, params);
    },
  };
}

function factoriesOn(db: SqlQueryable) {
  const Tenant = defineFactory('tenant')
    .attr('name', ({ faker }) => faker.company.name())
    .persistWith(sqlAdapter<TenantRow>(db, { table: 'tenants' }))
    .asTenant();
  const Customer = defineFactory('customer')
    .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
    .attr(
      'email',
      sequence((n) => `customer${n}@example.test`),
    )
    .attr('fullName', ({ faker }) => faker.person.fullName())
    .persistWith(sqlAdapter<CustomerRow>(db, { table: 'customers' }));
  const Line = defineFactory('invoiceLine')
    .attr('invoiceId', 0)
    .attr('amountCents', ({ faker }) => faker.number.int({ min: 1, max: 500 }))
    .persistWith(sqlAdapter<{ id: number; invoiceId: number; amountCents: number }>(db, { table: 'invoice_lines' }));
  const Invoice = defineFactory('invoice')
    .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
    .belongsTo('customerId', Customer, (customer) => customer.id)
    .hasMany('lines', Line, { inverse: 'invoiceId', count: 3 })
    .persistWith(sqlAdapter<{ id: number; tenantId: number; customerId: number; totalCents: number }>(db, { table: 'invoices' }));
  return { Tenant, Customer, Invoice };
}

describe.each([
  ['PGlite', 'pglite'],
  ['a pg Pool (PGlite served on 127.0.0.1)', 'pool'],
] as const)('sqlAdapter on %s', (_label, kind) => {
  let pglite: PGlite;
  let server: PGLiteSocketServer | undefined;
  let pool: pg.Pool | undefined;
  let db: ReturnType<typeof counting>;

  beforeAll(async () => {
    pglite = await PGlite.create();
    await pglite.exec(SCHEMA);
    if (kind === 'pool') {
      server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 1 });
      await server.start();
      const port = server.getServerConn().split(':').at(-1);
      pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, max: 1 });
    }
    db = counting(pool ?? pglite);
  });

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
    await pglite?.close();
  });

  beforeEach(() => {
    db.statements.length = 0;
  });

  it('should insert a row and return what the database assigned', async () => {
    const { Customer } = factoriesOn(db);

    const customer = await Customer.create({ fullName: 'Ann Lee' });

    expect(customer).toEqual({
      id: expect.any(Number),
      tenantId: expect.any(Number),
      email: expect.stringMatching(/^customer\d+@example\.test$/),
      fullName: 'Ann Lee',
      createdAt: expect.any(Date),
    });
    const stored = await db.query('SELECT full_name FROM customers WHERE id = $1', [customer.id]);
    expect(stored.rows).toEqual([{ full_name: 'Ann Lee' }]);
  });

  it('should insert createList in ONE statement', async () => {
    const { Tenant, Customer } = factoriesOn(db);
    const tenant = await Tenant.create();
    db.statements.length = 0;

    const customers = await Customer.createList(5, { tenantId: tenant.id });

    expect(db.statements.filter((text) => text.startsWith('INSERT INTO "customers"'))).toHaveLength(1);
    expect(db.statements).toHaveLength(1);
    expect(new Set(customers.map((customer) => customer.id)).size).toBe(5);
  });

  it('should insert the parents of a createList table by table, one statement each', async () => {
    const { Invoice } = factoriesOn(db);

    const invoices = await Invoice.createList(100, { lines: 0 });

    expect(db.statements.map((text) => text.split(' (')[0])).toEqual([
      'INSERT INTO "tenants"',
      'INSERT INTO "customers"',
      'INSERT INTO "invoices"',
    ]);
    expect(new Set(invoices.map((invoice) => invoice.customerId)).size).toBe(100);
    const customers = await db.query('SELECT id, tenant_id FROM customers WHERE id = ANY($1)', [
      invoices.map((invoice) => invoice.customerId),
    ]);
    const tenantOf = new Map((customers.rows as Array<{ id: number; tenant_id: number }>).map((row) => [row.id, row.tenant_id]));
    expect(invoices.every((invoice) => tenantOf.get(invoice.customerId) === invoice.tenantId)).toBe(true);
  });

  it('should create parents first and children after, in one graph with one tenant', async () => {
    const { Invoice } = factoriesOn(db);

    const invoice = await Invoice.create();

    expect(db.statements.map((text) => text.split(' (')[0])).toEqual([
      'INSERT INTO "tenants"',
      'INSERT INTO "customers"',
      'INSERT INTO "invoices"',
      'INSERT INTO "invoice_lines"',
    ]);
    const lines = await db.query('SELECT invoice_id FROM invoice_lines WHERE invoice_id = $1', [invoice.id]);
    expect(lines.rows).toHaveLength(3);
    const customer = await db.query('SELECT tenant_id FROM customers WHERE id = $1', [invoice.customerId]);
    expect(customer.rows).toEqual([{ tenant_id: invoice.tenantId }]);
  });

  it('should create every row of a tenant scope under that tenant', async () => {
    const { Tenant, Invoice } = factoriesOn(db);
    const tenant = await Tenant.create({ name: 'Scoped' });

    const invoices = await withTenant(tenant, () => Invoice.createList(2));

    expect(invoices.map((invoice) => invoice.tenantId)).toEqual([tenant.id, tenant.id]);
    const tenants = await db.query('SELECT count(*)::int AS n FROM tenants WHERE name = $1', ['Scoped']);
    expect(tenants.rows).toEqual([{ n: 1 }]);
  });

  it('should verify by creating every combination inside one rolled-back transaction, reporting each refused row', async () => {
    const { Tenant, Customer, Invoice } = factoriesOn(db);
    const Nameless = Customer.trait('nameless', { fullName: null as unknown as string }).trait('vip', { fullName: 'V. I. P.' });
    const counts = async (): Promise<unknown[]> =>
      (
        await db.query(
          'SELECT (SELECT count(*) FROM tenants)::int AS t, (SELECT count(*) FROM customers)::int AS c, (SELECT count(*) FROM invoices)::int AS i, (SELECT count(*) FROM invoice_lines)::int AS l',
        )
      ).rows;
    const before = await counts();
    db.statements.length = 0;

    const report = await verifyFactories({
      strategy: 'create',
      into: kind === 'pool' ? pool! : pglite,
      factories: [Tenant, Invoice, Nameless],
      throwOnFailure: false,
    });

    expect(report.checked).toBe(1 + 1 + 4);
    // Later traits win: with vip after nameless the name is set again.
    expect(report.failures.map((failure) => failure.traits)).toEqual([['nameless']]);
    expect(report.failures[0]!.message).toContain('null value in column "full_name"');
    expect(db.statements).toEqual([]);
    expect(await counts()).toEqual(before);
    await expect(Tenant.create()).resolves.toMatchObject({ id: expect.any(Number) });
  });

  it('should return the fields of an explicit column map under their own names', async () => {
    const Person = defineFactory('person')
      .attr('name', 'Ann')
      .attr('nickName', 'A')
      .persistWith(sqlAdapter<{ id: number; name: string; nickName: string }>(db, { table: 'people', columns: { name: 'full_name' } }));

    const person = await Person.create();
    const people = await Person.createList(2, (index) => ({ name: `P${index}` }));

    expect(person).toEqual({ id: expect.any(Number), name: 'Ann', nickName: 'A', label: 'default label' });
    expect(people.map((row) => row.name)).toEqual(['P0', 'P1']);
    const stored = await db.query('SELECT full_name FROM people WHERE id = $1', [person.id]);
    expect(stored.rows).toEqual([{ full_name: 'Ann' }]);
  });

  it('should create a list of rows that take every column from its DEFAULT, in one statement', async () => {
    const Thing = defineFactory('thing').persistWith(sqlAdapter<{ id: number; createdAt: Date }>(db, { table: 'things' }));

    const one = await Thing.create();
    db.statements.length = 0;
    const things = await Thing.createList(3);

    expect(db.statements).toHaveLength(1);
    expect(things).toHaveLength(3);
    expect(new Set([one.id, ...things.map((thing) => thing.id)]).size).toBe(4);
    expect(things.every((thing) => thing.createdAt instanceof Date)).toBe(true);
  });

  it('should never insert omitted fields, letting the column DEFAULT apply', async () => {
    const Person = defineFactory('personWithLabel')
      .attr('fullName', 'Omit Test')
      .attr('label', 'computed by the app')
      .persistWith(sqlAdapter<{ id: number; fullName: string; label: string }>(db, { table: 'people', omit: ['label'] }));

    const person = await Person.create();

    expect(person.label).toBe('default label');
    expect(db.statements.at(-1)).not.toContain('"label"');
  });

  it('should split a createList into INSERTs of at most batchSize rows, keeping the order', async () => {
    const Person = defineFactory('batchedPerson')
      .attr('fullName', ({ index }) => `Batched ${index}`)
      .persistWith(sqlAdapter<{ id: number; fullName: string }>(db, { table: 'people', batchSize: 2 }));

    const people = await Person.createList(5);

    expect(db.statements.filter((text) => text.startsWith('INSERT INTO "people"'))).toHaveLength(3);
    expect(db.statements.map((text) => (text.match(/\(\$\d+\)/g) ?? []).length)).toEqual([2, 2, 1]);
    expect(people.map((person) => person.fullName)).toEqual(['Batched 0', 'Batched 1', 'Batched 2', 'Batched 3', 'Batched 4']);
  });

  it('should name the table and the columns when the database refuses a row', async () => {
    const { Customer } = factoriesOn(db);
    const first = await Customer.create();

    const duplicate = Customer.create({ email: first.email });

    await expect(duplicate).rejects.toMatchObject({
      code: 'FACTORIES_PERSIST_FAILED',
      message: expect.stringContaining('Failed to insert 1 "customer" row into customers: duplicate key value violates unique constraint'),
    });
  });
});

describe('verifyFactories into a database that is not running', () => {
  let url: string;

  beforeAll(async () => {
    // A port nothing listens on: taken from the system, then freed.
    const server = createServer();
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((closed) => server.close(() => closed()));
    url = `postgres://admin:hunter2@127.0.0.1:${port}/app`;
  });

  it('should fail with a stable code naming the masked URL and what to do, keeping the connection error as cause', async () => {
    // Arrange
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2_000 });
    const Thing = defineFactory('unreachable-thing').attr('label', 'x');

    // Act
    const failure = await verifyFactories({ strategy: 'create', into: pool, factories: [Thing] }).then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string; cause?: { code?: string } },
    );
    await pool.end();

    // Assert
    expect(failure?.code).toBe('FACTORIES_DATABASE_UNREACHABLE');
    const masked = url.replace('hunter2', '***');
    expect(failure?.message).toContain(
      `[factories] Failed to verify factories by creating them in the database at ${masked}: could not open a transaction there:`,
    );
    expect(failure?.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+\. Start the database, or point the pool at a running one/);
    expect(failure?.message).toContain("to check the factories without a database, pass into: 'memory'.");
    expect(failure?.cause?.code).toBe('ECONNREFUSED');
    expect(failure?.message).not.toContain('hunter2');
  });
});
