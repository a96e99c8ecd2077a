import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import type { CommandIo } from '../src/cli/command.js';
import { parseBaselinesFile } from '../src/baselines/baselines-file.js';
import { testIdOf } from '../src/model.js';
import { openHistoryStore } from '../src/store/open-store.js';

const root = mkdtempSync(join(tmpdir(), 'flaky-baselines-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function io(cwd: string): CommandIo & { out: string; err: string } {
  const collected = { out: '', err: '' };
  return Object.assign(collected, {
    cwd,
    env: {},
    isTTY: false,
    stdout: (text: string) => void (collected.out += text),
    stderr: (text: string) => void (collected.err += text),
  });
}

/** A project whose store has 12 runs of two tests: `slow` at 200-211 ms, `quick` at 5 ms. */
async function projectWithHistory(name: string): Promise<string> {
  const cwd = join(root, name);
  await using store = await openHistoryStore({ cwd });
  for (let run = 0; run < 12; run++) {
    const runId = `run-${run}`;
    await store.recordRun({
      runId,
      commit: `c${run}`,
      nodeVersion: 'v24',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1, run)).toISOString(),
    });
    await store.recordAttempts(
      (['slow', 'quick'] as const).map((fullName) => ({
        runId,
        testId: testIdOf('a.test.js', fullName),
        file: 'a.test.js',
        fullName,
        attempt: 1,
        status: 'passed' as const,
        durationMs: fullName === 'slow' ? 200 + run : 5,
      })),
    );
  }
  return cwd;
}

describe('flaky-detector baselines export', () => {
  it('should print every test baseline of the store as versioned JSON', async () => {
    const cwd = await projectWithHistory('export');
    const cli = io(cwd);

    const code = await runCli(['baselines', 'export'], cli);

    expect(code).toBe(0);
    const file = parseBaselinesFile(cli.out, 'stdout');
    expect(file).toMatchObject({ version: 1, window: 30, minSamples: 10 });
    expect(file.baselines.map(({ fullName, medianMs, madMs, samples }) => [fullName, medianMs, madMs, samples]).sort()).toEqual([
      ['quick', 5, 0, 12],
      ['slow', 205.5, 3, 12],
    ]);
  });

  it('should write to --out and take the window from the command line', async () => {
    const cwd = await projectWithHistory('export-out');
    const cli = io(cwd);

    expect(await runCli(['baselines', 'export', '--out', 'ci/durations.json', '--window', '10'], cli)).toBe(0);

    const file = parseBaselinesFile(readFileSync(join(cwd, 'ci', 'durations.json'), 'utf8'), 'durations.json');
    expect(file.window).toBe(10);
    expect(file.baselines.find((baseline) => baseline.fullName === 'slow')).toMatchObject({ medianMs: 206.5, samples: 10 });
    expect(cli.err).toContain(`Wrote 2 baselines to ${join(cwd, 'ci', 'durations.json')}`);
  });

  it('should refuse a window under 10 samples', async () => {
    const cli = io(root);

    expect(await runCli(['baselines', 'export', '--window', '5'], cli)).toBe(1);
    expect(cli.err).toContain('--window takes a whole number >= 10, got "5"');
  });
});

describe('flaky-detector baselines import', () => {
  const valid = (): string =>
    JSON.stringify({
      version: 1,
      exportedAt: '2026-01-01T00:00:00.000Z',
      window: 30,
      minSamples: 10,
      baselines: [{ testId: testIdOf('a.test.js', 'slow'), file: 'a.test.js', fullName: 'slow', medianMs: 200, madMs: 2, samples: 30 }],
    });

  it('should check the file and copy it to .flaky-detector/baselines.json', async () => {
    const cwd = join(root, 'import');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'main.json'), valid());
    const cli = io(cwd);

    expect(await runCli(['baselines', 'import', 'main.json'], cli)).toBe(0);

    expect(JSON.parse(readFileSync(join(cwd, '.flaky-detector', 'baselines.json'), 'utf8'))).toEqual(JSON.parse(valid()));
  });

  it('should name the field at fault and write nothing', async () => {
    const cwd = join(root, 'import-bad');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'main.json'), valid().replace('"medianMs":200', '"medianMs":"fast"'));
    const cli = io(cwd);

    expect(await runCli(['baselines', 'import', 'main.json'], cli)).toBe(1);

    expect(cli.err).toContain('- baselines[0].medianMs: expected a number >= 0, got string "fast".');
    expect(() => readFileSync(join(cwd, '.flaky-detector', 'baselines.json'))).toThrow();
  });

  it('should leave an existing target that is not a baselines file alone unless --force', async () => {
    const cwd = join(root, 'import-over');
    mkdirSync(join(cwd, '.flaky-detector'), { recursive: true });
    writeFileSync(join(cwd, 'main.json'), valid());
    writeFileSync(join(cwd, '.flaky-detector', 'baselines.json'), 'not json, maybe notes');
    const cli = io(cwd);

    expect(await runCli(['baselines', 'import', 'main.json'], cli)).toBe(1);
    expect(cli.err).toContain('that file is there and is not a valid baselines file, so it was left as it is');
    expect(readFileSync(join(cwd, '.flaky-detector', 'baselines.json'), 'utf8')).toBe('not json, maybe notes');

    expect(await runCli(['baselines', 'import', 'main.json', '--force'], io(cwd))).toBe(0);
    expect(readFileSync(join(cwd, '.flaky-detector', 'baselines.json'), 'utf8')).toContain('"medianMs": 200');
  });

  it('should say which actions there are', async () => {
    const cli = io(root);

    expect(await runCli(['baselines', 'exprot'], cli)).toBe(1);
    expect(cli.err).toContain('there is no action "exprot": say export or import');
  });
});
