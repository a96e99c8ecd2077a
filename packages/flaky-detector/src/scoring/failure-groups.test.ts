import { describe, expect, it } from '@jest/globals';
import { idOf, scriptedHistory } from '../../test/scripted-history.js';
import { analyzeHistory } from './analyze-history.js';

describe('failure groups', () => {
  it('should group tests that failed in the same runs, and leave out one that failed elsewhere', () => {
    const history = scriptedHistory({
      tests: {
        db1: 'P R P R P P R P P P',
        db2: 'P R P R P P R P P P',
        lone: 'R P P P R P P R P P',
        calm: 'P P P P P P P P P P',
      },
    });

    const analysis = analyzeHistory(history);

    expect(analysis.groups).toEqual([
      { id: 'g1', testIds: [idOf('db1'), idOf('db2')].sort(), runIds: ['r2', 'r4', 'r7'], jaccard: 1, support: 3 },
    ]);
    expect(analysis.tests.find((test) => test.testId === idOf('db1'))!.groupId).toBe('g1');
    expect(analysis.tests.find((test) => test.testId === idOf('lone'))!.groupId).toBeUndefined();
  });

  it('should not link tests under groups.minSupport runs together or under groups.minJaccard', () => {
    const history = scriptedHistory({
      tests: {
        a: 'R R R R P P P P P P',
        b: 'R P P P R R R P P P',
        c: 'R R P P P P P P P P',
      },
    });

    expect(analyzeHistory(history).groups).toEqual([]);
    expect(analyzeHistory(history, { groups: { minSupport: 2, minJaccard: 0.5 } }).groups.map((group) => group.testIds)).toEqual([
      [idOf('a'), idOf('c')].sort(),
    ]);
  });

  it('should chain links into one group and report its weakest link', () => {
    const history = scriptedHistory({
      tests: {
        a: 'R R R R P P P P',
        b: 'R R R R R P P P',
        c: 'P R R R R R P P',
      },
    });

    const [group] = analyzeHistory(history, { groups: { minSupport: 3, minJaccard: 0.5 } }).groups;

    expect(group!.testIds).toHaveLength(3);
    expect(group!.support).toBe(3);
    expect(group!.jaccard).toBeCloseTo(3 / 6, 12);
  });

  it('should leave runs with more than groups.maxFailuresPerRun failing candidates out of the pair counts', () => {
    const history = scriptedHistory({
      tests: { a: 'R R R P P P', b: 'R R R P P P', c: 'R R R P P P' },
    });

    expect(analyzeHistory(history).groups).toHaveLength(1);
    expect(analyzeHistory(history, { groups: { maxFailuresPerRun: 2 } }).groups).toEqual([]);
  });
});
