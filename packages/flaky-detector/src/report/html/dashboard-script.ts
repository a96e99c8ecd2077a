/// <reference lib="dom" />
import type { Report, TestSummary } from '../report-model.js';

/**
 * The dashboard's script, run in the browser: it reads the report from the page's
 * `<script type="application/json" id="flaky-detector-data">` and draws everything through DOM
 * APIs (`textContent`, `createElementNS`), never through HTML strings, so nothing in a test name can
 * become markup or script. It is written as a function so the compiler checks it; the page holds
 * its text (`String(dashboardMain)`), so it must use nothing from outside its own body.
 *
 * @internal
 */
export function dashboardMain(): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const PAGE = 50;
  const MAX_CHART_RUNS = 500;
  const source = document.getElementById('flaky-detector-data');
  const report = JSON.parse(source?.textContent ?? '{}') as Report;
  const state = { query: '', testClass: '' };

  function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className !== undefined) node.className = className;
    return node;
  }
  function svgEl(tag: string, attributes: Record<string, string | number>, title?: string): SVGElement {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (title !== undefined) {
      const tooltip = document.createElementNS(SVG, 'title');
      tooltip.textContent = title;
      node.appendChild(tooltip);
    }
    return node;
  }
  function byId(id: string): HTMLElement {
    const node = document.getElementById(id);
    if (node === null) throw new Error(`the dashboard has no #${id}`);
    return node;
  }
  function ms(value: number): string {
    return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
  }
  function percent(share: number): string {
    return `${(share * 100).toFixed(1)}%`;
  }
  function matches(...texts: (string | undefined)[]): boolean {
    if (state.query === '') return true;
    return texts.some((text) => text !== undefined && text.toLowerCase().includes(state.query));
  }

  function renderTotals(): void {
    const totals = byId('totals');
    const last = report.runs[report.runs.length - 1];
    const figures: [string, string][] = [
      ['runs', String(report.totals.runs)],
      ['tests', String(report.totals.tests)],
      ['attempts', String(report.totals.attempts)],
      ['flaky', String(report.flaky.length)],
      ['regressions', String(report.regressions.length)],
      ['latest pass rate', last === undefined ? 'n/a' : percent(last.passRate)],
      ['chance of a flake-free run', percent(report.totals.flakeFreeRunProbability)],
    ];
    for (const [label, value] of figures) {
      const box = el('div');
      box.appendChild(el('strong', value));
      box.appendChild(el('span', label, 'muted'));
      totals.appendChild(box);
    }
  }

  /** A chart frame: the svg, and a function from value to y within it. */
  function frame(
    container: HTMLElement,
    max: number,
    label: (value: number) => string,
  ): { svg: SVGElement; y: (value: number) => number; width: number } {
    const width = 640;
    const height = 160;
    const svg = svgEl('svg', { viewBox: `0 0 ${width + 50} ${height + 20}`, width: '100%', role: 'img' });
    svg.appendChild(svgEl('line', { x1: 45, y1: 5, x2: 45, y2: height + 5, class: 'axis' }));
    svg.appendChild(svgEl('line', { x1: 45, y1: height + 5, x2: width + 45, y2: height + 5, class: 'axis' }));
    for (const fraction of [0, 0.5, 1]) {
      const tick = svgEl('text', { x: 40, y: 5 + height * (1 - fraction) + 4, 'text-anchor': 'end' });
      tick.textContent = label(max * fraction);
      svg.appendChild(tick);
    }
    container.appendChild(svg);
    return { svg, y: (value) => 5 + height * (1 - (max === 0 ? 0 : value / max)), width };
  }

  function renderTrends(): void {
    const runs = report.runs.slice(-MAX_CHART_RUNS);
    if (report.runs.length > runs.length) byId('trends-note').textContent = `The latest ${runs.length} of ${report.runs.length} runs.`;
    const step = (width: number): number => width / Math.max(runs.length, 1);

    const pass = frame(byId('trend-pass'), 1, percent);
    const points: string[] = [];
    runs.forEach((run, index) => {
      const x = 45 + step(pass.width) * (index + 0.5);
      points.push(`${x.toFixed(1)},${pass.y(run.passRate).toFixed(1)}`);
    });
    pass.svg.appendChild(svgEl('polyline', { points: points.join(' '), class: 'line' }));
    runs.forEach((run, index) => {
      const x = 45 + step(pass.width) * (index + 0.5);
      pass.svg.appendChild(
        svgEl(
          'circle',
          {
            cx: x.toFixed(1),
            cy: pass.y(run.passRate).toFixed(1),
            r: 2.5,
            class: 'point',
            fill: run.failed > 0 ? 'var(--fail)' : 'var(--pass)',
          },
          `${run.runId}: ${percent(run.passRate)} (${run.passed} passed, ${run.failed} failed)`,
        ),
      );
    });

    const longest = Math.max(0, ...runs.map((run) => run.durationMs));
    const duration = frame(byId('trend-duration'), longest, ms);
    const barWidth = step(duration.width);
    runs.forEach((run, index) => {
      const top = duration.y(run.durationMs);
      duration.svg.appendChild(
        svgEl(
          'rect',
          {
            x: (45 + barWidth * index + barWidth * 0.1).toFixed(2),
            y: top.toFixed(1),
            width: Math.max(barWidth * 0.8, 0.5).toFixed(2),
            height: Math.max(165 - top, 0).toFixed(1),
            class: run.failed > 0 ? 'bar failed' : 'bar',
          },
          `${run.runId}: ${ms(run.durationMs)}${run.commit === undefined ? '' : ` at ${run.commit.slice(0, 7)}`}`,
        ),
      );
    });
  }

  function renderCoverage(): void {
    const container = byId('trend-coverage');
    const points = report.coverage.points.slice(-MAX_CHART_RUNS);
    if (points.length === 0) {
      container.appendChild(el('p', 'No run recorded coverage (Jest coverageReporters with json-summary).', 'muted'));
      return;
    }
    const chart = frame(container, 100, (value) => `${value.toFixed(0)}%`);
    const step = chart.width / points.length;
    const xy = points.map((point, index) => [45 + step * (index + 0.5), chart.y(point.lines)] as const);
    chart.svg.appendChild(svgEl('polyline', { points: xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), class: 'line' }));
    points.forEach((point, index) => {
      const [x, y] = xy[index]!;
      chart.svg.appendChild(
        svgEl(
          'circle',
          { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, class: 'coverage-point', fill: 'var(--pass)' },
          `${point.runId}: lines ${point.lines.toFixed(2)}%, branches ${point.branches.toFixed(2)}%`,
        ),
      );
    });
    for (const drop of report.coverage.latestDrops) {
      container.appendChild(
        el(
          'p',
          `Dropped in the latest run: ${drop.metric} ${drop.from.toFixed(2)}% to ${drop.to.toFixed(2)}% (-${drop.drop.toFixed(2)} points).`,
          'coverage-drop',
        ),
      );
    }
  }

  const classOf = new Map<string, string>(report.tests.map((test) => [test.testId, test.class]));
  const fileOf = new Map<string, string>(report.tests.map((test) => [test.testId, test.file]));

  function renderHeatmap(): void {
    const container = byId('heatmap');
    container.replaceChildren();
    const { heatmap } = report;
    const rows = heatmap.rows.filter(
      (row) =>
        matches(row.fullName, fileOf.get(row.testId), row.testId) &&
        (state.testClass === '' || classOf.get(row.testId) === state.testClass),
    );
    const cell = 12;
    const labelWidth = 320;
    const svg = svgEl('svg', {
      width: labelWidth + heatmap.runIds.length * cell + 10,
      height: rows.length * cell + 10,
      role: 'img',
      id: 'heatmap-svg',
    });
    const names: Record<string, string> = { p: 'passed', f: 'failed', k: 'failed, then passed on retry', s: 'skipped', '.': 'did not run' };
    rows.forEach((row, rowIndex) => {
      const label = svgEl('text', { x: labelWidth - 6, y: rowIndex * cell + 10, 'text-anchor': 'end', class: 'heatmap-label' });
      label.textContent = row.fullName.length > 48 ? `${row.fullName.slice(0, 47)}…` : row.fullName;
      svg.appendChild(label);
      for (let column = 0; column < row.cells.length; column++) {
        const status = row.cells[column] ?? '.';
        svg.appendChild(
          svgEl(
            'rect',
            {
              x: labelWidth + column * cell,
              y: rowIndex * cell,
              width: cell - 1,
              height: cell - 1,
              class: `cell cell-${status === '.' ? 'n' : status}`,
            },
            `${row.fullName}\n${heatmap.runIds[column] ?? ''}: ${names[status] ?? status}`,
          ),
        );
      }
    });
    container.appendChild(svg);
    const omitted: string[] = [];
    if (heatmap.omittedTests > 0) omitted.push(`${heatmap.omittedTests} tests with fewer failures`);
    if (heatmap.omittedRuns > 0) omitted.push(`${heatmap.omittedRuns} older runs`);
    const note = `${rows.length} tests by ${heatmap.runIds.length} runs${omitted.length > 0 ? `; not shown: ${omitted.join(', ')}` : ''}.`;
    container.appendChild(el('p', note, 'muted'));
  }

  /** A table with a pager, redrawn on every filter change. */
  function pagedTable<T>(
    id: string,
    headers: string[],
    rowsOf: () => T[],
    cells: (item: T) => (string | HTMLElement)[],
    rowClass?: (item: T) => string,
  ): () => void {
    let page = 0;
    const container = byId(id);
    function draw(): void {
      const items = rowsOf();
      const pages = Math.max(1, Math.ceil(items.length / PAGE));
      page = Math.min(page, pages - 1);
      const table = el('table');
      const head = el('tr');
      for (const header of headers) head.appendChild(el('th', header));
      table.appendChild(el('thead')).appendChild(head);
      const body = el('tbody');
      for (const item of items.slice(page * PAGE, page * PAGE + PAGE)) {
        const row = el('tr');
        if (rowClass !== undefined) row.className = rowClass(item);
        for (const value of cells(item)) {
          const td = el('td');
          if (typeof value === 'string') {
            td.textContent = value;
            if (/^[\d.,\s%<>+-]+(ms|s|x)?$/.test(value)) td.className = 'num';
          } else td.appendChild(value);
          row.appendChild(td);
        }
        body.appendChild(row);
      }
      table.appendChild(body);
      const pager = el('div', undefined, 'pager');
      const previous = el('button', 'Previous');
      previous.disabled = page === 0;
      previous.addEventListener('click', () => {
        page--;
        draw();
      });
      const next = el('button', 'Next');
      next.disabled = page >= pages - 1;
      next.addEventListener('click', () => {
        page++;
        draw();
      });
      pager.append(previous, el('span', `Page ${page + 1} of ${pages} (${items.length} rows)`, 'muted page-info'), next);
      container.replaceChildren(items.length === 0 ? el('p', 'Nothing to show.', 'muted') : table, pager);
    }
    return () => {
      page = 0;
      draw();
    };
  }

  function nameCell(fullName: string, file: string | undefined): HTMLElement {
    const cell = el('div', undefined, 'name');
    cell.appendChild(el('span', fullName, 'test-name'));
    if (file !== undefined) {
      cell.appendChild(el('br'));
      cell.appendChild(el('span', file, 'muted'));
    }
    return cell;
  }
  function badge(text: string): HTMLElement {
    return el('span', text, `badge ${text}`);
  }

  const redraws = [
    pagedTable<TestSummary>(
      'tests',
      ['median', 'share of time', 'runs', 'failed runs', 'retried passes', 'class', 'test'],
      () =>
        report.tests.filter(
          (test) => matches(test.fullName, test.file, test.testId) && (state.testClass === '' || test.class === state.testClass),
        ),
      (test) => [
        ms(test.medianMs),
        percent(test.shareOfSuiteTime),
        String(test.runs),
        String(test.failedRuns),
        String(test.flakyRuns),
        badge(test.class),
        nameCell(test.fullName, test.file),
      ],
    ),
    pagedTable(
      'flaky',
      ['score', '95% interval', 'failing runs', 'flip rate', 'evidence', 'test'],
      () => report.flaky.filter((test) => matches(test.fullName, test.file, test.testId)),
      (test) => [
        test.score.toFixed(3),
        `${test.interval[0].toFixed(3)} to ${test.interval[1].toFixed(3)}`,
        `${test.failures}/${test.runs}`,
        test.flipRate.toFixed(2),
        [test.sameCode ? 'same code' : 'across runs', test.quarantined ? 'quarantined' : ''].filter(Boolean).join(', '),
        nameCell(test.fullName, test.file),
      ],
    ),
    pagedTable(
      'regressions',
      ['kind', 'figures', 'test'],
      () => report.regressions.filter((entry) => matches(entry.fullName, entry.file, entry.testId, entry.detail)),
      (entry) => [entry.kind, entry.detail, nameCell(entry.fullName, entry.file)],
    ),
    pagedTable(
      'quarantine',
      ['expires', 'owner', 'reason', 'issue', 'test'],
      () => report.quarantine.filter((entry) => matches(entry.fullName, entry.file, entry.testId, entry.owner, entry.reason)),
      (entry) => [
        entry.expired ? `expired ${entry.expires}` : `${entry.expires} (${entry.daysLeft} days)`,
        entry.owner,
        entry.reason,
        entry.issue ?? '',
        nameCell(entry.fullName ?? entry.testId, entry.file),
      ],
      (entry) => (entry.expired ? 'expired' : ''),
    ),
    pagedTable(
      'recommendations',
      ['action', 'figure', 'recommendation'],
      () => report.recommendations.filter((entry) => matches(entry.fullName, entry.testId, entry.message)),
      (entry) => [entry.action, entry.figure, entry.message],
    ),
    pagedTable(
      'effectiveness',
      ['kind', 'figure', 'test'],
      () =>
        [
          ...report.effectiveness.caught.map((entry) => ({
            kind: 'caught real failures',
            figure: `${entry.caught} caught`,
            testId: entry.testId,
            fullName: entry.fullName,
          })),
          ...report.effectiveness.neverFailed.map((entry) => ({
            kind: 'costly, never failed',
            figure: `${ms(entry.medianMs)} median, ${entry.runs} runs`,
            testId: entry.testId,
            fullName: entry.fullName,
          })),
        ].filter((entry) => matches(entry.fullName, entry.testId, fileOf.get(entry.testId))),
      (entry) => [entry.kind, entry.figure, nameCell(entry.fullName, fileOf.get(entry.testId))],
    ),
  ];

  function redraw(): void {
    renderHeatmap();
    for (const draw of redraws) draw();
  }

  const search = byId('search') as HTMLInputElement;
  search.addEventListener('input', () => {
    state.query = search.value.trim().toLowerCase();
    redraw();
  });
  const classFilter = byId('class-filter') as HTMLSelectElement;
  for (const name of Object.keys(report.totals.classes)) {
    const option = el('option', `${name} (${report.totals.classes[name] ?? 0})`);
    option.value = name;
    classFilter.appendChild(option);
  }
  classFilter.addEventListener('change', () => {
    state.testClass = classFilter.value;
    redraw();
  });

  byId('generated').textContent =
    `${report.totals.runs} runs from ${report.totals.firstRunAt ?? 'n/a'} to ${report.totals.lastRunAt ?? 'n/a'}; generated ${report.generatedAt}`;
  renderTotals();
  renderTrends();
  renderCoverage();
  redraw();
  document.body.setAttribute('data-ready', 'true');
}
