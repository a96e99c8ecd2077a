import { INTENTS, type Intent } from '../../src/router/intents.ts';

/** One message of the golden set, with the intent a careful human triager gives it. */
export interface GoldenUtterance {
  text: string;
  intent: Intent;
  /** Why the message is hard to route, when it is. */
  hard?: string;
}

/** A message the router sent elsewhere than the golden set says. */
export interface Misroute {
  text: string;
  expected: Intent;
  actual: Intent;
}

/** How a router did on a golden set. */
export interface DriftReport {
  total: number;
  misroutes: Misroute[];
  /** Misroutes over total, from 0 to 1. */
  misrouteRate: number;
  /** `confusion[expected][actual]`: how many messages of each expected intent went where. */
  confusion: Record<Intent, Record<Intent, number>>;
}

/**
 * Route every golden message with `route`, one at a time in order (so a cassette replays them in
 * the order it recorded them), and count where each went.
 *
 * @example
 * const report = await scoreRouter((text) => router.route(text), golden.utterances)
 */
export async function scoreRouter(
  route: (text: string) => Promise<{ intent: Intent }>,
  golden: readonly GoldenUtterance[],
): Promise<DriftReport> {
  const confusion = Object.fromEntries(
    INTENTS.map((expected) => [expected, Object.fromEntries(INTENTS.map((actual) => [actual, 0]))]),
  ) as Record<Intent, Record<Intent, number>>;
  const misroutes: Misroute[] = [];
  for (const utterance of golden) {
    const { intent } = await route(utterance.text);
    confusion[utterance.intent][intent] += 1;
    if (intent !== utterance.intent) misroutes.push({ text: utterance.text, expected: utterance.intent, actual: intent });
  }
  return { total: golden.length, misroutes, misrouteRate: golden.length === 0 ? 0 : misroutes.length / golden.length, confusion };
}

/**
 * The report as text: the confusion table (rows expected, columns routed, with each intent's
 * recall), the misroute rate, and every misroute.
 *
 * @example
 * console.log(formatDriftReport(report))
 */
export function formatDriftReport(report: DriftReport): string {
  const width = Math.max(...INTENTS.map((intent) => intent.length)) + 1;
  const cell = (value: string | number) => String(value).padStart(width);
  const header = ['expected \\ routed'.padEnd(width + 8), ...INTENTS.map(cell), cell('recall')].join('');
  const rows = INTENTS.map((expected) => {
    const counts = INTENTS.map((actual) => report.confusion[expected][actual]);
    const total = counts.reduce((sum, count) => sum + count, 0);
    const recall = total === 0 ? '-' : `${Math.round((report.confusion[expected][expected] / total) * 100)} %`;
    return [expected.padEnd(width + 8), ...counts.map(cell), cell(recall)].join('');
  });
  const rate = `misroute rate: ${(report.misrouteRate * 100).toFixed(1)} % (${report.misroutes.length} of ${report.total})`;
  const misroutes = report.misroutes.map((misroute) => `  ${misroute.expected} -> ${misroute.actual}: ${JSON.stringify(misroute.text)}`);
  return [header, ...rows, '', rate, ...(misroutes.length === 0 ? [] : ['misroutes:', ...misroutes])].join('\n');
}

/**
 * The drift gate: fail when the misroute rate passes `threshold` (a rate equal to it passes).
 *
 * @throws Error naming the rate, the threshold and the whole report
 * @example
 * expectWithinDriftThreshold(report, 0.1)
 */
export function expectWithinDriftThreshold(report: DriftReport, threshold: number): void {
  if (report.misrouteRate <= threshold) return;
  throw new Error(
    `[support-desk] Failed to pass the router drift gate: ${(report.misrouteRate * 100).toFixed(1)} % of the golden set is misrouted, above the ${(threshold * 100).toFixed(1)} % threshold. Fix the router (prompt, model, rules) or, when the golden set is wrong, the golden set.\n\n${formatDriftReport(report)}`,
  );
}
