import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import { defineFactory, openPGlite, sqlAdapter } from '@proving-ground/factories';

interface ProductRow {
  id: number;
  sku: string;
  priceCents: number;
  createdAt: Date;
}

let db: PGlite;

beforeAll(async () => {
  // openPGlite, not PGlite.create(): it opens in Jest's CommonJS mode too (no --experimental-vm-modules).
  db = await openPGlite<PGlite>();
  await db.exec(`CREATE TABLE products (
    id serial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    price_cents integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
});

afterAll(() => db.close());

// Built: { sku, priceCents }. Created: the row the database returned, id and created_at included.
const Product = defineFactory('product')
  .sequence('sku', (n) => `SKU-${n}`)
  .attr('priceCents', ({ faker }) => faker.number.int({ min: 100, max: 5_000 }))
  .persistWith(sqlAdapter<ProductRow>(() => db, { table: 'products' }));

it('should insert a list in one statement and return database-assigned ids', async () => {
  const products = await Product.createList(3);

  expect(products.map((product) => product.id)).toEqual([1, 2, 3]);
  expect(products[0]!.createdAt).toBeInstanceOf(Date);
});
