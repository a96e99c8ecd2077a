// Type-level tests of the public API: `tsc --noEmit` (part of `npm test`) fails when an expectation breaks.
import * as fc from 'fast-check';
import {
  cycle,
  defineFactory,
  memoryAdapter,
  resetSequences,
  sequence,
  verifyFactories,
  type BuiltOf,
  type CreatedOf,
  type FactoryName,
  type FactoryNameOf,
  type OverridesOf,
  type VerifyReport,
} from '@proving-ground/factories';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const Address = defineFactory('address')
  .attr('city', ({ faker }) => faker.location.city())
  .attr('zip', '1000');

const Tenant = defineFactory('tenant')
  .attr('name', 'Acme')
  .persistWith(memoryAdapter({ assign: (row: { name: string }, position) => ({ id: position + 1, ...row }) }))
  .asTenant();

const Line = defineFactory('line')
  .attr('orderId', 0)
  .attr('quantity', fc.integer({ min: 1, max: 9 }));

const User = defineFactory('user')
  .sequence('id')
  .belongsTo('tenantId', Tenant, (tenant) => tenant.id)
  .attr('name', ({ faker }) => faker.person.fullName())
  .attr('email', ['name'], ({ name }) => `${name}@example.test`)
  .attr('role', 'member' as 'member' | 'admin')
  .attr('status', cycle(['active', 'locked'] as const))
  .attr(
    'handle',
    sequence((n) => `user-${n}`),
  )
  .attr('joinedAt', new Date(0))
  .attr('address', Address)
  .transient('shout', false)
  .hasMany('lines', Line, { inverse: 'orderId' })
  .trait('admin', { role: 'admin' })
  .trait('level', (level: number) => ({ name: `level ${level}` }));

type User = BuiltOf<typeof User>;

expectType<
  Equal<
    User,
    {
      id: number;
      // Built, not created: the tenant's id is assigned by its store, so build() leaves it undefined.
      tenantId: number | undefined;
      name: string;
      email: string;
      role: 'member' | 'admin';
      status: 'active' | 'locked';
      handle: string;
      joinedAt: Date;
      address: { city: string; zip: string };
      lines: Array<{ orderId: number; quantity: number }>;
    }
  >
>();

// Created objects: the adapter's type (the database-assigned id of the tenant), with created children.
expectType<Equal<CreatedOf<typeof Tenant>, { id: number; name: string }>>();
expectType<Equal<CreatedOf<typeof User>['lines'], Array<{ orderId: number; quantity: number }>>>();

// Overrides: every field optional, dates and arrays as whole values, nested factories take their overrides.
const overrides: OverridesOf<typeof User> = { joinedAt: new Date(), address: { city: 'Lisbon' }, lines: [{ quantity: 2 }] };
User.build(overrides);
User.build({ lines: 3, tenantId: 4 });
User.build({ role: 'admin' }, { traits: ['admin', ['level', 2]], transient: { shout: true } });

// @ts-expect-error an unknown field
User.build({ nmae: 'x' });
// @ts-expect-error a value of the wrong type
User.build({ role: 'owner' });
// @ts-expect-error an unknown trait
User.build({}, { traits: ['admn'] });
// @ts-expect-error a parameterized trait without its parameter
User.build({}, { traits: ['level'] });
// @ts-expect-error a trait parameter of the wrong type
User.build({}, { traits: [['level', 'high']] });
// @ts-expect-error an unknown transient parameter
User.build({}, { transient: { whisper: true } });
// @ts-expect-error a nested override with an unknown field
User.build({ address: { town: 'Lisbon' } });
const Base = defineFactory('x').attr('a', 1);
// @ts-expect-error a dependency on a field not declared before
Base.attr('b', ['c'], () => 2);
// @ts-expect-error a trait setting an unknown field
defineFactory('x').attr('a', 1).trait('t', { b: 2 });

// Builders widen number literals (overridable with any number) and keep unions of string literals.
const Widened = defineFactory('widened')
  .attr('total', () => 100)
  .transient('vip', false)
  .attr('discount', ['vip'], ({ vip }) => (vip ? 10 : 0))
  .attr('tier', ({ faker }) => (faker.datatype.boolean() ? 'gold' : 'none'))
  .hasMany('lines', Line, { inverse: 'orderId' })
  .trait('big', { lines: 10, total: 5 });
