/**
 * contract-helpers benchmarks, side by side in one process (run against the BUILT package):
 *
 * 1. a strict schema assertion (`toMatchSchema`, called as Jest calls it) vs a raw, precompiled
 *    ajv 8 (2020-12) validation of the same order: target <= 1.5x;
 * 2. an assertion with an equal schema in a new object (content-hash cache hit) vs the first
 *    compile of a schema: target < 5%;
 *    The target is measured on a JSON Schema; a zod 4 schema of the same order is reported
 *    separately (zod parses the value too, then the strict check runs on its JSON Schema), against
 *    zod's own `safeParse`;
 * 3. a consumer pact run with 500 interactions vs 50: per-interaction cost, target <= 1.5x; raw
 *    PactV4 (`executeTest` writes and merges the whole file every time) measured alongside.
 *
 * @example
 * npm run build -w packages/contract-helpers && npm run bench:contract-helpers -w bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toMatchSchema } from '@proving-ground/contract-helpers';
import { consumerPact } from '@proving-ground/contract-helpers/pact';

process.env.PACT_DO_NOT_TRACK = 'true';
const { PactV4 } = await import('@pact-foundation/pact');

const orderSchema = () => ({
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { enum: ['open', 'paid', 'shipped'] },
    customer: { type: 'object', properties: { name: { type: 'string' }, tier: { type: 'integer', minimum: 0 } }, required: ['name'] },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string', pattern: '^[A-Z]+-\\d+$' },
          quantity: { type: 'integer', minimum: 1 },
          unitPriceCents: { type: 'integer' },
        },
        required: ['sku', 'quantity'],
      },
    },
    totalCents: { type: 'integer' },
  },
  required: ['id', 'status', 'lines'],
});
const order = {
  id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
  status: 'paid',
  customer: { name: 'Ann', tier: 2 },
  lines: Array.from({ length: 8 }, (_, index) => ({ sku: `SKU-${index}`, quantity: index + 1, unitPriceCents: 199 })),
  totalCents: 7164,
};

// 1. strict assertion vs raw precompiled ajv
// The same format checks as the package (ajv-formats), or the raw side skips the uuid check.
const addFormats = createRequire(import.meta.url)('ajv-formats');
const rawAjv = new Ajv2020({ strict: false });
addFormats(rawAjv);
const rawValidate = rawAjv.compile(orderSchema());
const schema = orderSchema();
if (!toMatchSchema.call(undefined, order, schema).pass || !rawValidate(order)) throw new Error('the order must be valid for both');
const assertion = new Bench({ time: 1000 });
assertion.add('raw precompiled ajv', () => rawValidate(order));
assertion.add('toMatchSchema (strict)', () => toMatchSchema.call(undefined, order, schema));
await assertion.run();
const [raw, strict] = assertion.tasks.map((task) => task.result.latency.mean);

// 1b. the same order as a zod 4 schema (zod is hoisted from packages/contract-helpers' devDependencies)
const { z } = await import('zod');
const zodOrder = z.object({
  id: z.uuid(),
  status: z.enum(['open', 'paid', 'shipped']),
  customer: z.object({ name: z.string(), tier: z.number().int().min(0).optional() }).optional(),
  lines: z.array(
    z.object({ sku: z.string().regex(/^[A-Z]+-\d+$/), quantity: z.number().int().min(1), unitPriceCents: z.number().int().optional() }),
  ),
  totalCents: z.number().int().optional(),
});
const zodRun = toMatchSchema.call(undefined, order, zodOrder);
const zodBench = new Bench({ time: 1000 });
zodBench.add('zod safeParse', () => zodOrder.safeParse(order));
zodBench.add('toMatchSchema (strict, zod)', () => toMatchSchema.call(undefined, order, zodOrder));
await zodBench.run();
const [zodParse, zodStrict] = zodBench.tasks.map((task) => task.result.latency.mean);

// 2. equal-but-new schema vs first compile
let variant = 0;
const compile = new Bench({ time: 1000 });
compile.add('first compile (new content each time)', () =>
  toMatchSchema.call(undefined, order, { ...orderSchema(), description: `v${variant++}` }),
);
compile.add('equal schema, new object (cache hit)', () => toMatchSchema.call(undefined, order, orderSchema()));
await compile.run();
const [firstCompile, cacheHit] = compile.tasks.map((task) => task.result.latency.mean);

// 3. pact: per-interaction cost at 50 and 500 interactions
async function oursPerInteraction(count) {
  const dir = mkdtempSync(join(tmpdir(), 'pg-pact-bench-'));
  const pact = consumerPact({ consumer: 'bench', provider: `ours-${count}`, dir, autoWrite: false, logLevel: 'error' });
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    await pact
      .addInteraction()
      .uponReceiving(`request ${index}`)
      .withRequest('GET', `/items/${index}`)
      .willRespondWith(200, (response) => response.jsonBody({ id: index }))
      .executeTest(async (server) => (await fetch(`${server.url}/items/${index}`)).json());
  }
  pact.write();
  const elapsed = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  return elapsed / count;
}
async function rawPerInteraction(count) {
  const dir = mkdtempSync(join(tmpdir(), 'pg-pact-bench-'));
  const pact = new PactV4({ consumer: 'bench', provider: `raw-${count}`, dir, logLevel: 'error' });
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    await pact
      .addInteraction()
      .uponReceiving(`request ${index}`)
      .withRequest('GET', `/items/${index}`)
      .willRespondWith(200, (response) => response.jsonBody({ id: index }))
      .executeTest(async (server) => (await fetch(`${server.url}/items/${index}`)).json());
  }
  const elapsed = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  return elapsed / count;
}
await oursPerInteraction(10);
const ours50 = await oursPerInteraction(50);
const ours500 = await oursPerInteraction(500);
const raw50 = await rawPerInteraction(50);
const raw300 = await rawPerInteraction(300);

const ms = (value) => `${value.toFixed(4)} ms`;
console.log(`strict toMatchSchema ${ms(strict)} vs raw precompiled ajv ${ms(raw)}: ${(strict / raw).toFixed(2)}x (target <= 1.5x)`);
console.log(
  zodRun.pass
    ? `strict toMatchSchema on zod ${ms(zodStrict)} vs zod safeParse ${ms(zodParse)}: ${(zodStrict / zodParse).toFixed(2)}x, vs raw ajv ${(zodStrict / raw).toFixed(2)}x (no target)`
    : `zod order rejected (schema differs from the JSON Schema one): ${zodRun.message().split('\n').slice(0, 4).join(' | ')}`,
);
console.log(
  `equal-but-new schema ${ms(cacheHit)} vs first compile ${ms(firstCompile)}: ${((cacheHit / firstCompile) * 100).toFixed(2)}% (target < 5%)`,
);
console.log(`consumerPact per interaction: 50 -> ${ms(ours50)}, 500 -> ${ms(ours500)}: ${(ours500 / ours50).toFixed(2)}x (target <= 1.5x)`);
console.log(`raw PactV4 per interaction: 50 -> ${ms(raw50)}, 300 -> ${ms(raw300)}: ${(raw300 / raw50).toFixed(2)}x (for comparison)`);
