import type { Report } from './report-model.js';

/**
 * The report as JSON: everything the other formats show, with `schemaVersion` first so a reader can
 * refuse a shape it does not know.
 *
 * @example
 * const report = JSON.parse(renderJson(buildReport(history, analysis)));
 * report.schemaVersion; // 1
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
