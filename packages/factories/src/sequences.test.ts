import { afterEach, describe, expect, it } from '@jest/globals';
import { defineFactory } from './factory/define.js';
import { cycle, sequence, unique } from './fields.js';
import { configureFactories, resetSequences } from './sequences.js';

const Account = defineFactory('account')
  .sequence('id')
  .attr(
    'email',
    sequence((n) => `user${n}@example.test`),
  )
  .attr('status', cycle(['active', 'inactive', 'error'] as const));

describe('sequence', () => {
  const originalWorker = process.env['JEST_WORKER_ID'];

  afterEach(() => {
    process.env['JEST_WORKER_ID'] = originalWorker;
    configureFactories({ sequenceBlock: 1_000_000 });
    resetSequences();
  });

  it('should count 1, 2, 3 in worker 1', () => {
    process.env['JEST_WORKER_ID'] = '1';
    resetSequences();

    const ids = Account.buildList(3).map((account) => account.id);

    expect(ids).toEqual([1, 2, 3]);
  });

  it('should give each Jest worker its own block so parallel workers never collide', () => {
    configureFactories({ sequenceBlock: 1000 });
    process.env['JEST_WORKER_ID'] = '1';
    resetSequences();
    const first = Account.buildList(2).map((account) => account.email);
    resetSequences();
    process.env['JEST_WORKER_ID'] = '3';

    const third = Account.buildList(2).map((account) => account.email);

    expect(first).toEqual(['user1@example.test', 'user2@example.test']);
    expect(third).toEqual(['user2001@example.test', 'user2002@example.test']);
  });

  it('should skip a value an explicit override already used', () => {
    process.env['JEST_WORKER_ID'] = '1';
    resetSequences();
    const explicit = Account.build({ email: 'user2@example.test' });

    const generated = Account.buildList(2).map((account) => account.email);

    expect(explicit.email).toBe('user2@example.test');
    expect(generated).toEqual(['user1@example.test', 'user3@example.test']);
  });

  it('should start again after resetSequences, for one factory or all', () => {
    process.env['JEST_WORKER_ID'] = '1';
    resetSequences();
    Account.buildList(2);
    const Other = defineFactory('other').sequence('n');
    Other.buildList(2);

    resetSequences(Account);

    expect(Account.build().id).toBe(1);
    expect(Other.build().n).toBe(3);
  });

  it('should refuse a block that is not a whole number, naming the option', () => {
    expect(() => configureFactories({ sequenceBlock: 0, refDate: 'nope' })).toThrow(
      '[factories] Failed to configure factories: 2 problems in the options.\n- sequenceBlock: expected a whole number >= 1, got 0.\n- refDate: expected a date or an ISO date string, got "nope".\nFix the options passed to configureFactories().',
    );
  });
});

describe('cycle', () => {
  it('should go round the values in order', () => {
    const statuses = Account.buildList(4).map((account) => account.status);

    expect(statuses).toEqual(['active', 'inactive', 'error', 'active']);
  });
});

describe('unique', () => {
  afterEach(() => resetSequences());

  it('should draw again when a value was used, overrides included', () => {
    const Pick = defineFactory('pick').attr(
      'n',
      unique(({ faker }) => faker.number.int({ min: 1, max: 3 })),
    );
    const explicit = Pick.build({ n: 2 });

    const drawn = Pick.buildList(2).map((item) => item.n);

    expect(explicit.n).toBe(2);
    expect(drawn.sort()).toEqual([1, 3]);
  });

  it('should fail naming the field when the generator runs out of fresh values', () => {
    const Coin = defineFactory('coin').attr(
      'side',
      unique(({ faker }) => faker.helpers.arrayElement(['heads', 'tails']), { attempts: 20 }),
    );
    Coin.buildList(2);

    expect(() => Coin.build()).toThrow(
      expect.objectContaining({ code: 'FACTORIES_UNIQUE_EXHAUSTED', message: expect.stringContaining('unique field "side"') }),
    );
  });
});
