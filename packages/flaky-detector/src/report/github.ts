import type { FailureSummary, Report } from './report-model.js';

/** One GitHub Actions workflow command that annotates a file. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  file?: string | undefined;
  line?: number | undefined;
  title: string;
  message: string;
}

/** Options of {@link renderGithubAnnotations}. */
export interface GithubAnnotationOptions {
  /**
   * The most annotations of each level. Default 10: GitHub shows at most 10 errors and 10 warnings
   * of a step; a notice says how many more the report holds.
   */
  perLevel?: number | undefined;
}

/**
 * `text` as the message of a workflow command: `%`, CR and LF escaped.
 *
 * @example
 * escapeAnnotationData('50%\nof runs') // '50%25%0Aof runs'
 */
export function escapeAnnotationData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * `text` as a property value of a workflow command (`file=`, `title=`): also `:` and `,` escaped.
 *
 * @example
 * escapeAnnotationProperty('a, b: c') // 'a%2C b%3A c'
 */
export function escapeAnnotationProperty(text: string): string {
  return escapeAnnotationData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The stored failure message, after a blank line, for an annotation's text. */
function failureText(failure: FailureSummary | undefined): string {
  return failure?.message === undefined ? '' : `\n\nLast failure:\n${failure.message}`;
}

/**
 * One annotation as a workflow command line.
 *
 * @example
 * formatAnnotation({ level: 'warning', file: 'a.test.ts', title: 'Flaky test', message: 'score 0.2' })
 * // '::warning file=a.test.ts,title=Flaky test::score 0.2'
 */
export function formatAnnotation(annotation: Annotation): string {
  const properties = [
    annotation.file === undefined ? undefined : `file=${escapeAnnotationProperty(annotation.file)}`,
    annotation.line === undefined ? undefined : `line=${annotation.line}`,
    `title=${escapeAnnotationProperty(annotation.title)}`,
  ].filter((property) => property !== undefined);
  return `::${annotation.level} ${properties.join(',')}::${escapeAnnotationData(annotation.message)}`;
}

/**
 * The annotations a report calls for: an error for each failure regression and expired quarantine
 * entry, a warning for each flaky test and duration regression, most important first.
 *
 * @example
 * listAnnotations(report).filter((annotation) => annotation.level === 'error').length
 */
export function listAnnotations(report: Report): Annotation[] {
  const annotations: Annotation[] = [];
  for (const regression of report.regressions) {
    annotations.push({
      level: regression.kind === 'failure' ? 'error' : 'warning',
      file: regression.file,
      line: regression.lastFailure?.line,
      title: regression.kind === 'failure' ? `Regression: ${regression.fullName}` : `Slower: ${regression.fullName}`,
      message:
        regression.kind === 'failure'
          ? `${regression.detail}. A regression is never quarantined: fix it.${failureText(regression.lastFailure)}`
          : regression.detail,
    });
  }
  for (const entry of report.quarantine.filter((candidate) => candidate.expired)) {
    annotations.push({
      level: 'error',
      file: entry.file,
      title: `Quarantine expired: ${entry.fullName ?? entry.testId}`,
      message: `The quarantine of ${entry.testId} (owner ${entry.owner}) expired on ${entry.expires}: fix the test or extend the entry. Reason: ${entry.reason}`,
    });
  }
  for (const flaky of report.flaky) {
    annotations.push({
      level: 'warning',
      file: flaky.file,
      line: flaky.lastFailure?.line,
      title: `Flaky: ${flaky.fullName}`,
      message: `Flakiness score ${flaky.score.toFixed(3)} (95% interval ${flaky.interval[0].toFixed(3)} to ${flaky.interval[1].toFixed(3)}), ${flaky.failures} failing runs of ${flaky.runs}${flaky.sameCode ? '; it passed and failed on the same code' : ''}${flaky.quarantined ? '; quarantined' : ''}.${failureText(flaky.lastFailure)}`,
    });
  }
  return annotations;
}

/**
 * The report as GitHub Actions workflow commands, one a line, capped per level with a notice for
 * what was left out.
 *
 * @example
 * process.stdout.write(renderGithubAnnotations(report)); // in a workflow step
 */
export function renderGithubAnnotations(report: Report, options: GithubAnnotationOptions = {}): string {
  const perLevel = options.perLevel ?? 10;
  const shown: Record<Annotation['level'], number> = { error: 0, warning: 0, notice: 0 };
  const lines: string[] = [];
  let left = 0;
  for (const annotation of listAnnotations(report)) {
    if (shown[annotation.level] >= perLevel) {
      left++;
      continue;
    }
    shown[annotation.level]++;
    lines.push(formatAnnotation(annotation));
  }
  if (left > 0) {
    lines.push(
      formatAnnotation({
        level: 'notice',
        title: 'flaky-detector',
        message: `${left} more annotation(s) left out; run flaky-detector report --format markdown or html for all of them.`,
      }),
    );
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
