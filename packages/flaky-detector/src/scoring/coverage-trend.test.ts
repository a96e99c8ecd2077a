import { describe, expect, it } from '@jest/globals';
import { scriptedHistory } from '../../test/scripted-history.js';
import { analyzeHistory } from './analyze-history.js';

describe('coverage trend', () => {
  it('should list coverage of the runs that had it and flag drops beyond coverage.dropThreshold', () => {
    const history = scriptedHistory({ tests: { a: 'P P P P P' }, coverage: [90, undefined, 89.5, 87, 87.2] });

    const { coverage } = analyzeHistory(history);

    expect(coverage.points.map((point) => [point.runId, point.lines])).toEqual([
      ['r1', 90],
      ['r3', 89.5],
      ['r4', 87],
      ['r5', 87.2],
    ]);
    expect(coverage.drops.map((drop) => [drop.metric, drop.fromRunId, drop.toRunId, drop.drop])).toEqual([
      ['lines', 'r3', 'r4', 2.5],
      ['statements', 'r3', 'r4', 2.5],
      ['functions', 'r3', 'r4', 2.5],
      ['branches', 'r3', 'r4', 2.5],
    ]);
    expect(coverage.latestDrops).toEqual([]);
  });

  it('should flag the latest run when it dropped', () => {
    const history = scriptedHistory({ tests: { a: 'P P' }, coverage: [90, 88] });

    expect(analyzeHistory(history).coverage.latestDrops.map((drop) => drop.metric)).toEqual([
      'lines',
      'statements',
      'functions',
      'branches',
    ]);
    expect(analyzeHistory(history, { coverage: { dropThreshold: 2 } }).coverage.latestDrops).toEqual([]);
  });
});
