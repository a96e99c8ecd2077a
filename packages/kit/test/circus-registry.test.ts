import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createJestProject, testModule, type JestProject } from '@proving-ground/test-kit';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtKit = join(packageDir, 'dist', 'index.mjs');

/** What each registered handler saw, in order, per test file: written by the projects' tests. */
type Seen = string[];

// --- Code that runs inside the temporary projects (typed here, written there with testModule) ---

declare const process: NodeJS.Process;

/** Register a handler through one bundled copy of the kit, as a package's setup file does. */
async function register(owner: string, copy: string): Promise<void> {
  const kit = (await import(copy)) as typeof import('../src/index.js');
  const holder = globalThis as unknown as { seen?: string[] };
  kit.addCircusEventHandler(owner, (event: { name: string; test?: { name: string } }) => {
    if (event.name === 'test_start' || event.name === 'test_done') (holder.seen ??= []).push(`${owner}:${event.name}:${event.test?.name}`);
  });
}

async function setupA(): Promise<void> {
  await register('a', './copy-a.mjs');
}

async function setupB(): Promise<void> {
  await register('b', './copy-b.mjs');
}

/** A setup file written the pre-kit way: its own setter on jest-circus's slot. */
function setupLegacy(): void {
  const kEventHandlers = Symbol.for('EVENT_HANDLERS');
  const holder = globalThis as unknown as Record<symbol, unknown> & { seen?: string[] };
  const handler = (event: { name: string; test?: { name: string } }): void => {
    if (event.name === 'test_start') (holder.seen ??= []).push(`legacy:${event.name}:${event.test?.name}`);
  };
  const existing = holder[kEventHandlers];
  if (Array.isArray(existing)) {
    existing.unshift(handler);
    return;
  }
  const previous = Object.getOwnPropertyDescriptor(holder, kEventHandlers);
  Object.defineProperty(holder, kEventHandlers, {
    configurable: true,
    get: () => undefined,
    set: (value: unknown) => {
      Object.defineProperty(holder, kEventHandlers, { value, writable: true, configurable: true });
      previous?.set?.call(holder, value);
      (holder[kEventHandlers] as unknown[]).unshift(handler);
    },
  });
}

async function renamingSetup(): Promise<void> {
  const copy: string = './copy-a.mjs';
  const kit = (await import(copy)) as typeof import('../src/index.js');
  kit.addCircusEventHandler('renamer', (event: { name: string; testName?: unknown }) => {
    if (event.name === 'add_test' && typeof event.testName === 'string') event.testName = `[renamed] ${event.testName}`;
  });
}

/** A handler written in JavaScript that returns whatever its expression gives (false, a number). */
async function valueReturningSetup(): Promise<void> {
  const copy: string = './copy-a.mjs';
  const kit = (await import(copy)) as typeof import('../src/index.js');
  const holder = globalThis as unknown as { seen?: string[] };
  const handler = (event: { name: string }): unknown => event.name === 'test_start' && (holder.seen ??= []).push('value');
  // Called as JavaScript calls it: nothing checks the handler's return type.
  Reflect.apply(kit.addCircusEventHandler, undefined, ['value', handler]);
}

async function writesWhatWasSeen(): Promise<void> {
  const { writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const jest = await import('@jest/globals');
  jest.test('first', () => jest.expect(true).toBe(true));
  jest.test('second', () => jest.expect(true).toBe(true));
  jest.afterAll(() => {
    const seen = (globalThis as unknown as { seen?: string[] }).seen ?? [];
    writeFileSync(path.join(process.env['OUT_DIR']!, 'seen.json'), JSON.stringify(seen));
  });
}

// --- The checks ---

describe('addCircusEventHandler', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  async function run(
    setupFiles: string[],
    files: Record<string, string>,
  ): Promise<{ seen: Seen; titles: string[]; exitCode: number | null }> {
    const project = createJestProject({
      packageDir,
      esm: true,
      files: {
        ...files,
        'seen.test.mjs': testModule(writesWhatWasSeen),
        'jest.config.mjs': `export default ${JSON.stringify({ testEnvironment: 'node', transform: {}, testMatch: ['**/*.test.mjs'], setupFiles })};`,
      },
    });
    projects.push(project);
    copyFileSync(builtKit, join(project.dir, 'copy-a.mjs'));
    copyFileSync(builtKit, join(project.dir, 'copy-b.mjs'));
    const result = await project.run();
    return {
      seen: (result.outputs['seen.json'] as Seen | undefined) ?? [],
      titles: result.tests.map((test) => test.title),
      exitCode: result.exitCode,
    };
  }

  it.each([
    ['a then b', ['<rootDir>/setup-a.mjs', '<rootDir>/setup-b.mjs'], ['a', 'b']],
    ['b then a', ['<rootDir>/setup-b.mjs', '<rootDir>/setup-a.mjs'], ['b', 'a']],
  ])('should run the handlers of two bundled copies in setup-file order (%s)', async (_order, setupFiles, owners) => {
    const { seen, exitCode } = await run(setupFiles, {
      'setup-a.mjs': testModule(setupA, register),
      'setup-b.mjs': testModule(setupB, register),
    });

    expect(exitCode).toBe(0);
    const [first, second] = owners as [string, string];
    expect(seen).toEqual([
      `${first}:test_start:first`,
      `${second}:test_start:first`,
      `${first}:test_done:first`,
      `${second}:test_done:first`,
      `${first}:test_start:second`,
      `${second}:test_start:second`,
      `${first}:test_done:second`,
      `${second}:test_done:second`,
    ]);
  });

  it('should keep a setup file that waits for the slot its own way working, before or after the registry', async () => {
    const files = { 'setup-a.mjs': testModule(setupA, register), 'setup-legacy.mjs': testModule(setupLegacy) };

    const legacyFirst = await run(['<rootDir>/setup-legacy.mjs', '<rootDir>/setup-a.mjs'], files);
    const legacyLast = await run(['<rootDir>/setup-a.mjs', '<rootDir>/setup-legacy.mjs'], files);

    for (const { seen } of [legacyFirst, legacyLast]) {
      expect(seen.filter((entry) => entry.includes('test_start'))).toEqual(
        expect.arrayContaining(['a:test_start:first', 'legacy:test_start:first', 'a:test_start:second', 'legacy:test_start:second']),
      );
    }
  });

  it('should ignore what a handler returns when it is not a promise, and run the next handlers', async () => {
    const { seen, exitCode } = await run(['<rootDir>/setup-value.mjs', '<rootDir>/setup-a.mjs'], {
      'setup-value.mjs': testModule(valueReturningSetup),
      'setup-a.mjs': testModule(setupA, register),
    });

    expect(exitCode).toBe(0);
    expect(seen).toEqual(['value', 'a:test_start:first', 'a:test_done:first', 'value', 'a:test_start:second', 'a:test_done:second']);
  });

  it('should let a handler rewrite add_test, which jest-circus dispatches synchronously', async () => {
    const { titles, exitCode } = await run(['<rootDir>/setup-renamer.mjs'], { 'setup-renamer.mjs': testModule(renamingSetup) });

    expect(exitCode).toBe(0);
    expect(titles).toEqual(['[renamed] first', '[renamed] second']);
  });
});
