import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, jestConfigModule, testModule, type JestProject } from './jest-project.js';

// --- Code that runs inside the temporary projects (typed here, written there with testModule) ---

/** Prints the mode and record policy the test file sees (CommonJS project). */
function reportsTheMode(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { currentMode, currentRecordPolicy } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  test('reports the mode', () => {
    console.log(`MODE=${currentMode()} RECORD=${currentRecordPolicy()}`);
    expect(typeof currentMode()).toBe('string');
  });
}

/** The same in a native ESM project. */
async function reportsTheModeEsm(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  const { currentMode, currentRecordPolicy } = await import('@proving-ground/test-modes');
  test('reports the mode', () => {
    console.log(`MODE=${currentMode()} RECORD=${currentRecordPolicy()}`);
    expect(typeof currentMode()).toBe('string');
  });
}

const MODE_TEST = testModule(reportsTheMode);
const SETUP_FILES_CONFIG = jestConfigModule({ testEnvironment: 'node', setupFiles: ['@proving-ground/test-modes/setup'] });

function countOccurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('TEST_MODE and TEST_RECORD in a real Jest run', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject({
      'jest.config.js': SETUP_FILES_CONFIG,
      'mode.test.js': MODE_TEST,
    });
  });
  afterAll(() => project.remove());

  it('should default to mock and record none', async () => {
    const run = await project.run();

    expect(run.exitCode).toBe(0);
    expect(run.stdout + run.stderr).toContain('MODE=mock RECORD=none');
    expect(run.stderr).toContain('[test-modes] mode=mock (from default) record=none (from default)');
  });

  it('should accept upper-case values', async () => {
    const run = await project.run({ env: { TEST_MODE: 'GOLDEN' } });

    expect(run.exitCode).toBe(0);
    expect(run.stdout + run.stderr).toContain('MODE=golden RECORD=none');
  });

  it('should stop before any test on an unknown mode, listing the valid values and the nearest match', async () => {
    const run = await project.run({ env: { TEST_MODE: 'gloden' } });

    expect(run.exitCode).not.toBe(0);
    expect(run.tests).toHaveLength(0);
    expect(run.stderr).toContain(
      '[test-modes] Failed to read TEST_MODE: "gloden" is not a valid value. Valid values: mock, golden, live_smoke',
    );
    expect(run.stderr).toContain('Did you mean "golden"?');
  });

  it('should refuse to record when CI is set, saying how to allow it', async () => {
    const run = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing', CI: 'true' } });

    expect(run.exitCode).not.toBe(0);
    expect(run.tests).toHaveLength(0);
    expect(run.stderr).toContain('[test-modes] Failed to start recording: TEST_RECORD=missing was requested while CI is set');
    expect(run.stderr).toContain('TEST_RECORD_IN_CI=1');
  });

  it('should record on CI when TEST_RECORD_IN_CI=1', async () => {
    const run = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'all', CI: 'true', TEST_RECORD_IN_CI: '1' } });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('[test-modes] mode=live_smoke (from TEST_MODE) record=all (from TEST_RECORD)');
  });

  it('should refuse a record policy outside live_smoke', async () => {
    const run = await project.run({ env: { TEST_MODE: 'golden', TEST_RECORD: 'missing' } });

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('TEST_RECORD=missing only applies in live_smoke mode, and the mode is golden');
  });
});

describe('the mode banner', () => {
  const files = {
    'one.test.js': MODE_TEST,
    'two.test.js': MODE_TEST,
    'three.test.js': MODE_TEST,
  };

  it('should be printed once for a run with several workers (setupFiles only)', async () => {
    const project = createJestProject({
      'jest.config.js': SETUP_FILES_CONFIG,
      ...files,
    });

    const run = await project.run({ args: ['--maxWorkers=2'] });
    project.remove();

    expect(run.exitCode).toBe(0);
    expect(countOccurrences(run.stderr, '[test-modes] mode=mock')).toBe(1);
  });

  it('should be printed once by the global setup, which also stops a bad run before any worker starts', async () => {
    const project = createJestProject({
      'jest.config.js': jestConfigModule({
        testEnvironment: 'node',
        globalSetup: '@proving-ground/test-modes/global-setup',
        setupFiles: ['@proving-ground/test-modes/setup'],
      }),
      ...files,
    });

    const good = await project.run({ env: { TEST_MODE: 'golden' }, args: ['--maxWorkers=2'] });
    const bad = await project.run({ env: { TEST_MODE: 'replay' }, args: ['--maxWorkers=2'] });
    project.remove();

    expect(good.exitCode).toBe(0);
    expect(countOccurrences(good.stderr, '[test-modes] mode=golden')).toBe(1);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.numTotalTests).toBe(0);
    expect(countOccurrences(bad.stderr, '[test-modes] Failed to read TEST_MODE: "replay"')).toBe(1);
  });
});

describe('the config file', () => {
  it('should report every problem at once, by option name, and run nothing', async () => {
    const project = createJestProject({
      'jest.config.js': SETUP_FILES_CONFIG,
      'test-modes.config.json': JSON.stringify({
        defaultMode: 'replay',
        allowHost: ['x'],
        allowHosts: ['https://api.example.com/v1', 3],
        banner: 'yes',
      }),
      'mode.test.js': MODE_TEST,
    });

    const run = await project.run();
    project.remove();

    expect(run.exitCode).not.toBe(0);
    expect(run.tests).toHaveLength(0);
    expect(run.stderr).toContain('test-modes.config.json: 4 invalid options.');
    expect(run.stderr).toContain('- defaultMode: expected one of mock, golden, live_smoke, got "replay".');
    expect(run.stderr).toContain('- allowHost: unknown option. Did you mean "allowHosts"?');
    expect(run.stderr).toContain('[0]: "https://api.example.com/v1" is a URL; list the host only (for example "api.example.com")');
    expect(run.stderr).toContain('[1]: expected a host name string or a RegExp, got number');
    expect(run.stderr).toContain('- banner: expected true or false, got "yes".');
  });

  it('should load a TypeScript config file and apply its defaults (from setupFilesAfterEnv too)', async () => {
    const project = createJestProject(
      {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', transform: {}, setupFilesAfterEnv: ['@proving-ground/test-modes/setup'] },
          { esm: true },
        ),
        'test-modes.config.ts': `import type { TestModesConfig } from '@proving-ground/test-modes';\nconst config: TestModesConfig = { defaultMode: 'golden', banner: true };\nexport default config;\n`,
        'mode.test.js': testModule(reportsTheModeEsm),
      },
      { esm: true },
    );

    const run = await project.run();
    project.remove();

    expect(run.exitCode).toBe(0);
    expect(run.stdout + run.stderr).toContain('MODE=golden RECORD=none');
    expect(run.stderr).toContain('mode=golden (from config)');
  });
});
