import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { testIdOf, type AttemptRecord, type History, type RunRecord } from '../src/model.js';
import { buildReport } from '../src/report/build-report.js';
import { renderHtml } from '../src/report/html/dashboard.js';
import { analyzeHistory } from '../src/scoring/analyze-history.js';
import { openHistoryStore } from '../src/store/open-store.js';
import { chromiumForTests, launchChromium } from './chromium.js';
import { HOSTILE_NAMES, REPORT_TESTS, reportHistory } from './report-history.js';

const chromium = chromiumForTests();
const describeWithChromium = chromium.executablePath === undefined ? describe.skip : describe;
const folder = mkdtempSync(join(tmpdir(), 'flaky-dashboard-'));
let browser: Browser | undefined;

/** The dashboard of `history` written to a file, as a user opens it. */
function dashboardFile(name: string, history: History): string {
  const file = join(folder, name);
  writeFileSync(file, renderHtml(buildReport(history, analyzeHistory(history), { now: new Date('2026-03-02T00:00:00Z') })));
  return file;
}

/** The page with `file` open, once its script has drawn it; every request it makes is collected. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser!.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => {
    if (request.url() !== pathToFileURL(file).href) requests.push(request.url());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return { page, requests, errors };
}

/** A history of `runCount` runs of `testCount` tests, every 7th test failing every 5th run then passing on retry. */
function largeHistory(runCount: number, testCount: number): History {
  const runs: RunRecord[] = [];
  const attempts: AttemptRecord[] = [];
  for (let run = 0; run < runCount; run++) {
    const runId = `big-${run}`;
    runs.push({
      runId,
      commit: `c${run}`,
      nodeVersion: 'v24.11.0',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, run)).toISOString(),
    });
    for (let test = 0; test < testCount; test++) {
      const fullName = `module ${String(test).padStart(3, '0')} behaves`;
      const file = `src/module-${test % 10}.test.ts`;
      const base = { runId, testId: testIdOf(file, fullName), file, fullName, durationMs: 5 + test };
      if (test % 7 === 0 && run % 5 === 0) {
        attempts.push({ ...base, attempt: 1, status: 'failed', errorFingerprint: 'f1' }, { ...base, attempt: 2, status: 'passed' });
      } else attempts.push({ ...base, attempt: 1, status: 'passed' });
    }
  }
  return { runs, attempts };
}

