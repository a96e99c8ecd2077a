import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Browser } from 'playwright-core';

/** Where a test finds Chromium: the path `scripts/install-chromium.sh` prints, or Debian's usual places. */
const CHROMIUM_ENV = 'PROVING_GROUND_CHROMIUM';
const INSTALL = '`export PROVING_GROUND_CHROMIUM="$(bash scripts/install-chromium.sh)"` (Debian\'s chromium package)';

/** Chromium for a test: its executable, or why the test is skipped. */
export type ChromiumForTests = { executablePath: string; skipReason?: undefined } | { executablePath?: undefined; skipReason: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser tests drive with playwright-core. On a developer's machine without one,
 * the reason to put in the skipped test's title; in CI (`CI` set) a missing browser is an error,
 * so a CI run never passes by skipping what it was meant to prove.
 *
 * @example
 * const chromium = chromiumForTests();
 * (chromium.executablePath === undefined ? it.skip : it)(`should ... ${chromium.skipReason ?? ''}`, async () => { ... });
 */
export function chromiumForTests(): ChromiumForTests {
  const fromEnv = process.env[CHROMIUM_ENV];
  const candidates = [
    ...(fromEnv === undefined || fromEnv === '' ? [] : [fromEnv]),
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    ...(process.env['PATH'] ?? '').split(delimiter).map((folder) => join(folder, 'chromium')),
  ];
  const found = candidates.find(executable);
  if (found !== undefined) return { executablePath: found };
  if (process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false') {
    throw new Error(
      `[flaky-detector tests] Failed to find Chromium in CI: ${CHROMIUM_ENV} is not set and no chromium is on PATH. .ci/run installs it with scripts/install-chromium.sh; check its output.`,
    );
  }
  return { skipReason: `(skipped: Chromium is missing: install it with ${INSTALL})` };
}

/**
 * A headless Chromium launched with playwright-core, closed by `await using`.
 *
 * @example
 * await using browser = await launchChromium(path);
 */
export async function launchChromium(executablePath: string): Promise<Browser & AsyncDisposable> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}
