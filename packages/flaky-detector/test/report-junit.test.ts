import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { isFlakyError } from '../src/errors.js';
import { renderJunit, type JunitAttempt } from '../src/report/junit.js';
import { chromiumForTests, launchChromium } from './chromium.js';
import { REPORT_TESTS, reportHistory, reportTestId } from './report-history.js';

const chromium = chromiumForTests();
const describeWithChromium = chromium.executablePath === undefined ? describe.skip : describe;
let browser: Browser | undefined;

/** What a real XML parser (Chromium's, libxml2) reads back from a JUnit document. */
interface ParsedJunit {
  error: string | undefined;
  testcases: {
    name: string | null;
    time: string | null;
    testId: string | undefined;
    failures: { element: string; message: string | null; text: string }[];
  }[];
}

async function parseXml(xml: string): Promise<ParsedJunit> {
  const page = await browser!.newPage();
  try {
    return await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      return {
        error: error === undefined ? undefined : (error.textContent ?? 'parse error'),
        testcases: [...doc.getElementsByTagName('testcase')].map((testcase) => ({
          name: testcase.getAttribute('name'),
          time: testcase.getAttribute('time'),
          testId:
            [...testcase.getElementsByTagName('property')]
              .find((property) => property.getAttribute('name') === 'testId')
              ?.getAttribute('value') ?? undefined,
          failures: [...testcase.children]
            .filter((child) => ['failure', 'flakyFailure', 'rerunFailure'].includes(child.tagName))
            .map((child) => ({ element: child.tagName, message: child.getAttribute('message'), text: child.textContent?.trim() ?? '' })),
        })),
      };
    }, xml);
  } finally {
    await page.close();
  }
}

/** A run whose one test failed twice with hostile text, then passed. */
function hostileRun(message: string, stack: string): { runs: ReturnType<typeof reportHistory>['runs']; attempts: JunitAttempt[] } {
  const run = reportHistory().runs[0]!;
  const base = {
    runId: run.runId,
    testId: 'aaaaaaaaaaaaaaaa',
    file: 'src/x&y.test.ts',
    fullName: 'quotes " and \' and <tags> & ]]> in a name\u0007',
    durationMs: 12,
  };
  return {
    runs: [run],
    attempts: [
      { ...base, attempt: 1, status: 'failed', errorMessage: message, errorStack: stack },
      { ...base, attempt: 2, status: 'failed', errorMessage: message, errorStack: stack },
      { ...base, attempt: 3, status: 'passed' },
    ],
  };
}

beforeAll(async () => {
  if (chromium.executablePath !== undefined) browser = await launchChromium(chromium.executablePath);
});

afterAll(async () => {
  await browser?.close();
});

describe('renderJunit', () => {
  it('should keep a retried pass as flakyFailure elements and a test failing every attempt as failure then rerunFailure', () => {
    const history = reportHistory();

    const retried = renderJunit(history, { runId: 'run-02' });
    const broken = renderJunit(history, { runId: 'run-11' });

    const socket = retried.slice(retried.indexOf(`name="${REPORT_TESTS.flaky.fullName}"`));
    expect(socket.slice(0, socket.indexOf('</testcase>'))).toContain(
      '<flakyFailure message="Attempt 1 of 2 failed (error fingerprint fp18)"',
    );
    expect(retried).not.toContain('<failure');
    const invoice = broken.slice(broken.indexOf(`name="${REPORT_TESTS.broken.fullName}"`));
    const invoiceCase = invoice.slice(0, invoice.indexOf('</testcase>'));
    expect(invoiceCase.match(/<failure /g)).toHaveLength(1);
    expect(invoiceCase.match(/<rerunFailure /g)).toHaveLength(1);
    expect(broken).toMatch(/<testsuites name="flaky-detector" tests="8" failures="1" errors="0" skipped="1"/);
  });

  it('should write the latest run when no run is named, and name the run it cannot find', () => {
    const history = reportHistory();

    const latest = renderJunit(history);
    let error: unknown;
    try {
      renderJunit(history, { runId: 'run-99' });
    } catch (caught) {
      error = caught;
    }

    expect(latest).toContain('<property name="runId" value="run-12"/>');
    expect(isFlakyError(error) && error.code).toBe('FLAKY_REPORT_NO_RUN');
    expect((error as Error).message).toBe(
      '[flaky-detector] Failed to write the JUnit report: the history holds no run "run-99". Copy a run id from `flaky-detector report --format json` (runs[].runId).',
    );
  });

  it('should leave out characters XML cannot hold and split a CDATA terminator', () => {
    const xml = renderJunit(hostileRun('expected\u0000 "a" <b> & c\u001b[31m', 'Error: x ]]> y\n    at z (a.ts:1:2)\u000b'));

    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('<![CDATA[Error: x ]]]]><![CDATA[> y\n    at z (a.ts:1:2)]]>');
    expect(xml).toContain('message="expected &quot;a&quot; &lt;b&gt; &amp; c"');
  });
});

describeWithChromium(`renderJunit read by Chromium's XML parser ${chromium.skipReason ?? ''}`, () => {
  it('should be well-formed XML that a real parser reads back exactly', async () => {
    const history = reportHistory();
    const message = 'expected\u0000 "a" <b> & c\u001b[31m, 😀 and a lone \ud800 surrogate';
    const stack = 'Error: x ]]> y\n    at z (a.ts:1:2)\u000b';

    const hostile = await parseXml(renderJunit(hostileRun(message, stack)));
    const latest = await parseXml(renderJunit(history, { runId: 'run-11' }));

    expect(hostile.error).toBeUndefined();
    expect(hostile.testcases).toEqual([
      {
        name: 'quotes " and \' and <tags> & ]]> in a name',
        time: '0.036',
        testId: 'aaaaaaaaaaaaaaaa',
        failures: [
          {
            element: 'flakyFailure',
            message: 'expected "a" <b> & c, 😀 and a lone  surrogate',
            text: 'Error: x ]]> y\n    at z (a.ts:1:2)',
          },
          {
            element: 'flakyFailure',
            message: 'expected "a" <b> & c, 😀 and a lone  surrogate',
            text: 'Error: x ]]> y\n    at z (a.ts:1:2)',
          },
        ],
      },
    ]);
    expect(latest.error).toBeUndefined();
    expect(latest.testcases).toHaveLength(8);
    expect(
      latest.testcases.find((testcase) => testcase.testId === reportTestId('broken'))?.failures.map((failure) => failure.element),
    ).toEqual(['failure', 'rerunFailure']);
  });
});
