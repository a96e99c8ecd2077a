import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { startFunctionCoverage, takeFunctionCoverage } from '../src/precision/function-coverage.js';
import { createJestProject, jestConfigModule, testModule, type JestProject, type SourceFunction } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');
const coverageModule = join(packageDir, 'src', 'precision', 'function-coverage.ts');

/** What the setup file loads. */
interface Coverage {
  startFunctionCoverage: typeof startFunctionCoverage;
  takeFunctionCoverage: typeof takeFunctionCoverage;
}

/** The fixture module's shape, for the typed test code below. */
interface MathModule {
  add(a: number, b: number): number;
  divide(a: number, b: number): number;
  double(n: number): number;
  Calc: new () => { size: number };
}

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

function commonJsSetup(): void {
  const { startFunctionCoverage, takeFunctionCoverage } = require(process.env['COVERAGE_MODULE'] as string) as Coverage;
  const { afterAll, expect } = require('@jest/globals') as typeof import('@jest/globals');
  const { writeFileSync } = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  startFunctionCoverage({ jestV8Coverage: process.env['JEST_V8'] === '1' });
  startFunctionCoverage();
  afterAll(() => {
    const file = path.join(process.env['OUT_DIR'] as string, `${path.basename(expect.getState().testPath as string)}.json`);
    writeFileSync(file, JSON.stringify(takeFunctionCoverage(process.cwd())));
  });
}

async function esmSetup(): Promise<void> {
  const { startFunctionCoverage, takeFunctionCoverage } = (await import(process.env['COVERAGE_MODULE'] as string)) as Coverage;
  const { afterAll, expect } = await import('@jest/globals');
  const { writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  startFunctionCoverage();
  afterAll(() => {
    const file = path.join(process.env['OUT_DIR'] as string, `${path.basename(expect.getState().testPath as string)}.json`);
    writeFileSync(file, JSON.stringify(takeFunctionCoverage(process.cwd())));
  });
}

function addTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const math = require('./src/math') as MathModule;
  test('adds, and doubles often enough for V8 to optimise and inline', () => {
    let sum = 0;
    for (let index = 0; index < 200_000; index++) sum = math.add(sum, math.double(1));
    expect(sum).toBe(400_000);
  });
}

function divideTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const math = require('./src/math') as MathModule;
  test('divides and reads the size', () => {
    expect(math.divide(6, 3)).toBe(2);
    expect(new math.Calc().size).toBe(1);
  });
}

async function addTestEsm(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  const fixture = './src/math.ts';
  const math = (await import(fixture)) as MathModule;
  test('adds, and doubles often enough for V8 to optimise and inline', () => {
    let sum = 0;
    for (let index = 0; index < 200_000; index++) sum = math.add(sum, math.double(1));
    expect(sum).toBe(400_000);
  });
}

async function divideTestEsm(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  const fixture = './src/math.ts';
  const math = (await import(fixture)) as MathModule;
  test('divides and reads the size', () => {
    expect(math.divide(6, 3)).toBe(2);
    expect(new math.Calc().size).toBe(1);
  });
}

const MATH = `export function add(a: number, b: number): number {
  return a + b;
}

export const divide = (a: number, b: number): number => a / b;

export function double(n: number): number {
  return n * 2;
}

export function unused(): number {
  return 0;
}

export class Calc {
  total(values: number[]): number {
    return values.reduce((sum, value) => add(sum, value), 0);
  }
  get size(): number {
    return 1;
  }
}
`;

const tsJest = (esm: boolean): Record<string, unknown> => ({
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/setup.ts'],
  ...(esm ? { extensionsToTreatAsEsm: ['.ts'] } : {}),
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: esm, diagnostics: false, tsconfig: { module: esm ? 'es2022' : 'commonjs', target: 'es2022', isolatedModules: true } },
    ],
  },
});

describe('function coverage', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it.each<{ mode: string; esm: boolean; setup: SourceFunction; a: SourceFunction; b: SourceFunction }>([
    { mode: 'CommonJS', esm: false, setup: commonJsSetup, a: addTest, b: divideTest },
    { mode: 'ESM', esm: true, setup: esmSetup, a: addTestEsm, b: divideTestEsm },
  ])('should list per test file only the functions it ran, through ts-jest in $mode mode', async ({ esm, setup, a, b }) => {
    const project = createJestProject({
      packageDir,
      esm,
      files: {
        'jest.config.js': jestConfigModule(tsJest(esm), { esm }),
        'setup.ts': testModule(setup),
        'src/math.ts': MATH,
        'a.test.ts': testModule(a),
        'b.test.ts': testModule(b),
      },
    });
    projects.push(project);

    // One worker runs both files: the second take must hold only what ran since the first.
    const run = await project.run({ env: { COVERAGE_MODULE: coverageModule }, args: ['--runInBand'] });

    expect(run.stderr).not.toContain('Function coverage is off');
    expect(run.tests.map((test) => test.status)).toEqual(['passed', 'passed']);
    const ranA = run.outputs['a.test.ts.json'] as Record<string, string[]>;
    const ranB = run.outputs['b.test.ts.json'] as Record<string, string[]>;
    expect(ranA['src/math.ts']).toEqual(['add', 'double']);
    expect(ranB['src/math.ts']).toEqual(['divide', 'get size']);
    for (const path of [...Object.keys(ranA), ...Object.keys(ranB)]) {
      expect(path).not.toMatch(/^\/|^\.\.|node_modules|\\/);
    }
  });

  it('should stay off with one warning and never fail the run when Jest collects V8 coverage', async () => {
    const project = createJestProject({
      packageDir,
      files: {
        'jest.config.js': jestConfigModule(tsJest(false)),
        'setup.ts': testModule(commonJsSetup),
        'src/math.ts': MATH,
        'a.test.ts': testModule(addTest),
        'b.test.ts': testModule(divideTest),
      },
    });
    projects.push(project);

    const run = await project.run({
      env: { COVERAGE_MODULE: coverageModule, JEST_V8: '1' },
      args: ['--runInBand', '--coverage', '--coverageProvider=v8', '--coverageReporters=json-summary', '--collectCoverageFrom=src/**'],
    });

    expect(run.tests.map((test) => test.status)).toEqual(['passed', 'passed']);
    const summary = JSON.parse(readFileSync(join(project.dir, 'coverage', 'coverage-summary.json'), 'utf8')) as Record<
      string,
      { functions: { covered: number } }
    >;
    const math = Object.entries(summary).find(([file]) => file.endsWith('math.ts'))?.[1];
    // Jest's own V8 coverage is intact: add, divide, double and the getter ran, unused and total did not.
    expect(math?.functions.covered).toBe(4);
    expect(run.outputs['a.test.ts.json']).toEqual({});
    expect(run.outputs['b.test.ts.json']).toEqual({});
    expect(run.stderr.match(/Function coverage is off in this test worker/g)).toHaveLength(1);
  });
});
