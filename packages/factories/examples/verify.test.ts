import { expect, it } from '@jest/globals';
import { verifyFactories } from '@proving-ground/factories';
import { Order, OrderLine, Tenant, User, users } from './factories.js';

// factory_bot's lint: every factory with every combination of its plain traits, against its schema.
// It throws FACTORIES_INVALID_FACTORIES listing every invalid combination.
it('should build every factory and trait combination validly', () => {
  const report = verifyFactories({ factories: [Tenant, User, OrderLine, Order] });

  expect(report.checked).toBe(6);
  expect(report.skipped).toEqual(['order.discounted']);
});

// The same, creating every combination (parents, children, afterCreate hooks) into a throwaway
// memory store; pass a pg Pool, Client or PGlite as `into` to create inside a rolled-back transaction.
it('should create every factory and trait combination validly', async () => {
  const report = await verifyFactories({ strategy: 'create', into: 'memory', factories: [Tenant, User, Order] });

  expect(report).toMatchObject({ checked: 5, failures: [] });
  expect(users.rows).toEqual([]);
});
