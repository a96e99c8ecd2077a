import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson, cassetteMatchers, estimateCost, type Cassette } from '../src/index.js';

const packageDir = resolve(import.meta.dirname, '..');
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
      request: { method: 'POST', url: 'https://llm.test/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: { json: { model: 'gpt-4o-mini' } } },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' }, stream: { kind: 'sse', chunks: [{ atMs: 0, text: 'data: {"a":1}\n\n' }, { atMs: 12, text: 'data: [DONE]\n\n' }], end: { kind: 'complete' } } },
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
    leaking.interactions[1]!.request = { ...leaking.interactions[1]!.request, headers: { authorization: 'Bearer sk-proj-abcdefghijklmnopqrstuvwxyz' } };
    writeFileSync(join(dir, '__cassettes__', 'gone.test.ts', 'a.json'), canonicalJson(leaking));
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
    writeFileSync(file, canonicalJson(streamed));

    const dry = run(['prune', '.', '--dry-run'], dir);
    const real = run(['prune', '.'], dir);

    expect(dry.stdout).toContain('would remove __cassettes__/gone.test.ts/a.json');
    expect(real.stdout).toContain('1 orphaned cassette(s) removed');
    expect(existsSync(file)).toBe(false);
  });

  it('should export HAR 1.2 and import it back with the stream chunks intact', () => {
    const dir = mkdtempSync(join(packageDir, '.tmp', 'cli-'));
    writeFileSync(join(dir, 'c.json'), canonicalJson(streamed));

    expect(run(['har', 'export', 'c.json', 'c.har'], dir).status).toBe(0);
    expect(run(['har', 'import', 'c.har', 'back.json'], dir).status).toBe(0);
    const har = JSON.parse(readFileSync(join(dir, 'c.har'), 'utf8')) as { log: { version: string; entries: { response: { content: { text: string } } }[] } };
    const back = JSON.parse(readFileSync(join(dir, 'back.json'), 'utf8')) as Cassette;

    expect(har.log.version).toBe('1.2');
    expect(har.log.entries[0]!.response.content.text).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(back.interactions[0]!.response.stream).toEqual(streamed.interactions[0]!.response.stream);
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
    const result = cassetteMatchers.toCostAtMost({ path: 'c.json', mode: 'replay', cost: estimateCost([{ usage: { model: 'mystery', inputTokens: 1, outputTokens: 1 } }]) }, 1);

    expect(result.pass).toBe(false);
    expect(result.message()).toContain('no price for mystery');
  });
});
