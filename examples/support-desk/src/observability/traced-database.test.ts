import { describe, expect, it } from '@jest/globals';
import { querySummary } from './traced-database.ts';

describe('querySummary', () => {
  it.each([
    ['SELECT id, name FROM tenants WHERE id = $1', 'SELECT tenants'],
    ['  select count(*)::integer from order_lines l where l.order_id = $1', 'SELECT order_lines'],
    ['INSERT INTO orders (tenant_id, user_id) VALUES ($1, $2) RETURNING id', 'INSERT orders'],
    ['UPDATE leads SET status = $1 WHERE id = $2', 'UPDATE leads'],
    ['SELECT set_config($1, $2, true)', 'SELECT'],
    ['SET LOCAL ROLE support_desk_app', 'SET'],
  ])('should name %j as %j: the operation and its table, never a value', (statement, summary) => {
    expect(querySummary(statement)).toBe(summary);
  });
});
