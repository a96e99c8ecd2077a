import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatCassetteJson, cassetteMatchers, estimateCost, type Cassette } from '../src/index.js';
import { jestConfigModule, testModule } from '@proving-ground/test-kit';
import { createJestProject, type JestProject } from './jest-project.js';

const packageDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(packageDir, '..', '..');
const cli = join(packageDir, 'dist', 'cli.mjs');
mkdirSync(join(packageDir, '.tmp'), { recursive: true });

const streamed: Cassette = {
  version: 1,
  recordedAt: '2020-01-01T00:00:00.000Z',
  recordedWith: 'test',
  test: { file: 'gone.test.ts', name: 'gone' },
  interactions: [
    {
      id: 'abc',
      request: {
        method: 'POST',
        url: 'https://llm.test/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        body: { json: { model: 'gpt-4o-mini' } },
      },
      response: {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        stream: {
          kind: 'sse',
          chunks: [
            { atMs: 0, text: 'data: {"a":1}\n\n' },
            { atMs: 12, text: 'data: [DONE]\n\n' },
          ],
          end: { kind: 'complete' },
        },
      },
      usage: { model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 500 },
    },
  ],
};

function run(args: string[], cwd: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

describe('proving-ground-cassettes CLI', () => {
  it('should lint schema, secrets, orphans and staleness, with a failing exit code', () => {
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    mkdirSync(join(dir, '__cassettes__', 'gone.test.ts'), { recursive: true });
    const leaking = { ...streamed, interactions: [streamed.interactions[0]!, { ...streamed.interactions[0]!, id: 'def' }] };
    leaking.interactions[1]!.request = {
      ...leaking.interactions[1]!.request,
      headers: { authorization: 'Bearer sk-proj-abcdefghijklmnopqrstuvwxyz' },
    };
    writeFileSync(join(dir, '__cassettes__', 'gone.test.ts', 'a.json'), formatCassetteJson(leaking));
    writeFileSync(join(dir, '__cassettes__', 'truncated.json'), '{"version": 1, "interac');

    const result = run(['lint', '.', '--max-age', '30d'], dir);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('[schema] [cassettes] Failed to read cassette __cassettes__/truncated.json: it is not valid JSON');
    expect(result.stdout).toMatch(/\[secret\] holds an OpenAI API key \(line \d+\)/);
    expect(result.stdout).toContain('[orphan] its test file gone.test.ts does not exist');
    expect(result.stdout).toContain('[stale] recorded 2020-01-01T00:00:00.000Z, older than 30d');
    expect(result.stdout).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz');
  });

  it('should prune orphaned per-test cassettes', () => {
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    mkdirSync(join(dir, '__cassettes__', 'gone.test.ts'), { recursive: true });
    const file = join(dir, '__cassettes__', 'gone.test.ts', 'a.json');
    writeFileSync(file, formatCassetteJson(streamed));

    const dry = run(['prune', '.', '--dry-run'], dir);
    const real = run(['prune', '.'], dir);

    expect(dry.stdout).toContain('would remove __cassettes__/gone.test.ts/a.json');
    expect(real.stdout).toContain('1 orphaned cassette(s) removed');
    expect(existsSync(file)).toBe(false);
  });

  it('should export HAR 1.2 and import it back with the stream chunks intact', () => {
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    writeFileSync(join(dir, 'c.json'), formatCassetteJson(streamed));

    expect(run(['har', 'export', 'c.json', 'c.har'], dir).status).toBe(0);
    expect(run(['har', 'import', 'c.har', 'back.json'], dir).status).toBe(0);
    const har = JSON.parse(readFileSync(join(dir, 'c.har'), 'utf8')) as {
      log: { version: string; entries: { response: { content: { text: string } } }[] };
    };
    const back = JSON.parse(readFileSync(join(dir, 'back.json'), 'utf8')) as Cassette;

    expect(har.log.version).toBe('1.2');
    expect(har.log.entries[0]!.response.content.text).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(back.interactions[0]!.response.stream).toEqual(streamed.interactions[0]!.response.stream);
  });
});

// --- Code that runs inside a temporary project (typed here, written there with testModule) ---

/** Tests in test/ recording into cassettes/ (the `dir` option), as support-desk lays them out. */
function usersTests(): void {
  const { afterAll, beforeAll, expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const http = require('node:http') as typeof import('node:http');
  const { live } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { aliasOrigin, setupCassettes } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');
  setupCassettes({ dir: 'cassettes' });

  const server = http.createServer((request, response) => response.end(JSON.stringify({ path: request.url })));
  const origin = (): string => `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  beforeAll(async () => {
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    aliasOrigin(origin(), 'http://users.test');
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  live.describe('users', () => {
    test('should list users', async () => {
      const response = await fetch(`${origin()}/users`);
      expect(await response.json()).toEqual({ path: '/users' });
    });
  });
}

describe('proving-ground-cassettes CLI run from another folder than the recording', () => {
  let project: JestProject;
  let cassetteDir: string;
  let recorded: string;

  beforeAll(async () => {
    project = createJestProject({
      'test/users.test.js': testModule(usersTests),
      'jest.config.js': jestConfigModule({ setupFiles: ['@proving-ground/test-modes/setup'], testEnvironment: 'node' }),
    });
    const recording = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing' } });
    if (recording.exitCode !== 0) throw new Error(`The recording run failed:\n${recording.stderr}`);
    cassetteDir = join(project.dir, 'cassettes', 'test', 'users.test.js');
    recorded = join(cassetteDir, readdirSync(cassetteDir)[0]!);
    // A cassette written before format version 2: its test file relative to the recording's working folder.
    const legacy = JSON.parse(readFileSync(recorded, 'utf8')) as Cassette;
    writeFileSync(
      join(cassetteDir, 'legacy.json'),
      formatCassetteJson({ ...legacy, version: 1, test: { file: 'test/users.test.js', name: legacy.test!.name } }),
    );
  });
  afterAll(() => project.remove());

  it('should record the test file relative to the cassette and find it from the project, the package and the repository root', () => {
    const cassette = JSON.parse(readFileSync(recorded, 'utf8')) as Cassette;
    const fromProject = run(['lint', 'cassettes'], project.dir);
    const fromPackage = run(['lint', relative(packageDir, join(project.dir, 'cassettes'))], packageDir);
    const fromRoot = run(['lint', relative(repoRoot, join(project.dir, 'cassettes'))], repoRoot);
    const pruneFromRoot = run(['prune', relative(repoRoot, join(project.dir, 'cassettes')), '--dry-run'], repoRoot);

    expect(cassette.test?.file).toBe('../../../test/users.test.js');
    for (const result of [fromProject, fromPackage, fromRoot]) {
      expect(result.stdout).toContain('2 cassette(s) checked, 0 problem(s).');
      expect(result.status).toBe(0);
    }
    expect(pruneFromRoot.stdout).toContain('0 orphaned cassette(s) found.');
  });

  it('should upgrade a version 1 cassette when re-recording unchanged traffic, keeping its recording date, then leave it as it is', async () => {
    const current = JSON.parse(readFileSync(recorded, 'utf8')) as Cassette;
    writeFileSync(
      recorded,
      formatCassetteJson({
        ...current,
        version: 1,
        recordedAt: '2020-01-01T00:00:00.000Z',
        test: { file: 'test/users.test.js', name: current.test!.name },
      }),
    );

    await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'all' } });
    const upgraded = readFileSync(recorded, 'utf8');
    await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'all' } });

    expect(JSON.parse(upgraded)).toEqual({ ...current, recordedAt: '2020-01-01T00:00:00.000Z' });
    expect(readFileSync(recorded, 'utf8')).toBe(upgraded);
  });

  it('should report and prune the cassettes of a deleted test file from the repository root', () => {
    project.delete('test/users.test.js');
    const cassettes = relative(repoRoot, join(project.dir, 'cassettes'));
    const shownTestFile = relative(repoRoot, join(project.dir, 'test', 'users.test.js'));

    const lint = run(['lint', cassettes], repoRoot);
    const prune = run(['prune', cassettes], repoRoot);

    expect(lint.status).toBe(1);
    expect(lint.stdout).toContain(`${relative(repoRoot, recorded)}: [orphan] its test file ${shownTestFile} does not exist`);
    expect(lint.stdout).toContain(`${relative(repoRoot, join(cassetteDir, 'legacy.json'))}: [orphan] its test file`);
    expect(prune.stdout).toContain('2 orphaned cassette(s) removed.');
    expect(existsSync(cassetteDir)).toBe(false);
  });
});

describe('cost ceiling', () => {
  it('should estimate cost from recorded usage and fail a cassette above the ceiling', () => {
    const cost = estimateCost(streamed);

    const within = cassetteMatchers.toCostAtMost({ path: 'c.json', mode: 'replay', cost }, 0.001);
    const above = cassetteMatchers.toCostAtMost({ path: 'c.json', mode: 'replay', cost }, 0.0001);

    expect(cost.usd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1_000_000, 10);
    expect(within.pass).toBe(true);
    expect(above.pass).toBe(false);
    expect(above.message()).toContain('costs more than the ceiling of $0.0001: 1 call(s), 1000 input + 500 output tokens');
  });

  it('should fail when a model has no price instead of guessing', () => {
    const result = cassetteMatchers.toCostAtMost(
      { path: 'c.json', mode: 'replay', cost: estimateCost([{ usage: { model: 'mystery', inputTokens: 1, outputTokens: 1 } }]) },
      1,
    );

    expect(result.pass).toBe(false);
    expect(result.message()).toContain('no price for mystery');
  });
});

describe('proving-ground-cassettes CLI on wrong input', () => {
  const cassetteIn = (folder: string): string => {
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'loose.json');
    writeFileSync(
      file,
      formatCassetteJson({
        ...streamed,
        version: 2,
        test: undefined,
        interactions: [streamed.interactions[0]!, { ...streamed.interactions[0]!, id: 'abc' }],
      }),
    );
    return file;
  };

  it('should fail with the folder named when lint is given a folder that does not exist', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));

    // Act
    const result = run(['lint', 'no-such-folder'], dir);

    // Assert
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('[cassettes] Failed to lint cassettes: no-such-folder does not exist (dirs).');
    expect(result.stdout).toContain('CASSETTES_INVALID_OPTIONS');
  });

  it('should refuse a misspelled flag with a suggestion instead of taking it for a folder', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));

    // Act
    const result = run(['lint', '--maxAge', '1h', '--jsn'], dir);

    // Assert
    expect(result.status).toBe(2);
    expect(result.stdout).toContain(
      '--maxAge is not a flag of lint (did you mean --max-age?); --jsn is not a flag of lint (did you mean --json?)',
    );
  });

  it('should refuse invalid --max-age and --max-bytes values, both at once, naming the flags', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));

    // Act
    const result = run(['lint', '.', '--max-age', '1hour', '--max-bytes', '10kb'], dir);

    // Assert
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('maxBytes (--max-bytes) must be a whole number of bytes above 0, got "10kb"');
    expect(result.stdout).toContain('maxAge (--max-age) must be milliseconds or a duration like 12h, 90d or 2w, got "1hour"');
  });

  it('should lint a cassette file or folder named outside any cassettes folder', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    const file = cassetteIn(join(dir, 'recordings'));

    // Act
    const byFolder = run(['lint', 'recordings'], dir);
    const byFile = run(['lint', relative(dir, file)], dir);

    // Assert
    for (const result of [byFolder, byFile]) {
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('recordings/loose.json: [shadowed] interactions[1] has the id abc of interactions[0]');
      expect(result.stdout).toContain('1 cassette(s) checked, 1 problem(s).');
    }
  });

  it('should fail har import of a file that is not JSON with the package, the file, the code and what to do', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    writeFileSync(join(dir, 'bad.har'), '{not json');

    // Act
    const broken = run(['har', 'import', 'bad.har', 'out.json'], dir);
    const missing = run(['har', 'import', 'missing.har', 'out.json'], dir);
    const notHar = run(['har', 'export', 'missing.json'], dir);

    // Assert
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(
      /^\[cassettes\] Failed to import HAR file bad\.har: it is not valid JSON \(.+\)\. Export it again as HAR 1\.2/,
    );
    expect(broken.stdout).toContain('(CASSETTES_INVALID_HAR)');
    expect(missing.stdout).toContain('[cassettes] Failed to read HAR file missing.har: the file does not exist.');
    expect(notHar.stdout).toContain('[cassettes] Failed to export cassette missing.json to HAR: the file does not exist.');
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
  });

  it('should name the HAR file and print the nested reason once when the JSON is not a HAR log', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    writeFileSync(join(dir, 'notes.har'), JSON.stringify({ notes: [] }));

    // Act
    const result = run(['har', 'import', 'notes.har', 'out.json'], dir);

    // Assert
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      '[cassettes] Failed to import HAR file notes.har: it is not a HAR 1.2 log. Export it again as HAR 1.2 (e.g. "Save all as HAR" in dev tools).\n' +
        '  caused by: [cassettes] Failed to import HAR: it has no log.entries array. Export a HAR 1.2 file (e.g. "Save all as HAR" in dev tools).\n' +
        '(CASSETTES_INVALID_HAR)\n',
    );
  });

  it('should fail lint --usage on a usage file line that is not JSON with its own code and exit code 1', () => {
    // Arrange
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    writeFileSync(join(dir, 'usage.jsonl'), '{"cassette":"a.json","used":[]}\n{"cassette":"b.js');

    // Act
    const result = run(['lint', '.', '--usage', 'usage.jsonl'], dir);

    // Assert
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('[cassettes] Failed to read usage file usage.jsonl: line 2 is not JSON (');
    expect(result.stdout).toContain('(CASSETTES_INVALID_USAGE_FILE)');
  });
});
