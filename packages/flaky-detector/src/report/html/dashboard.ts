import type { Report } from '../report-model.js';
import { dashboardMain } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** The page's title. Default `flaky-detector`. */
  title?: string | undefined;
}

/**
 * `value` as JSON that is safe inside a `<script>` element: `<` (so no `</script>` or `<!--` can end
 * or change the element), `>`, `&` and the two JavaScript line separators written as `\u` escapes,
 * which JSON.parse reads back unchanged.
 *
 * @example
 * scriptSafeJson({ name: '</script>' }) // '{"name":"\\u003c/script\\u003e"}'
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The report as one self-contained HTML page: no network, styles and script inline, charts drawn as
 * inline SVG. It shows pass-rate and duration trends over the runs, a pass/fail heatmap of the most
 * troubled tests against the latest runs, every test by duration, the flaky list, regressions, the
 * quarantine ledger and recommendations, with a text search and a class filter that work offline.
 * The data travels as JSON in a `<script type="application/json">` element and is drawn through DOM
 * APIs only, so test names holding HTML or script show as text and never run.
 *
 * @example
 * writeFileSync('flaky-report.html', renderHtml(buildReport(history, analyzeHistory(history))));
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const title = escapeHtml(options.title ?? 'flaky-detector');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<div id="generated" class="muted"></div>
<div id="totals" class="totals"></div>
</header>
<main>
<section class="filters">
<label>Search <input id="search" type="search" placeholder="test name, file or id" autocomplete="off"></label>
<label>Class <select id="class-filter"><option value="">all classes</option></select></label>
</section>
<section>
<h2>Trends</h2>
<p id="trends-note" class="muted"></p>
<div class="charts">
<div><h3 class="muted">Pass rate per run</h3><div id="trend-pass"></div></div>
<div><h3 class="muted">Duration per run</h3><div id="trend-duration"></div></div>
<div><h3 class="muted">Line coverage per run that recorded it</h3><div id="trend-coverage"></div></div>
</div>
</section>
<section>
<h2>Pass/fail heatmap</h2>
<p class="legend muted"><span class="cell-p" style="background:var(--pass)"></span>passed<span style="background:var(--flaky)"></span>failed, then passed on retry<span style="background:var(--fail)"></span>failed<span style="background:var(--skip)"></span>skipped<span style="background:var(--none)"></span>did not run</p>
<div id="heatmap"></div>
</section>
<section><h2>Flaky tests</h2><div id="flaky"></div></section>
<section><h2>Regressions</h2><div id="regressions"></div></section>
<section><h2>Quarantine</h2><div id="quarantine"></div></section>
<section><h2>Recommendations</h2><div id="recommendations"></div></section>
<section><h2>Test effectiveness</h2><div id="effectiveness"></div></section>
<section><h2>Tests, slowest first</h2><div id="tests"></div></section>
</main>
<script type="application/json" id="flaky-detector-data">${scriptSafeJson(report)}</script>
<script>(${String(dashboardMain)})();</script>
</body>
</html>
`;
}
