import { describe, expect, it, jest } from '@jest/globals';
import { defineFactory } from './define.js';
import { isFactoriesError } from '../errors.js';
import { sequence } from '../fields.js';
import { DEFAULT_SEQUENCE_BLOCK } from '../sequences.js';

const Address = defineFactory('address')
  .attr('street', ({ faker }) => faker.location.streetAddress())
  .attr('city', ({ faker }) => faker.location.city())
  .attr('tags', ['home']);

const User = defineFactory('user')
  .sequence('id')
  .attr('name', ({ faker }) => faker.person.fullName())
  .attr('email', ['name'], ({ name }) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.test`)
  .attr('role', 'member' as 'member' | 'admin')
  .attr('level', 0)
  .attr('address', Address)
  .attr('createdAt', ({ faker }) => faker.date.past())
  .transient('shout', false)
  .trait('admin', { role: 'admin', level: 10 })
  .trait('loud', { shout: true })
  .trait('level', (level: number) => ({ level }))
  .trait('superAdmin', { level: 99 }, { include: ['admin'] })
  .afterBuild((user, { transient }) => {
    if (transient['shout'] === true) user.name = user.name.toUpperCase();
  });

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}

describe('defineFactory', () => {
  it('should build every declared field with its declared kind of value', () => {
    const user = User.build();

    expect(user).toEqual({
      id: expect.any(Number),
      name: expect.any(String),
      email: expect.stringMatching(/@example\.test$/),
      role: 'member',
      level: 0,
      address: { street: expect.any(String), city: expect.any(String), tags: ['home'] },
      createdAt: expect.any(Date),
    });
    expect(user).not.toHaveProperty('shout');
  });

  it('should compute a dependent field from the override of the field it depends on', () => {
    const user = User.build({ name: 'Ann Lee' });

    expect(user.email).toBe('ann.lee@example.test');
  });

  it('should never call the builder of an overridden field', () => {
    let calls = 0;
    const Counted = defineFactory('counted').attr('value', () => {
      calls++;
      return 1;
    });

    Counted.build({ value: 5 });
    Counted.buildList(3, { value: 6 });

    expect(calls).toBe(0);
  });

  it('should not share mutable defaults between builds', () => {
    const first = User.build();
    first.address.tags.push('mutated');
    const firstDefault = Address.build();

    const second = User.build();

    expect(second.address.tags).toEqual(['home']);
    expect(firstDefault.tags).toEqual(['home']);
  });

  it('should copy nested objects, arrays, dates, maps and sets of constants, transients and traits for every build', () => {
    const Profile = defineFactory('profile')
      .attr('settings', { theme: { dark: true }, tags: ['a'] })
      .attr('joinedAt', new Date('2024-01-01T00:00:00Z'))
      .attr('scores', new Map([['math', { best: 1 }]]))
      .attr('roles', new Set(['reader']))
      .transient('extra', { notes: [] as string[] })
      .attr('notes', ['extra'], ({ extra }) => extra.notes)
      .trait('tagged', { settings: { theme: { dark: false }, tags: ['t'] } });
    const first = Profile.build();
    const firstTagged = Profile.build(undefined, { traits: ['tagged'] });
    first.settings.theme.dark = false;
    first.settings.tags.push('leaked');
    first.joinedAt.setFullYear(1999);
    first.scores.get('math')!.best = 99;
    first.roles.add('admin');
    first.notes.push('leaked');
    firstTagged.settings.tags.push('leaked');

    const second = Profile.build();
    const secondTagged = Profile.build(undefined, { traits: ['tagged'] });

    expect(second).toEqual({
      settings: { theme: { dark: true }, tags: ['a'] },
      joinedAt: new Date('2024-01-01T00:00:00Z'),
      scores: new Map([['math', { best: 1 }]]),
      roles: new Set(['reader']),
      notes: [],
    });
    expect(secondTagged.settings.tags).toEqual(['t']);
  });

  it('should copy an override given to a list, so the items share nothing', () => {
    const Box = defineFactory('box').attr('items', [] as string[]);

    const [first, second] = Box.buildList(2, { items: ['x'] });
    first!.items.push('leaked');

    expect(second!.items).toEqual(['x']);
  });

  it('should pass a nested override to the nested factory and keep its other fields', () => {
    const user = User.build({ address: { city: 'Lisbon' } });

    expect(user.address.city).toBe('Lisbon');
    expect(user.address.street).toEqual(expect.any(String));
  });

  it('should replace arrays and dates as whole values', () => {
    const when = new Date('2024-02-03T04:05:06Z');

    const user = User.build({ createdAt: when, address: { tags: [] } });

    expect(user.createdAt).toEqual(when);
    expect(user.address.tags).toEqual([]);
  });

  it('should apply traits in order under explicit overrides', () => {
    const admin = User.build(undefined, { traits: ['admin'] });
    const leveled = User.build({ role: 'member' }, { traits: ['admin', ['level', 3]] });
    const superAdmin = User.build(undefined, { traits: ['superAdmin'] });

    expect([admin.role, admin.level]).toEqual(['admin', 10]);
    expect([leveled.role, leveled.level]).toEqual(['member', 3]);
    expect([superAdmin.role, superAdmin.level]).toEqual(['admin', 99]);
  });

  it('should preset traits with with()', () => {
    const Admin = User.with('admin');

    expect(Admin.build().role).toBe('admin');
    expect(Admin.build(undefined, { traits: [['level', 4]] }).level).toBe(4);
  });

  it('should shape the object with a transient parameter that is not in it', () => {
    const quiet = User.build({ name: 'Ann' });
    const loud = User.build({ name: 'Ann' }, { transient: { shout: true } });
    const loudTrait = User.build({ name: 'Bob' }, { traits: ['loud'] });

    expect(quiet.name).toBe('Ann');
    expect(loud.name).toBe('ANN');
    expect(loudTrait.name).toBe('BOB');
    expect(loud).not.toHaveProperty('shout');
  });

  it('should let afterBuild replace the object', () => {
    const Boxed = defineFactory('boxed')
      .attr('value', 1)
      .afterBuild((object) => ({ value: object.value + 1 }));

    expect(Boxed.build()).toEqual({ value: 2 });
  });

  it('should build lists with per-item overrides', () => {
    const users = User.buildList(3, (index) => ({ level: index }));

    expect(users.map((user) => user.level)).toEqual([0, 1, 2]);
    expect(new Set(users.map((user) => user.id)).size).toBe(3);
  });
});

describe('an override that is undefined', () => {
  it('should count as not given, so the field keeps its default and its dependents stay sound', () => {
    const Person = defineFactory('person')
      .attr('name', 'Ann')
      .attr('email', ['name'], ({ name }) => `${name.toLowerCase()}@example.test`);

    const person = Person.build({ name: undefined });

    expect(person).toEqual({ name: 'Ann', email: 'ann@example.test' });
  });

  it('should still let a hasMany child of a built parent without a key hold an undefined inverse key', () => {
    const Line = defineFactory('undefinedLine').attr('orderId', 0 as number | undefined);
    const Order = defineFactory('undefinedOrder').hasMany('lines', Line, { inverse: 'orderId', count: 1 });

    const order = Order.build({ lines: undefined });

    expect(order.lines).toEqual([{ orderId: undefined }]);
  });
});

describe('a constant class instance', () => {
  class Money {
    constructor(public cents: number) {}
  }

  it('should be shared by every build as documented, with a warning saying how to get a fresh one', () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const Priced = defineFactory('priced').attr('price', new Money(5));
      const Fresh = defineFactory('fresh').attr('price', () => new Money(5));
      const Frozen = defineFactory('frozen').attr('price', Object.freeze(new Money(5)));

      const [first, second] = Priced.buildList(2);
      const [fresh1, fresh2] = Fresh.buildList(2);

      expect(first!.price).toBe(second!.price);
      expect(fresh1!.price).not.toBe(fresh2!.price);
      expect(fresh1!.price).toBeInstanceOf(Money);
      expect(Frozen.build().price.cents).toBe(5);
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]![1]).toEqual({ code: 'FACTORIES_SHARED_INSTANCE' });
      expect(emit.mock.calls[0]![0]).toContain(
        `[factories] "priced.price" is a constant Money instance: constants are copied for every build, but class instances are kept as they are, so every build shares this one. Declare attr('price', () => new Money(...))`,
      );
    } finally {
      emit.mockRestore();
    }
  });
});

describe('defineFactory errors', () => {
  it('should name the factory, the unknown field and the valid fields', () => {
    const error = thrown(() => User.build({ nmae: 'x' } as never));

    expect(isFactoriesError(error)).toBe(true);
    expect(error.code).toBe('FACTORIES_UNKNOWN_FIELD');
    expect(error.message).toContain('Failed to build "user": unknown field "nmae" (did you mean "name"?)');
    expect(error.message).toContain('"id", "name", "email"');
  });

  it('should report overrides that are not an object as invalid overrides', () => {
    const error = thrown(() => User.build('Ann' as never));
    const list = thrown(() => User.build(['Ann'] as never));

    expect(error.code).toBe('FACTORIES_INVALID_OVERRIDES');
    expect(error.message).toBe(
      '[factories] Failed to build "user": overrides must be an object of field values, got a string. Pass build({ field: value }), or nothing.',
    );
    expect(list.code).toBe('FACTORIES_INVALID_OVERRIDES');
  });

  it('should name the factory, the unknown trait and the valid traits', () => {
    const error = thrown(() => User.build(undefined, { traits: ['admn' as never] }));

    expect(error.code).toBe('FACTORIES_UNKNOWN_TRAIT');
    expect(error.message).toBe(
      '[factories] Failed to build "user": unknown trait "admn" (did you mean "admin"?). Traits of "user": "admin", "loud", "level" and "superAdmin".',
    );
  });

  it('should ask for the parameter of a parameterized trait', () => {
    const error = thrown(() => User.build(undefined, { traits: ['level' as never] }));

    expect(error.message).toContain('trait "level" takes a parameter. Ask for it as ["level", value]');
  });

  it('should report a dependency cycle naming every field in it', () => {
    const Cyclic = defineFactory('cyclic')
      .attr('a', 1)
      .attr('b', ['a'], ({ a }) => a)
      .attr('a', ['b'], ({ b }: { b: number }) => b);

    const error = thrown(() => Cyclic.build());

    expect(error.code).toBe('FACTORIES_DEPENDENCY_CYCLE');
    expect(error.message).toContain('b → a → b');
  });

  it('should report a dependency on an unknown field with a suggestion', () => {
    const Broken = defineFactory('broken')
      .attr('name', 'x')
      .attr('email', ['nmae' as 'name'], ({ name }) => name);

    const error = thrown(() => Broken.build());

    expect(error.code).toBe('FACTORIES_INVALID_DEFINITION');
    expect(error.message).toContain('field "email" depends on unknown "nmae" (did you mean "name"?)');
  });

  it('should never suggest the field that declares the misspelled dependency', () => {
    const Broken = defineFactory('selfish').attr('total', ['totl' as never], () => 1);

    const error = thrown(() => Broken.build());

    expect(error.message).toContain('field "total" depends on unknown "totl"');
    expect(error.message).not.toContain('did you mean "total"');
  });

  it('should refuse a trait that sets an unknown field when it is defined', () => {
    const error = thrown(() =>
      defineFactory('t')
        .attr('role', 'x')
        .trait('admin', { rol: 'admin' } as never),
    );

    expect(error.code).toBe('FACTORIES_INVALID_DEFINITION');
    expect(error.message).toContain('trait "admin" sets unknown field "rol" (did you mean "role"?)');
  });
});

describe('sequence fields of a factory', () => {
  it("should count per factory from the first number of the worker's block", () => {
    // Each Jest worker owns a block of numbers (worker 1 counts from 1, worker 2 from 1,000,001, ...).
    const first = (Number(process.env['JEST_WORKER_ID'] ?? '1') - 1) * DEFAULT_SEQUENCE_BLOCK + 1;
    const Numbered = defineFactory('numbered').attr(
      'n',
      sequence((n) => `n-${n}`),
    );

    expect(Numbered.buildList(3).map((item) => item.n)).toEqual([`n-${first}`, `n-${first + 1}`, `n-${first + 2}`]);
  });
});
