import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { evaluatePiiDetectors, type LabelledPiiSample } from '../src/index.js';

const corpus = JSON.parse(readFileSync(new URL('fixtures/pii-corpus.json', import.meta.url), 'utf8')) as {
  samples: LabelledPiiSample[];
};

describe('the labelled PII corpus', () => {
  it('should hold at least 200 positives across the categories and 200 hard negatives', () => {
    const positives = corpus.samples.filter((sample) => sample.labels.length > 0);
    const negatives = corpus.samples.filter((sample) => sample.labels.length === 0);

    expect(positives.length).toBeGreaterThanOrEqual(200);
    expect(negatives.length).toBeGreaterThanOrEqual(200);
    expect(new Set(positives.flatMap((sample) => sample.labels)).size).toBe(12);
  });

  it('should reach precision >= 0.98 and recall >= 0.95 in every category', () => {
    const evaluation = evaluatePiiDetectors(corpus.samples);

    const belowTarget = evaluation.categories
      .filter((entry) => entry.precision < 0.98 || entry.recall < 0.95)
      .map((entry) => `${entry.category}: precision ${entry.precision.toFixed(3)}, recall ${entry.recall.toFixed(3)}`);
    expect({ belowTarget, errors: belowTarget.length === 0 ? [] : evaluation.errors }).toEqual({ belowTarget: [], errors: [] });
  });
});
