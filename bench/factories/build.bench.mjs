// Objects per second of @proving-ground/factories against raw rosie and fishery, building the same
// 8-field order three ways (constants, six faker calls, six faker calls with two fields overridden),
// a small 5-field object of constants,
// plus the cost of per-field seeding. All libraries run in this one process; run with
// `npm run bench:factories -w bench` after `npm run build -w packages/factories`.
import { Faker, base, en, faker } from '@faker-js/faker';
import { SeededRandom, defineFactory, deriveSeed, hashString } from '@proving-ground/factories';
import { Factory as FisheryFactory } from 'fishery';
import rosie from 'rosie';
import { Bench } from 'tinybench';

const BATCH = 100;
const REF_DATE = new Date('2025-01-01T00:00:00Z');
faker.seed(1);
faker.setDefaultRefDate(REF_DATE);
const STATUSES = ['new', 'paid', 'shipped'];
const OVERRIDES = { name: 'Ann Lee', address: { street: '1 Main St', city: 'Lisbon' } };

// --- constants -------------------------------------------------------------------------------
const rosieConstants = new rosie.Factory()
  .sequence('id')
  .attrs({ tenantId: 't1', name: 'Ann', email: 'ann@example.test', total: 100, status: 'new', createdAt: REF_DATE })
  .attr('address', () => ({ street: '1 Main St', city: 'Lisbon' }));
const fisheryConstants = FisheryFactory.define(({ sequence }) => ({
  id: sequence,
  tenantId: 't1',
  name: 'Ann',
  email: 'ann@example.test',
  total: 100,
  status: 'new',
  createdAt: REF_DATE,
  address: { street: '1 Main St', city: 'Lisbon' },
}));
const oursConstants = defineFactory('order-constants')
  .sequence('id')
  .attr('tenantId', 't1')
  .attr('name', 'Ann')
  .attr('email', 'ann@example.test')
  .attr('total', 100)
  .attr('status', 'new')
  .attr('createdAt', REF_DATE)
  .attr('address', { street: '1 Main St', city: 'Lisbon' });

// --- a small object: five constant fields ---------------------------------------------------
const SMALL = { tenantId: 't1', name: 'Ann', email: 'ann@example.test', total: 100, status: 'new' };
const rosieSmall = new rosie.Factory().attrs(SMALL);
const oursSmall = Object.entries(SMALL).reduce((factory, [field, value]) => factory.attr(field, value), defineFactory('small-constants'));

// --- six faker calls: name, email, total, status, createdAt, address.street ------------------
const rosieFaker = new rosie.Factory()
  .sequence('id')
  .attr('tenantId', 't1')
  .attr('name', () => faker.person.fullName())
  .attr('email', () => faker.internet.email())
  .attr('total', () => faker.number.int({ max: 100_000 }))
  .attr('status', () => faker.helpers.arrayElement(STATUSES))
  .attr('createdAt', () => faker.date.past())
  .attr('address', () => ({ street: faker.location.streetAddress(), city: 'Lisbon' }));
const fisheryFaker = FisheryFactory.define(({ sequence }) => ({
  id: sequence,
  tenantId: 't1',
  name: faker.person.fullName(),
  email: faker.internet.email(),
  total: faker.number.int({ max: 100_000 }),
  status: faker.helpers.arrayElement(STATUSES),
  createdAt: faker.date.past(),
  address: { street: faker.location.streetAddress(), city: 'Lisbon' },
}));
const oursFaker = defineFactory('order-faker')
  .sequence('id')
  .attr('tenantId', 't1')
  .attr('name', (c) => c.faker.person.fullName())
  .attr('email', (c) => c.faker.internet.email())
  .attr('total', (c) => c.faker.number.int({ max: 100_000 }))
  .attr('status', (c) => c.faker.helpers.arrayElement(STATUSES))
  .attr('createdAt', (c) => c.faker.date.past())
  .attr('address', (c) => ({ street: c.faker.location.streetAddress(), city: 'Lisbon' }));

// --- seeding overhead: the same six calls in a plain function, unseeded and reseeded per field --
function plainUnseeded(id) {
  return {
    id,
    tenantId: 't1',
    name: faker.person.fullName(),
    email: faker.internet.email(),
    total: faker.number.int({ max: 100_000 }),
    status: faker.helpers.arrayElement(STATUSES),
    createdAt: faker.date.past(),
    address: { street: faker.location.streetAddress(), city: 'Lisbon' },
  };
}

