import { FlakyError } from '../errors.js';
import type { Analysis, BaselinesFile, DurationBaseline } from '../scoring/analysis-types.js';

/** The version of the baselines JSON this package writes and reads. */
export const BASELINES_VERSION = 1;

/**
 * The baselines of an analysis as the JSON document `flaky-detector baselines export` writes.
 *
 * @example
 * writeFileSync('baselines.json', JSON.stringify(baselinesFileOf(analyzeHistory(history)), null, 2))
 */
export function baselinesFileOf(analysis: Pick<Analysis, 'baselines' | 'options'>, exportedAt = new Date()): BaselinesFile {
  return {
    version: BASELINES_VERSION,
    exportedAt: exportedAt.toISOString(),
    window: analysis.options.durations.window,
    minSamples: analysis.options.durations.minSamples,
    baselines: analysis.baselines.map(({ testId, file, fullName, medianMs, madMs, samples }) => ({
      testId,
      file,
      fullName,
      medianMs,
      madMs,
      samples,
    })),
  };
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function baselineProblems(entry: unknown, at: string): string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [`- ${at}: expected an object, got ${typeOf(entry)}.`];
  const record = entry as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof record['testId'] !== 'string' || !/^[0-9a-f]{16}$/.test(record['testId'])) {
    problems.push(`- ${at}.testId: expected 16 lowercase hex digits, got ${typeOf(record['testId'])}.`);
  }
  for (const field of ['file', 'fullName'] as const) {
    if (typeof record[field] !== 'string') problems.push(`- ${at}.${field}: expected a string, got ${typeOf(record[field])}.`);
  }
  for (const field of ['medianMs', 'madMs'] as const) {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`- ${at}.${field}: expected a number >= 0, got ${typeOf(value)}.`);
    }
  }
  const samples = record['samples'];
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1) {
    problems.push(`- ${at}.samples: expected a whole number >= 1, got ${typeOf(samples)}.`);
  }
  return problems;
}

/**
 * A baselines JSON document read and checked; every problem is reported at once, each naming its
 * field (`baselines[3].medianMs`). `source` names the file in messages.
 *
 * @example
 * const file = parseBaselinesFile(readFileSync('baselines.json', 'utf8'), 'baselines.json');
 */
export function parseBaselinesFile(text: string, source: string): BaselinesFile {
  const fail = (reason: string, details?: string[]): never => {
    throw new FlakyError('FLAKY_INVALID_BASELINES', {
      action: `read the duration baselines in ${source}`,
      reason,
      ...(details === undefined ? {} : { details }),
      fix: 'Write the file with `flaky-detector baselines export`, or fix the fields named above.',
    });
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail(`expected a JSON object, got ${typeOf(data)}`);
  const record = data as Record<string, unknown>;
  if (typeof record['version'] === 'number' && record['version'] > BASELINES_VERSION) {
    return fail(`it is version ${record['version']}, written by a newer flaky-detector; this one reads version ${BASELINES_VERSION}`);
  }
  const problems: string[] = [];
  if (record['version'] !== BASELINES_VERSION) problems.push(`- version: expected ${BASELINES_VERSION}, got ${typeOf(record['version'])}.`);
  if (typeof record['exportedAt'] !== 'string' || Number.isNaN(Date.parse(record['exportedAt']))) {
    problems.push(`- exportedAt: expected an ISO 8601 time, got ${typeOf(record['exportedAt'])}.`);
  }
  for (const field of ['window', 'minSamples'] as const) {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      problems.push(`- ${field}: expected a whole number >= 1, got ${typeOf(value)}.`);
  }
  const baselines = record['baselines'];
  if (!Array.isArray(baselines)) problems.push(`- baselines: expected an array, got ${typeOf(baselines)}.`);
  else {
    const seen = new Map<unknown, number>();
    baselines.forEach((entry: unknown, index) => {
      problems.push(...baselineProblems(entry, `baselines[${index}]`));
      const testId = (entry as { testId?: unknown } | null)?.testId;
      const earlier = seen.get(testId);
      if (earlier !== undefined && typeof testId === 'string')
        problems.push(`- baselines[${index}].testId: ${testId} is also baselines[${earlier}].`);
      seen.set(testId, index);
    });
  }
  const unknown = Object.keys(record).filter((key) => !['version', 'exportedAt', 'window', 'minSamples', 'baselines'].includes(key));
  for (const key of unknown) problems.push(`- ${key}: unknown field.`);
  if (problems.length > 0) {
    const shown = problems.length > 20 ? [...problems.slice(0, 20), `- ... and ${problems.length - 20} more.`] : problems;
    return fail(`${problems.length} field${problems.length === 1 ? ' is' : 's are'} wrong`, shown);
  }
  return data as BaselinesFile;
}

/**
 * The baselines of a file by test id.
 *
 * @example
 * baselinesById(file).get(testIdOf('a.test.ts', 'a works'))?.medianMs
 */
export function baselinesById(file: BaselinesFile): Map<string, DurationBaseline> {
  return new Map(file.baselines.map((baseline) => [baseline.testId, baseline]));
}