beforeAll(async () => {
  if (chromium.executablePath !== undefined) browser = await launchChromium(chromium.executablePath);
});

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describeWithChromium(`the HTML dashboard in headless Chromium ${chromium.skipReason ?? ''}`, () => {
  it('should draw a bar and a point per run and a heatmap cell per test and run', async () => {
    const { page, requests, errors } = await open(dashboardFile('small.html', reportHistory()));

    const counts = await page.evaluate(() => ({
      bars: document.querySelectorAll('#trend-duration rect.bar').length,
      failedBars: document.querySelectorAll('#trend-duration rect.bar.failed').length,
      points: document.querySelectorAll('#trend-pass circle.point').length,
      cells: document.querySelectorAll('#heatmap-svg rect.cell').length,
      failed: document.querySelectorAll('#heatmap-svg rect.cell-f').length,
      retried: document.querySelectorAll('#heatmap-svg rect.cell-k').length,
      skipped: document.querySelectorAll('#heatmap-svg rect.cell-s').length,
      flakyRows: document.querySelectorAll('#flaky tbody tr').length,
      coveragePoints: document.querySelectorAll('#trend-coverage circle.coverage-point').length,
      coverageDrop: document.querySelector('#trend-coverage .coverage-drop')?.textContent,
      effectiveness: [...document.querySelectorAll('#effectiveness tbody .test-name')].map((node) => node.textContent),
    }));

    expect(counts).toEqual({
      bars: 12,
      failedBars: 4,
      points: 12,
      cells: 8 * 12,
      failed: 4,
      retried: 4 + 2 + 3,
      skipped: 12,
      flakyRows: 3,
      coveragePoints: 12,
      coverageDrop: 'Dropped in the latest run: lines 84.00% to 80.50% (-3.50 points).',
      effectiveness: ['refund rejects a negative amount'],
    });
    expect(await page.locator('#trend-duration rect.bar').last().locator('title').textContent()).toMatch(/^run-12: /);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('should narrow the tables and the heatmap as the search box is typed in and a class is picked', async () => {
    const { page } = await open(dashboardFile('filters.html', reportHistory()));
    const visible = (): Promise<{ tests: string[]; heatmapRows: number }> =>
      page.evaluate(() => ({
        tests: [...document.querySelectorAll('#tests tbody .test-name')].map((node) => node.textContent ?? ''),
        heatmapRows: document.querySelectorAll('#heatmap-svg .heatmap-label').length,
      }));
    expect((await visible()).tests).toHaveLength(8);

    await page.locator('#search').pressSequentially('socket');
    const searched = await visible();
    await page.locator('#search').fill('');
    await page.locator('#class-filter').selectOption('broken');
    const broken = await visible();

    expect(searched).toEqual({ tests: [REPORT_TESTS.flaky.fullName], heatmapRows: 1 });
    expect(broken).toEqual({ tests: [REPORT_TESTS.broken.fullName], heatmapRows: 1 });
    await page.close();
  });

  it('should show test names holding HTML and script as text and run none of it', async () => {
    const { page, errors } = await open(dashboardFile('hostile.html', reportHistory()));

    const seen = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      images: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      names: [...document.querySelectorAll('#tests tbody .test-name')].map((node) => node.textContent),
      flakyNames: [...document.querySelectorAll('#flaky tbody .test-name')].map((node) => node.textContent),
    }));

    expect(seen.pwned).toBeUndefined();
    expect(seen.images).toBe(0);
    expect(seen.scripts).toBe(2);
    expect(seen.names).toEqual(expect.arrayContaining([HOSTILE_NAMES.img, HOSTILE_NAMES.script]));
    expect(seen.flakyNames).toEqual(expect.arrayContaining([HOSTILE_NAMES.img, HOSTILE_NAMES.script]));
    expect(await page.locator('#flaky .test-name', { hasText: HOSTILE_NAMES.script }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('should cap the heatmap and page through the tests of a large history', async () => {
    const { page, requests } = await open(dashboardFile('large.html', largeHistory(120, 130)));

    const first = await page.evaluate(() => ({
      bars: document.querySelectorAll('#trend-duration rect.bar').length,
      cells: document.querySelectorAll('#heatmap-svg rect.cell').length,
      rows: document.querySelectorAll('#tests tbody tr').length,
      pager: document.querySelector('#tests .page-info')?.textContent,
      note: document.querySelector('#heatmap p')?.textContent,
    }));
    await page.locator('#tests .pager button', { hasText: 'Next' }).click();
    const second = await page.evaluate(() => ({
      pager: document.querySelector('#tests .page-info')?.textContent,
      firstName: document.querySelector('#tests tbody .test-name')?.textContent,
    }));

    expect(first).toEqual({
      bars: 120,
      cells: 60 * 60,
      rows: 50,
      pager: 'Page 1 of 3 (130 rows)',
      note: '60 tests by 60 runs; not shown: 70 tests with fewer failures, 60 older runs.',
    });
    // Slowest first: module 129 is the slowest, so the second page starts at module 079.
    expect(second).toEqual({ pager: 'Page 2 of 3 (130 rows)', firstName: 'module 079 behaves' });
    expect(requests).toEqual([]);
    await page.close();
  });

  it('should work as the built command line writes it', async () => {
    const history = reportHistory();
    const store = join(folder, 'history.sqlite');
    await using writer = await openHistoryStore({ path: store });
    for (const run of history.runs) await writer.recordRun(run);
    await writer.recordAttempts(history.attempts);
    const file = join(folder, 'built.html');
    const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));

    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'report', '--format', 'html', '--store', store, '--out', file], {
      cwd: folder,
    });
    const { page, errors, requests } = await open(file);

    expect(stdout).toBe(`${file}\n`);
    expect(await page.locator('#trend-duration rect.bar').count()).toBe(12);
    expect(await page.locator('#flaky tbody tr').count()).toBe(3);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
