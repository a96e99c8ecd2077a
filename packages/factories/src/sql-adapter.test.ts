import { describe, expect, it } from '@jest/globals';
import { isFactoriesError } from './errors.js';
import { sqlAdapter, type SqlAdapterOptions, type SqlQueryable } from './sql-adapter.js';

const db: SqlQueryable = { query: () => Promise.resolve({ rows: [] }) };

function failureOf(options: unknown): Error & { code?: string } {
  try {
    sqlAdapter(db, options as SqlAdapterOptions);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('sqlAdapter accepted the options');
}

describe('sqlAdapter', () => {
  it('should report every problem of its options at once, an unknown name with the option it most likely meant', () => {
    // Act
    const error = failureOf({ tabel: 'users', columns: 42, returning: 'camel', omit: 'age', batchSize: 0 });

    // Assert
    expect(isFactoriesError(error) && error.code).toBe('FACTORIES_INVALID_OPTIONS');
    expect(error.message).toBe(
      [
        '[factories] Failed to create a SQL adapter: 6 problems in the options.',
        '- table: required: the table to insert into.',
        '- tabel: unknown option. Did you mean "table"? Known options: table, columns, returning, omit, batchSize.',
        '- columns: expected "snake_case", "as-is" or a map of field names to column names, got 42.',
        '- returning: expected one of "camelCase" and "as-is", got "camel" (did you mean "camelCase"?).',
        '- omit: expected an array of field names, got "age".',
        '- batchSize: expected a whole number >= 1, got 0.',
        "Fix the options passed to sqlAdapter(db, { table: 'users' }).",
      ].join('\n'),
    );
  });

  it('should name the fields of a column map whose column is not a name', () => {
    // Act
    const error = failureOf({ table: 'users', columns: { fullName: 'full_name', nickName: 3 } });

    // Assert
    expect(error.message).toContain('- columns: expected a map of field names to column names, got nickName: 3.');
  });

  it('should accept every documented shape of its options', () => {
    expect(() =>
      sqlAdapter(db, { table: 'app.users', columns: { fullName: 'name' }, returning: 'as-is', omit: ['age'], batchSize: 500 }),
    ).not.toThrow();
    expect(() => sqlAdapter(db, { table: 'users', columns: 'as-is' })).not.toThrow();
  });
});
