import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const coverageModule = pathToFileURL(join(import.meta.dirname, 'function-coverage.ts')).href;

/** Runs `script` (ESM, with `start` and `take` imported) in a fresh Node process; Node strips the module's types itself. */
function runScript(
  dir: string,
  script: string,
  options: { args?: string[]; env?: Record<string, string> } = {},
): { stdout: string; stderr: string } {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import { startFunctionCoverage as start, takeFunctionCoverage as take } from ${JSON.stringify(coverageModule)};\n${script}`,
  );
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NODE_OPTIONS' && key !== 'NODE_V8_COVERAGE') env[key] = value;
  }
  const result = spawnSync(process.execPath, [...(options.args ?? []), file], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...env, ...options.env },
  });
  return { stdout: result.stdout, stderr: result.stderr };
}

describe('takeFunctionCoverage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'impact-function-coverage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(
    join(dir, 'lib', 'math.cjs'),
    [
      'function add(a, b) { return a + b; }',
      'function divide(a, b) { return a / b; }',
      'function Calc() {}',
      'Calc.prototype.total = function () { return 1; };',
      'module.exports = { add, divide, Calc };',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'exports.hidden = function hidden() { return 1; };');

  it('should list the functions run since the previous take, by path relative to the root, outside node_modules', () => {
    const script = `
      import { createRequire } from 'node:module';
      start();
      const require = createRequire(import.meta.url);
      const math = require('./lib/math.cjs');
      require('dep').hidden();
      let sum = 0;
      for (let index = 0; index < 1e6; index++) sum = math.add(sum, 1);
      const first = take(process.cwd());
      math.divide(1, 2);
      new math.Calc().total();
      const second = take(process.cwd());
      const third = take(process.cwd());
      process.stdout.write(JSON.stringify({ first, second, third }));
    `;

    const { stdout } = runScript(dir, script);
    const { first, second, third } = JSON.parse(stdout) as Record<string, Record<string, string[]>>;

    expect(first?.['lib/math.cjs']).toEqual(['add']);
    expect(second?.['lib/math.cjs']).toEqual(['Calc', 'Calc.total', 'divide', 'total']);
    expect(third).toEqual({});
    expect(Object.keys({ ...first, ...second }).filter((path) => path.includes('node_modules') || path.startsWith('/'))).toEqual([]);
  });

  it('should return {} with one warning when the inspector is open for a debugger or V8 coverage is collected already', () => {
    const script = `
      start();
      start();
      process.stdout.write(JSON.stringify([take(process.cwd()), take(process.cwd())]));
    `;

    const inspected = runScript(dir, script, { args: ['--inspect=127.0.0.1:0'] });
    const covered = runScript(dir, script, { env: { NODE_V8_COVERAGE: join(dir, 'v8-coverage') } });

    expect(JSON.parse(inspected.stdout)).toEqual([{}, {}]);
    expect(inspected.stderr.match(/Function coverage is off in this test worker: the inspector is open for a debugger/g)).toHaveLength(1);
    expect(JSON.parse(covered.stdout)).toEqual([{}, {}]);
    expect(covered.stderr).toContain('NODE_V8_COVERAGE is set');
  });

  it('should return {} without a warning when it was never started', () => {
    const { stdout, stderr } = runScript(dir, 'process.stdout.write(JSON.stringify(take(process.cwd())));');

    expect(JSON.parse(stdout)).toEqual({});
    expect(stderr).toBe('');
  });
});
