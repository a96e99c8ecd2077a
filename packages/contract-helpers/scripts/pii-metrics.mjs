/**
 * Prints per-category precision and recall of the PII detectors on the labelled corpus
 * (test/fixtures/pii-corpus.json), from the built package. Targets: precision >= 0.98 and
 * recall >= 0.95 in every category (test/pii-corpus.test.ts asserts them).
 *
 * @example
 * npm run build && npm run pii-metrics
 */
import { readFileSync } from 'node:fs';
import { evaluatePiiDetectors } from '../dist/index.mjs';

const corpus = JSON.parse(readFileSync(new URL('../test/fixtures/pii-corpus.json', import.meta.url), 'utf8'));
const { categories, overall, errors } = evaluatePiiDetectors(corpus.samples);
const pad = (text, width) => String(text).padEnd(width);
console.log(`${corpus.samples.length} samples: ${corpus.positives} positives, ${corpus.negatives} hard negatives\n`);
console.log(`${pad('category', 15)}${pad('TP', 6)}${pad('FP', 6)}${pad('FN', 6)}${pad('precision', 11)}recall`);
for (const entry of categories) {
  console.log(
    `${pad(entry.category, 15)}${pad(entry.truePositives, 6)}${pad(entry.falsePositives, 6)}${pad(entry.falseNegatives, 6)}${pad(entry.precision.toFixed(3), 11)}${entry.recall.toFixed(3)}`,
  );
}
console.log(`\n${pad('overall', 33)}${pad(overall.precision.toFixed(3), 11)}${overall.recall.toFixed(3)}`);
for (const error of errors) console.log(`  ${error.id}: expected [${error.expected.join(', ')}], found [${error.found.join(', ')}]`);
const missed = categories.filter((entry) => entry.precision < 0.98 || entry.recall < 0.95);
if (missed.length > 0) {
  console.error(`\nBelow target: ${missed.map((entry) => entry.category).join(', ')}`);
  process.exitCode = 1;
}
