import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';
import type { ImpactMap } from '../src/model.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Starts Node children every way `child_process` offers, and checks they behave as without the recorder. */
function childrenTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const path = require('node:path') as typeof import('node:path');
  const root = path.join(__dirname, '..');
  const node = process.execPath;
  test('runs a CommonJS script with execFileSync', () => {
    expect(childProcess.execFileSync(node, ['scripts/tool.cjs'], { cwd: root, encoding: 'utf8' })).toBe('tool 42\n');
  });
  test('runs an ES module script with spawn, keeping the env it was given', async () => {
    const child = childProcess.spawn(node, ['scripts/tool.mjs'], { cwd: root, env: { ...process.env, GREETING: 'hello' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, out }).toEqual({ code: 0, out: 'esm hello\n' });
  });
  test('runs a shell command with exec and a callback', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      childProcess.exec(`"${node}" scripts/shell.cjs`, { cwd: root }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(out).toBe('shell\n');
  });
  test('leaves out what a child loaded and then deleted', () => {
    expect(childProcess.execFileSync(node, ['scripts/temporary.cjs'], { cwd: root, encoding: 'utf8' })).toBe('temporary\n');
  });
  test('keeps the promisified forms of execFile and exec', async () => {
    const { promisify } = require('node:util') as typeof import('node:util');
    expect(await promisify(childProcess.execFile)(node, ['scripts/tool.cjs'], { cwd: root })).toEqual({ stdout: 'tool 42\n', stderr: '' });
    expect(await promisify(childProcess.exec)(`"${node}" scripts/shell.cjs`, { cwd: root })).toEqual({ stdout: 'shell\n', stderr: '' });
  });
}

/** The same children, from a native ESM test file. */
async function esmChildrenTest(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  const { execFileSync, spawn, exec } = await import('node:child_process');
  const root = new URL('..', import.meta.url).pathname;
  const node = process.execPath;
  test('runs a CommonJS script with execFileSync', () => {
    expect(execFileSync(node, ['scripts/tool.cjs'], { cwd: root, encoding: 'utf8' })).toBe('tool 42\n');
  });
  test('runs an ES module script with spawn, keeping the env it was given', async () => {
    const child = spawn(node, ['scripts/tool.mjs'], { cwd: root, env: { ...process.env, GREETING: 'hello' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, out }).toEqual({ code: 0, out: 'esm hello\n' });
  });
  test('runs a shell command with exec and a callback', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      exec(`"${node}" scripts/shell.cjs`, { cwd: root }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(out).toBe('shell\n');
  });
  test('leaves out what a child loaded and then deleted', () => {
    expect(execFileSync(node, ['scripts/temporary.cjs'], { cwd: root, encoding: 'utf8' })).toBe('temporary\n');
  });
  test('keeps the promisified forms of execFile and exec', async () => {
    const { promisify } = await import('node:util');
    const { execFile } = await import('node:child_process');
    expect(await promisify(execFile)(node, ['scripts/tool.cjs'], { cwd: root })).toEqual({ stdout: 'tool 42\n', stderr: '' });
    expect(await promisify(exec)(`"${node}" scripts/shell.cjs`, { cwd: root })).toEqual({ stdout: 'shell\n', stderr: '' });
  });
}

function plainTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  test('starts nothing', () => expect(1 + 1).toBe(2));
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe.each([
  { mode: 'CommonJS', esm: false },
  { mode: 'native ESM', esm: true },
])('the recorder with child processes under real Jest ($mode)', ({ esm }) => {
  it('should record the files each Node child loaded and read as the test file’s modules', async () => {
    const files: Record<string, string> = {
      'jest.config.js': jestConfigModule(
        {
          setupFilesAfterEnv: ['@proving-ground/impact-analyzer/recorder'],
          reporters: ['default', ['@proving-ground/impact-analyzer/reporter', {}]],
        },
        { esm },
      ),
      'scripts/tool.cjs': [
        "const { answer } = require('../lib/helper.cjs');",
        "const fs = require('node:fs');",
        "const input = JSON.parse(fs.readFileSync(require('node:path').join(__dirname, '../data/input.json'), 'utf8'));",
        'process.stdout.write(`tool ${answer + input.add}\\n`);',
      ].join('\n'),
      'lib/helper.cjs': 'exports.answer = 40;\n',
      'data/input.json': '{ "add": 2 }\n',
      'scripts/tool.mjs': "import { greet } from '../lib/esm-helper.mjs';\nprocess.stdout.write(`${greet(process.env.GREETING)}\\n`);\n",
      'lib/esm-helper.mjs': 'export const greet = (word) => `esm ${word}`;\n',
      'scripts/shell.cjs': "require('../lib/shell-helper.cjs');\nprocess.stdout.write('shell\\n');\n",
      'lib/shell-helper.cjs': 'module.exports = {};\n',
      'scripts/temporary.cjs': [
        "const fs = require('node:fs');",
        "const path = require('node:path').join(__dirname, '../lib/generated.cjs');",
        "fs.writeFileSync(path, 'module.exports = 1;');",
        'require(path);',
        'fs.rmSync(path);',
        "process.stdout.write('temporary\\n');",
      ].join('\n'),
      '.gitignore': 'node_modules\n.cache-*\n.out-*\n.report-*\n',
      'tests/children.test.js': esm ? testModule(esmChildrenTest) : testModule(childrenTest),
      'tests/plain.test.js': testModule(plainTest),
    };
    if (esm)
      files['tests/plain.test.js'] =
        "import { expect, test } from '@jest/globals';\ntest('starts nothing', () => expect(1 + 1).toBe(2));\n";
    project = createJestProject({ packageDir, esm, files });
    git(project.dir, 'init', '-q', '-b', 'main');
    git(project.dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git(project.dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init');

    const run = await project.run();

    expect(run.exitCode).toBe(0);
    const map = JSON.parse(readFileSync(join(project.dir, '.impact-analyzer/map.json'), 'utf8')) as ImpactMap;
    const children = map.tests['tests/children.test.js']!;
    expect(children.status).toBe('passed');
    expect(children.modules).toEqual(
      expect.arrayContaining([
        'scripts/tool.cjs',
        'lib/helper.cjs',
        'data/input.json',
        'scripts/tool.mjs',
        'lib/esm-helper.mjs',
        'scripts/shell.cjs',
        'lib/shell-helper.cjs',
        'scripts/temporary.cjs',
      ]),
    );
    expect(children.modules).not.toContain('lib/generated.cjs');
    expect(map.tests['tests/plain.test.js']!.modules).toEqual([]);
  });
});
