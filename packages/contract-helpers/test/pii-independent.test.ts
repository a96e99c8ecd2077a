import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { contractMatchers, evaluatePiiDetectors, findPii, redactPii, type LabelledPiiSample, type PiiCategory } from '../src/index.js';

expect.extend(contractMatchers);

// Written by hand by a second engineer, independently of the generated corpus and of the detectors.
const corpus = JSON.parse(readFileSync(new URL('fixtures/pii-corpus-independent.json', import.meta.url), 'utf8')) as {
  samples: LabelledPiiSample[];
};
const positives = corpus.samples.filter((sample) => sample.labels.length > 0);
const negatives = corpus.samples.filter((sample) => sample.labels.length === 0);

function valueOf(sample: LabelledPiiSample): unknown {
  return sample.key === undefined ? sample.text : { [sample.key]: sample.text };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('the independent PII corpus', () => {
  it('should hold at least 60 positives and 60 hard negatives', () => {
    const categories = new Set(positives.flatMap((sample) => sample.labels));

    expect(positives.length).toBeGreaterThanOrEqual(60);
    expect(negatives.length).toBeGreaterThanOrEqual(60);
    expect(categories.size).toBe(12);
  });

  it('should hold at least 20 hand-written positives and 20 hard negatives for each context-only category', () => {
    const prefixes: Array<[PiiCategory, string, string]> = [
      ['date-of-birth', 'ipd', 'ind'],
      ['name', 'ipn', 'inn'],
      ['address', 'ipa', 'ina'],
    ];

    const counts = prefixes.map(([category, positive, negative]) => ({
      category,
      positives: positives.filter((sample) => sample.id?.startsWith(positive) === true && sample.labels.includes(category)).length,
      negatives: negatives.filter((sample) => sample.id?.startsWith(negative) === true).length,
    }));

    expect(counts.filter((entry) => entry.positives < 20 || entry.negatives < 20)).toEqual([]);
  });

  it('should reach precision >= 0.98 and recall >= 0.95 in every category', () => {
    const evaluation = evaluatePiiDetectors(corpus.samples);

    const belowTarget = evaluation.categories
      .filter((entry) => entry.precision < 0.98 || entry.recall < 0.95)
      .map((entry) => `${entry.category}: precision ${entry.precision.toFixed(3)}, recall ${entry.recall.toFixed(3)}`);
    expect({ belowTarget, errors: evaluation.errors }).toEqual({ belowTarget: [], errors: [] });
  });

  it('should print only masked samples in toContainPii failures, never the raw value', () => {
    const leaks: string[] = [];

    for (const sample of positives) {
      const text = String(sample.text);
      const raws = findPii(valueOf(sample)).map((finding) =>
        finding.start === undefined || finding.end === undefined ? text : text.slice(finding.start, finding.end),
      );
      let message = '';
      try {
        expect(valueOf(sample)).not.toContainPii();
      } catch (error) {
        message = (error as Error).message;
      }
      if (message === '') leaks.push(`${sample.id}: no failure`);
      for (const raw of raws) if (message.includes(raw)) leaks.push(`${sample.id}: ${raw.length} raw characters printed`);
    }

    expect(leaks).toEqual([]);
  });

  it('should redact every positive without touching the frozen input, idempotently', () => {
    const input = deepFreeze({ logs: positives.map(valueOf), negatives: negatives.map(valueOf) });
    const before = JSON.stringify(input);

    const once = redactPii(input);
    const twice = redactPii(once);

    expect(JSON.stringify(input)).toBe(before);
    expect(findPii(once.logs)).toEqual([]);
    expect(twice).toEqual(once);
    expect(once.negatives).toEqual(input.negatives);
  });

  it('should keep JSON text valid after redacting log lines', () => {
    const lines = positives.filter((sample) => String(sample.text).startsWith('{')).map((sample) => String(sample.text));
    const text = lines.join('\n');

    const redacted = redactPii(text);

    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(redacted.split('\n').map((line) => typeof JSON.parse(line))).toEqual(lines.map(() => 'object'));
    expect(findPii(redacted)).toEqual([]);
    expect(redactPii(redacted)).toBe(redacted);
  });
});
