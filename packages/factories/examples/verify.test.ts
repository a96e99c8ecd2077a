import { expect, it } from '@jest/globals';
import { verifyFactories } from '@proving-ground/factories';
import { Order, OrderLine, Tenant, User } from './factories.js';

// factory_bot's lint: every factory with every combination of its plain traits, against its schema.
// It throws FACTORIES_INVALID_FACTORIES listing every invalid combination.
it('should build every factory and trait combination validly', () => {
  const report = verifyFactories({ factories: [Tenant, User, OrderLine, Order] });

  expect(report.checked).toBe(6);
  expect(report.skipped).toEqual(['order.discounted']);
});
