import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryBudget, SharedTimeBudget } from './retry-budget.js';

const root = mkdtempSync(join(tmpdir(), 'flaky-budget-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Take slots from `dir` in a separate Node process, as a Jest worker would; resolves to how many it got. */
function takeInProcess(dir: string, size: number, tries: number): Promise<number> {
  const script = `
    const { openSync, closeSync } = require('node:fs');
    let got = 0;
    for (let attempt = 0; attempt < ${tries}; attempt++) {
      for (let slot = 0; slot < ${size}; slot++) {
        try { closeSync(openSync(${JSON.stringify(dir)} + '/slot-' + slot, 'wx')); got++; break; } catch (error) { if (error.code !== 'EEXIST') throw error; }
      }
    }
    process.stdout.write(String(got));`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', script]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('close', () => done(Number(out)));
  });
}

describe('RetryBudget', () => {
  it('should grant at most its size, then refuse', () => {
    const budget = new RetryBudget(mkdtempSync(join(root, 'a-')), 3);

    const granted = Array.from({ length: 5 }, () => budget.take());

    expect(granted).toEqual([true, true, true, false, false]);
    expect(budget.taken()).toBe(3);
  });

  it('should never grant more than its size to processes taking slots at once', async () => {
    const dir = mkdtempSync(join(root, 'b-'));
    const budget = new RetryBudget(dir, 50);

    const [others, mine] = await Promise.all([
      Promise.all([takeInProcess(dir, 50, 40), takeInProcess(dir, 50, 40)]),
      Promise.resolve(Array.from({ length: 40 }, () => budget.take()).filter(Boolean).length),
    ]);

    expect(others[0] + others[1] + mine).toBe(50);
    expect(budget.taken()).toBe(50);
  });
});

describe('SharedTimeBudget', () => {
  it("should count every worker's time against one budget", () => {
    const dir = mkdtempSync(join(root, 'c-'));
    const first = new SharedTimeBudget(dir, 1000, 'w1');
    const second = new SharedTimeBudget(dir, 1000, 'w2');

    first.spend(600);

    expect(second.allows(300)).toBe(true);
    second.spend(300);
    expect(first.allows(200)).toBe(false);
    expect(first.allows(100)).toBe(true);
  });
});