expectType<Equal<BuiltOf<typeof Widened>['total'], number>>();
expectType<Equal<BuiltOf<typeof Widened>['discount'], number>>();
expectType<Equal<BuiltOf<typeof Widened>['tier'], 'gold' | 'none'>>();
Widened.build({ total: 250, discount: 15 });
// @ts-expect-error a string outside the union
Widened.build({ tier: 'silver' });

const admins: User[] = User.with('admin').buildList(2);
const arbitrary: fc.Arbitrary<User> = User.arbitrary({ name: 'fixed' });
export { admins, arbitrary };

// Factory names are literal types; registered factories (examples/factories.ts registers its four)
// type every name the package accepts.
expectType<Equal<FactoryNameOf<typeof User>, 'user'>>();
expectType<Equal<FactoryName, 'tenant' | 'user' | 'orderLine' | 'order'>>();
const report: VerifyReport = verifyFactories({ factories: ['user', 'orderLine', Tenant, Line] });
const created: Promise<VerifyReport> = verifyFactories({ strategy: 'create', into: 'memory', factories: ['tenant'] });
resetSequences('tenant');
resetSequences(Line);
// @ts-expect-error a misspelled factory name
void verifyFactories({ factories: ['usr'] });
// @ts-expect-error a factory that is defined but not registered
void verifyFactories({ factories: ['line'] });
// @ts-expect-error a misspelled factory name
resetSequences('tenat');
// @ts-expect-error verifying by creating returns a promise, not a report
const notAReport: VerifyReport = verifyFactories({ strategy: 'create' });

// Misspelled trait names wherever a trait is named.
// @ts-expect-error a misspelled trait in with()
User.with('admn');
// @ts-expect-error a misspelled trait in include
User.trait('owner', { role: 'admin' }, { include: ['admn'] });
// @ts-expect-error a misspelled trait of a list
User.buildList(2, {}, { traits: ['admn'] });
// @ts-expect-error a misspelled trait of an arbitrary
User.arbitrary({}, { traits: ['admn'] });

// Misspelled field names wherever a field is named.
// @ts-expect-error a misspelled field returned by per-item overrides
User.buildList(2, () => ({ nmae: 'x' }));
// @ts-expect-error a misspelled field of createList
void User.createList(2, { nmae: 'x' });
// @ts-expect-error a misspelled field returned by a parameterized trait
User.trait('named', (name: string) => ({ nmae: name }));
// @ts-expect-error a misspelled inverse field of hasMany
defineFactory('basket').hasMany('lines', Line, { inverse: 'ordrId' });
// @ts-expect-error a misspelled field of arbitrary()
User.arbitrary({ nmae: 'x' });
// @ts-expect-error a misspelled field of a hasMany child override
User.build({ lines: [{ quantty: 2 }] });

export { report, created, notAReport };

// An override that is undefined type-checks (optional fields accept undefined) and counts as not given:
// the built field keeps its declared type, never `string | undefined`.
const withUndefinedName = User.build({ name: undefined });
expectType<Equal<typeof withUndefinedName.name, string>>();
void withUndefinedName.name;

// belongsTo picks read the built parent during build(): a key only the store assigns is optional there,
// a key the factory builds keeps its type, and a whole parent is the built one with the stored fields optional.
const Member = defineFactory('member')
  .attr('email', 'member@example.test')
  .persistWith(memoryAdapter({ assign: (row: { email: string }, position) => ({ id: position + 1, ...row }) }));
const Ticket = defineFactory('ticket')
  .belongsTo('memberId', Member, (member) => member.id)
  .belongsTo('memberEmail', Member, (member) => member.email)
  .belongsTo('member', Member);
const ticket = Ticket.build();
export { ticket };
expectType<Equal<typeof ticket.memberId, number | undefined>>();
expectType<Equal<typeof ticket.memberEmail, string>>();
expectType<Equal<typeof ticket.member, { email: string; id?: number }>>();
// @ts-expect-error the id is undefined until the member is created
const memberId: number = Ticket.build().memberId;
export { memberId };
// Created rows hold the key picked from the created parent: an adapter typed with it is accepted.
const StoredTicket = defineFactory('storedTicket')
  .belongsTo('memberId', Member, (member) => member.id)
  .persistWith(memoryAdapter({ assign: (row: { memberId: number }, position) => ({ id: position + 1, ...row }) }));
expectType<Equal<CreatedOf<typeof StoredTicket>, { id: number; memberId: number }>>();
expectType<Equal<BuiltOf<typeof StoredTicket>['memberId'], number | undefined>>();
export { StoredTicket };
