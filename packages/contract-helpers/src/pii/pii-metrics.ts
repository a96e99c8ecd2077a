import { PII_CATEGORIES, type PiiCategory } from './pii-categories.js';
import { findPii, type PiiScanOptions } from './pii-scan.js';

/** One labelled sample: a value (under a property name, when `key` is set) and the categories it holds. */
export interface LabelledPiiSample {
  id?: string;
  text: string | number;
  key?: string;
  /** The categories the sample holds; empty for a negative. */
  labels: readonly PiiCategory[];
}

/** Precision and recall of one category on a corpus. */
export interface PiiCategoryMetrics {
  category: PiiCategory;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** TP / (TP + FP); 1 when nothing was predicted. */
  precision: number;
  /** TP / (TP + FN); 1 when the corpus has no sample of the category. */
  recall: number;
}

/** The result of {@link evaluatePiiDetectors}. */
export interface PiiEvaluation {
  categories: PiiCategoryMetrics[];
  overall: { precision: number; recall: number };
  /** Samples whose predicted categories differ from their labels, for debugging a detector. */
  errors: Array<{ id: string | undefined; expected: PiiCategory[]; found: PiiCategory[] }>;
}

/**
 * Measure the detectors on a labelled corpus: per-category and overall precision and recall.
 *
 * @param samples - labelled samples
 * @param options - scan options (the defaults are what `toContainPii` uses)
 * @example
 * const { overall } = evaluatePiiDetectors([{ text: 'jane@corp.example', labels: ['email'] }, { text: '1731000000000', labels: [] }])
 */
export function evaluatePiiDetectors(samples: readonly LabelledPiiSample[], options: PiiScanOptions = {}): PiiEvaluation {
  const counts = new Map<PiiCategory, { tp: number; fp: number; fn: number }>(
    PII_CATEGORIES.map((category) => [category, { tp: 0, fp: 0, fn: 0 }]),
  );
  const errors: PiiEvaluation['errors'] = [];
  for (const sample of samples) {
    const value = sample.key === undefined ? sample.text : { [sample.key]: sample.text };
    const found = new Set(findPii(value, options).map((finding) => finding.category));
    const expected = new Set(sample.labels);
    for (const category of PII_CATEGORIES) {
      const entry = counts.get(category)!;
      if (found.has(category) && expected.has(category)) entry.tp++;
      else if (found.has(category)) entry.fp++;
      else if (expected.has(category)) entry.fn++;
    }
    if ([...found].sort().join() !== [...expected].sort().join())
      errors.push({ id: sample.id, expected: [...expected], found: [...found] });
  }
  const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 1 : numerator / denominator);
  const categories = [...counts].map(([category, { tp, fp, fn }]) => ({
    category,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
  }));
  const total = categories.reduce(
    (sum, entry) => ({ tp: sum.tp + entry.truePositives, fp: sum.fp + entry.falsePositives, fn: sum.fn + entry.falseNegatives }),
    { tp: 0, fp: 0, fn: 0 },
  );
  return { categories, overall: { precision: ratio(total.tp, total.tp + total.fp), recall: ratio(total.tp, total.tp + total.fn) }, errors };
}
