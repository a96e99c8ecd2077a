import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const packageDir = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

describe('classifyChange from the built package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'impact-no-typescript-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should answer module, without an error, where typescript is not installed', () => {
    // The built package alone, outside the workspace: its runtime dependency is there, typescript is not.
    cpSync(join(packageDir, 'dist'), join(dir, 'node_modules', '@proving-ground', 'impact-analyzer', 'dist'), { recursive: true });
    cpSync(join(packageDir, 'package.json'), join(dir, 'node_modules', '@proving-ground', 'impact-analyzer', 'package.json'));
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(dirname(require.resolve('picomatch/package.json')), join(dir, 'node_modules', 'picomatch'));
    const script = `
      const { classifyChange } = require('@proving-ground/impact-analyzer');
      const before = 'export function add(a, b) {\\n  return a + b;\\n}\\n';
      process.stdout.write(JSON.stringify(classifyChange('src/add.js', before, before.replace('a + b', 'b + a'))));
    `;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined && key !== 'NODE_PATH' && key !== 'NODE_OPTIONS') env[key] = value;

    const output = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env });

    expect(JSON.parse(output)).toEqual({
      level: 'module',
      reason: 'typescript is not installed, so the change cannot be narrowed to function bodies',
    });
  });

  it('should narrow the same change where typescript is installed in the analyzed project', () => {
    const script = `
      const { classifyChange } = require(${JSON.stringify(join(packageDir, 'dist', 'index.cjs'))});
      const before = 'export function add(a, b) {\\n  return a + b;\\n}\\n';
      process.stdout.write(JSON.stringify(classifyChange('src/add.js', before, before.replace('a + b', 'b + a'), { cwd: ${JSON.stringify(packageDir)} })));
    `;

    const output = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });

    expect(JSON.parse(output)).toEqual({ level: 'functions', functions: ['add'], exports: ['add'] });
  });
});