// The same six calls on a faker reading the factories' PRNG: one stream, or reseeded for every field
// exactly as factories do (derive the build's seed, then each field's). The ratio is the seeding cost alone.
const random = new SeededRandom(1);
const cheap = new Faker({ locale: [en, base], randomizer: random });
cheap.setDefaultRefDate(REF_DATE);
const FIELD_KEYS = ['name', 'email', 'total', 'status', 'createdAt', 'address'].map(hashString);
function sixCalls(id, reseed) {
  const buildSeed = deriveSeed(20_260_101, id);
  const field = (index) => {
    if (reseed) random.state = deriveSeed(buildSeed, FIELD_KEYS[index]);
  };
  field(0);
  const name = cheap.person.fullName();
  field(1);
  const email = cheap.internet.email();
  field(2);
  const total = cheap.number.int({ max: 100_000 });
  field(3);
  const status = cheap.helpers.arrayElement(STATUSES);
  field(4);
  const createdAt = cheap.date.past();
  field(5);
  const address = { street: cheap.location.streetAddress(), city: 'Lisbon' };
  return { id, tenantId: 't1', name, email, total, status, createdAt, address };
}

function times(build) {
  return () => {
    for (let index = 0; index < BATCH; index++) build();
  };
}

const sameShape = [rosieFaker.build(), fisheryFaker.build(), oursFaker.build(), plainUnseeded(1), sixCalls(1, true)].map((order) =>
  Object.keys(order).sort().join(','),
);
if (new Set(sameShape).size !== 1)
  throw new Error(`[bench] Failed to compare: the libraries build different shapes: ${sameShape.join(' | ')}`);

const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 1000), warmupTime: 300 });
let plainId = 0;
bench
  .add(
    'small constants: rosie',
    times(() => rosieSmall.build()),
  )
  .add(
    'small constants: factories',
    times(() => oursSmall.build()),
  )
  .add(
    'constants: rosie',
    times(() => rosieConstants.build()),
  )
  .add(
    'constants: fishery',
    times(() => fisheryConstants.build()),
  )
  .add(
    'constants: factories',
    times(() => oursConstants.build()),
  )
  .add(
    'faker: rosie',
    times(() => rosieFaker.build()),
  )
  .add(
    'faker: fishery',
    times(() => fisheryFaker.build()),
  )
  .add(
    'faker: factories',
    times(() => oursFaker.build()),
  )
  .add(
    'faker+2 overrides: rosie',
    times(() => rosieFaker.build(OVERRIDES)),
  )
  .add(
    'faker+2 overrides: fishery',
    times(() => fisheryFaker.build(OVERRIDES)),
  )
  .add(
    'faker+2 overrides: factories',
    times(() => oursFaker.build(OVERRIDES)),
  )
  .add(
    'seeding: plain faker, unseeded',
    times(() => plainUnseeded(++plainId)),
  )
  .add(
    'seeding: same PRNG, one stream',
    times(() => sixCalls(++plainId, false)),
  )
  .add(
    'seeding: same PRNG, reseeded per field',
    times(() => sixCalls(++plainId, true)),
  );

await bench.run();

const perSecond = Object.fromEntries(bench.tasks.map((task) => [task.name, task.result.throughput.mean * BATCH]));
const rme = Object.fromEntries(bench.tasks.map((task) => [task.name, task.result.throughput.rme]));
for (const [name, value] of Object.entries(perSecond))
  console.log(`${name.padEnd(34)} ${Math.round(value).toLocaleString('en-US').padStart(12)} objects/s  ±${rme[name].toFixed(1)}%`);

const ratio = (a, b) => perSecond[a] / perSecond[b];
const rows = [
  ['small constants (5 fields): raw rosie / factories (slowdown)', ratio('small constants: rosie', 'small constants: factories'), '<= 1.2'],
  ['constants (8 fields): raw rosie / factories (slowdown)', ratio('constants: rosie', 'constants: factories'), '<= 1.2'],
  ['faker: fishery / factories (slowdown)', ratio('faker: fishery', 'faker: factories'), 'n/a'],
  ['faker+2 overrides: factories / fishery (speed-up)', ratio('faker+2 overrides: factories', 'faker+2 overrides: fishery'), '>= 1.5'],
  ['faker+2 overrides: factories / raw rosie', ratio('faker+2 overrides: factories', 'faker+2 overrides: rosie'), 'n/a'],
  [
    'seeding alone: same PRNG one stream / reseeded per field (overhead)',
    ratio('seeding: same PRNG, one stream', 'seeding: same PRNG, reseeded per field'),
    '<= 1.1',
  ],
  ['seeding in use: raw rosie + unseeded faker / factories (overhead)', ratio('faker: rosie', 'faker: factories'), '<= 1.1'],
  ['seeding in use: plain fn + unseeded faker / factories (overhead)', ratio('seeding: plain faker, unseeded', 'faker: factories'), 'n/a'],
];
console.log('');
for (const [name, value, target] of rows) console.log(`${name.padEnd(72)} ${value.toFixed(2)}x  (target ${target})`);
