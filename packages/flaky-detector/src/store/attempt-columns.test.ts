import { describe, expect, it } from '@jest/globals';
import { testIdOf, type AttemptRecord } from '../model.js';
import { ColumnEncoder, copyColumns, failureTextOf, recordsOf } from './attempt-columns.js';

const attempt = (fullName: string, fields: Partial<AttemptRecord> = {}): AttemptRecord => ({
  runId: 'r1',
  testId: testIdOf('a.test.ts', fullName),
  file: 'a.test.ts',
  fullName,
  attempt: 1,
  status: 'passed',
  durationMs: 3,
  ...fields,
});

describe('ColumnEncoder', () => {
  it('should turn records into columns and back, failure texts included', () => {
    const records = [
      attempt('a one', { status: 'failed', errorFingerprint: 'aaaaaaaaaaaa', failureMessage: 'Error: x', failureLine: 4 }),
      attempt('a one', { attempt: 2, durationMs: 2.5 }),
      attempt('a two', { status: 'todo', durationMs: 0 }),
    ];

    const columns = new ColumnEncoder().encode(records);

    expect(columns.length).toBe(3);
    expect(Array.from(columns.status.subarray(0, 3))).toEqual([1, 0, 3]);
    expect(failureTextOf(columns, 0)).toEqual({ message: 'Error: x', line: 4 });
    expect(failureTextOf(columns, 1)).toBeUndefined();
    expect(recordsOf('r1', columns)).toStrictEqual(records);
  });

  it('should keep one catalog across calls and reuse its buffer, which copyColumns detaches', () => {
    const encoder = new ColumnEncoder();
    const first = encoder.encode([attempt('a one'), attempt('a two')]);
    const kept = copyColumns(first);

    const second = encoder.encode([attempt('a two', { runId: 'r2', durationMs: 9 })]);

    expect(second).toBe(first);
    expect(second.test[0]).toBe(kept.test[1]);
    expect(encoder.catalog.tests).toHaveLength(2);
    expect(recordsOf('r1', kept).map((record) => record.fullName)).toEqual(['a one', 'a two']);
    expect(recordsOf('r2', second)).toStrictEqual([attempt('a two', { runId: 'r2', durationMs: 9 })]);
  });

  it('should leave out tests not wanted', () => {
    const columns = new ColumnEncoder().encode([attempt('a one'), attempt('a two')]);

    expect(recordsOf('r1', columns, new Set([columns.test[1]!])).map((record) => record.fullName)).toEqual(['a two']);
  });
});
