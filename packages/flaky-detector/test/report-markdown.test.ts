import { describe, expect, it } from '@jest/globals';
import { buildReport } from '../src/report/build-report.js';
import { MARKDOWN_LIMITS, markdownCell, renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/report/report-model.js';
import { analyzeHistory } from '../src/scoring/analyze-history.js';
import { HOSTILE_NAMES, reportHistory } from './report-history.js';

function report(): Report {
  const history = reportHistory();
  return buildReport(history, analyzeHistory(history), { now: new Date('2026-03-02T00:00:00Z') });
}

/** The report with its flaky list grown to `count` entries with long names. */
function withManyFlaky(count: number): Report {
  const base = report();
  const template = base.flaky[0]!;
  base.flaky = Array.from({ length: count }, (_, index) => ({ ...template, fullName: `${'long name '.repeat(20)}${index}` }));
  return base;
}

describe('renderMarkdown', () => {
  it('should show markup in test names as text in its tables', () => {
    const markdown = renderMarkdown(report());

    expect(markdown).toContain(`| ${markdownCell(HOSTILE_NAMES.script)} |`);
    expect(markdownCell(HOSTILE_NAMES.script)).toBe('escapes &lt;/script&gt;&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt; in names');
    expect(markdownCell('a | b\nc')).toBe('a \\| b c');
    expect(markdown).not.toContain('<script');
  });

  it('should flag a coverage drop and list the tests that caught real failures', () => {
    const markdown = renderMarkdown(report());

    expect(markdown).toContain('Line coverage 80.50%. **Coverage dropped**: lines 84.00% to 80.50% (-3.50 points).');
    expect(markdown).toContain('| caught real failures | refund rejects a negative amount | 1 caught |');
  });

  it('should stay under the 65,536 characters of a comment and say what it left out', () => {
    const big = withManyFlaky(2000);
    const markdown = renderMarkdown(big, { target: 'comment', rows: 5000 });

    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_LIMITS.comment);
    expect(markdown.length).toBeGreaterThan(MARKDOWN_LIMITS.comment - 1000);
    const left = Number(
      /> Truncated: (\d+) more rows left out to stay under GitHub's 65,536-character limit for a comment\./.exec(markdown)?.[1],
    );
    const shown = markdown.split('\n').filter((line) => line.startsWith('| 0.346 |')).length;
    // Every flaky row is either shown or counted as left out, and so is every row of the tables after it.
    const { caught, neverFailed } = big.effectiveness;
    expect(left).toBe(
      2000 - shown + big.quarantine.length + big.recommendations.length + caught.length + neverFailed.length + big.slowest.length,
    );
  });

  it('should stay under 1 MiB of UTF-8 for a job summary', () => {
    const big = withManyFlaky(6000);
    big.flaky.forEach((entry) => (entry.fullName = `${entry.fullName} ünïcödé 😀`));

    const markdown = renderMarkdown(big, { target: 'step-summary', rows: 10_000 });

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MARKDOWN_LIMITS['step-summary']);
    expect(markdown).toContain("GitHub's 1 MiB limit for a job summary");
  });

  it('should list everything without a note when it fits, and cap each table at `rows`', () => {
    const whole = renderMarkdown(report());
    const capped = renderMarkdown(withManyFlaky(30), { rows: 20 });

    expect(whole).not.toContain('Truncated');
    expect(capped).toContain('\n10 more; `flaky-detector report --format html` lists them all.\n');
    expect(capped).not.toContain('Truncated');
  });
});
