import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImpactMap, TestRecord } from '../src/model.js';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'impact-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `impact-analyzer <args>` as a user runs it: the built bin in a child process. */
function impactAnalyzer(args: string[], cwd = folder): Promise<Ran> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function record(overrides: Partial<TestRecord>): TestRecord {
  return {
    recordedAt: '2026-12-01T00:00:00.000Z',
    durationMs: 100,
    status: 'passed',
    modules: [],
    reads: [],
    directories: [],
    env: [],
    packages: {},
    ...overrides,
  };
}

function shardMap(updatedAt: string, tests: Record<string, TestRecord>): ImpactMap {
  return {
    version: 1,
    updatedAt,
    variant: { node: process.version, timeZone: 'UTC', platform: process.platform },
    knownTests: ['test/a.test.ts', 'test/b.test.ts'],
    tests,
    hashes: {},
  };
}

describe('impact-analyzer help', () => {
  it('should list every command', async () => {
    const ran = await impactAnalyzer(['help']);

    expect(ran.code).toBe(0);
    for (const command of ['select', 'why', 'shards', 'merge', 'report', 'help'])
      expect(ran.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it("should print a command's flags for --help", async () => {
    const ran = await impactAnalyzer(['select', '--help']);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('--run-all-on GLOB');
    expect(ran.stdout).toContain('--format paths|json|summary|markdown');
  });
});

describe('impact-analyzer errors', () => {
  it('should name an unknown command with the nearest one, once, without a stack, and exit 2', async () => {
    const ran = await impactAnalyzer(['selct']);

    expect(ran).toEqual({
      code: 2,
      stdout: '',
      stderr:
        '[impact-analyzer] Failed to run `impact-analyzer selct`: there is no command "selct" (did you mean "select"?). Run `impact-analyzer help` for the list.\n',
    });
  });

  it('should name an unknown flag with the nearest one', async () => {
    const ran = await impactAnalyzer(['select', '--bsae', 'main']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(
      /^\[impact-analyzer\] Failed to read the arguments of `impact-analyzer select`: there is no flag --bsae \(did you mean --base\?\)/,
    );
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('should list every bad flag value at once, each by its flag', async () => {
    const ran = await impactAnalyzer(['shards', '--total', 'two', '--max-stale=-1', '--index', '0']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('the arguments have 3 problems');
    expect(ran.stderr).toContain('- --max-stale must be a whole number >= 0, got "-1"');
    expect(ran.stderr).toContain('- --total must be a whole number >= 1, got "two"');
    expect(ran.stderr).toContain('- --index must be a whole number >= 1, got "0"');
  });

  it('should refuse a --format that is no format, offering the nearest', async () => {
    const ran = await impactAnalyzer(['select', '--format', 'sumary']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--format must be paths, json, summary, markdown or omitted, got "sumary" (did you mean "summary"?)');
  });

  it('should name a flag given without its value', async () => {
    const ran = await impactAnalyzer(['merge', '--out']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--out');
  });
});

describe('impact-analyzer merge', () => {
  it('should merge shard maps into one holding every test, the newest record winning', async () => {
    const first = join(folder, 'shard-1.json');
    const second = join(folder, 'shard-2.json');
    writeFileSync(first, JSON.stringify(shardMap('2026-12-01T10:00:00.000Z', { 'test/a.test.ts': record({ durationMs: 100 }) })));
    writeFileSync(second, JSON.stringify(shardMap('2026-12-01T11:00:00.000Z', { 'test/b.test.ts': record({ durationMs: 200 }) })));

    const ran = await impactAnalyzer(['merge', '--out', 'merged/map.json', 'shard-1.json', 'shard-2.json']);

    expect(ran).toMatchObject({ code: 0, stderr: '' });
    expect(ran.stdout).toContain('Merged 2 maps');
    const merged = JSON.parse(readFileSync(join(folder, 'merged', 'map.json'), 'utf8')) as ImpactMap;
    expect(Object.keys(merged.tests).sort()).toEqual(['test/a.test.ts', 'test/b.test.ts']);
  });

  it('should name a map file that does not exist, and write nothing', async () => {
    const ran = await impactAnalyzer(['merge', '--out', 'never.json', 'missing.json']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('the map file "missing.json" does not exist');
  });
});

describe('impact-analyzer report', () => {
  it('should report the selection ratio, the run-all share and the missed failures of the shadow log', async () => {
    const entries = [
      {
        at: '2026-12-01T10:00:00.000Z',
        base: 'a'.repeat(40),
        head: 'b'.repeat(40),
        runAll: false,
        selected: 5,
        total: 50,
        failed: [],
        missed: [],
      },
      {
        at: '2026-12-02T10:00:00.000Z',
        base: 'a'.repeat(40),
        head: 'c'.repeat(40),
        runAll: true,
        selected: 50,
        total: 50,
        failed: [],
        missed: [],
      },
      {
        at: '2026-12-03T10:00:00.000Z',
        base: 'a'.repeat(40),
        head: 'd'.repeat(40),
        runAll: false,
        selected: 10,
        total: 50,
        failed: ['test/x.test.ts'],
        missed: ['test/x.test.ts'],
      },
    ];
    writeFileSync(join(folder, 'shadow.jsonl'), entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));

    const text = await impactAnalyzer(['report', '--log', 'shadow.jsonl']);
    const json = await impactAnalyzer(['report', '--log', 'shadow.jsonl', '--format', 'json']);

    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Ran everything: 1 of 3 runs (33.3%)');
    expect(text.stdout).toContain('miss rate 50%');
    expect(text.stdout).toContain('aaaaaaaaaaaa..dddddddddddd: test/x.test.ts');
    expect(JSON.parse(json.stdout)).toMatchObject({ runs: 3, missedRuns: 1, missedTests: [{ path: 'test/x.test.ts', times: 1 }] });
  });

  it('should fail with IMPACT_REPORT_NO_DATA when there is no shadow log', async () => {
    const ran = await impactAnalyzer(['report', '--log', 'none.jsonl']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^\[impact-analyzer\] Failed to report on the shadow log: there is no shadow log at .*none\.jsonl/);
  });
});
