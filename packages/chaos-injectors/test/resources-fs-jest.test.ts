import { afterAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');

// --- Code that runs inside the temporary projects (typed here, written there with testModule) ---

declare const process: NodeJS.Process;

/** The code under test, CommonJS: each way of reaching fs, taken when the module loads. */
const STORE_CJS = `
const { writeFileSync } = require('node:fs');
const fsp = require('fs/promises');
const { appendFile } = require('fs/promises');
const fs = require('fs');
exports.viaNamedNodeFs = (file) => writeFileSync(file, 'x');
exports.viaFsPromises = (file) => fsp.writeFile(file, 'x');
exports.viaNamedFsPromises = (file) => appendFile(file, 'x');
exports.viaFsModule = (file) => fs.writeFileSync(file, 'x');
exports.viaStream = (file) => new Promise((done, fail) => fs.createWriteStream(file).on('error', fail).end('x', (error) => (error ? fail(error) : done())));
`;

/** The same, as an ES module: Jest binds named imports of core modules when the file is imported. */
const STORE_ESM = `
import { writeFileSync } from 'node:fs';
import fsp from 'fs/promises';
import { appendFile } from 'fs/promises';
import fs from 'fs';
export const viaNamedNodeFs = (file) => writeFileSync(file, 'x');
export const viaFsPromises = (file) => fsp.writeFile(file, 'x');
export const viaNamedFsPromises = (file) => appendFile(file, 'x');
export const viaFsModule = (file) => fs.writeFileSync(file, 'x');
export const viaStream = (file) => new Promise((done, fail) => fs.createWriteStream(file).on('error', fail).end('x', (error) => (error ? fail(error) : done())));
`;

type Store = Record<string, (file: string) => unknown>;

/** Call every function of the store with an EIO fault on its folder, then after restoring it; write what each saw. */
async function probeStore(
  store: Store,
  chaos: typeof import('@proving-ground/chaos-injectors'),
  fs: typeof import('node:fs'),
  write: (name: string, value: unknown) => void,
): Promise<void> {
  const dir = process.env['OUT_DIR']!;
  const outcome = async (name: string): Promise<string> => {
    try {
      await store[name]!(`${dir}/${name}.txt`);
      return 'ok';
    } catch (error) {
      const { code, syscall } = error as NodeJS.ErrnoException;
      return `${code} ${syscall}`;
    }
  };
  const names = Object.keys(store).sort();
  const during: Record<string, string> = {};
  const after: Record<string, string> = {};
  const original = fs.writeFileSync;
  const fault = chaos.injectFsFault({ path: dir, error: 'EIO' });
  for (const name of names) during[name] = await outcome(name);
  await fault.restore();
  for (const name of names) after[name] = await outcome(name);
  write('outcomes.json', { during, after, originalsBack: fs.writeFileSync === original });
}

function cjsTest(): void {
  const { test } = require('@jest/globals') as typeof import('@jest/globals');
  const fs = require('node:fs') as typeof import('node:fs');
  const chaos = require('@proving-ground/chaos-injectors') as typeof import('@proving-ground/chaos-injectors');
  const store = require('./store.js') as Record<string, (file: string) => unknown>;
  test('every way of reaching fs sees the fault', () =>
    probeStore(store, chaos, fs, (name, value) => fs.writeFileSync(`${process.env['OUT_DIR']}/${name}`, JSON.stringify(value))));
}

async function esmTest(): Promise<void> {
  const { test } = await import('@jest/globals');
  const fs = await import('node:fs');
  const chaos = await import('@proving-ground/chaos-injectors');
  const storePath: string = './store.js';
  const store = (await import(storePath)) as Record<string, (file: string) => unknown>;
  test('every way of reaching fs sees the fault', () =>
    probeStore(store, chaos, fs, (name, value) => fs.writeFileSync(`${process.env['OUT_DIR']}/${name}`, JSON.stringify(value))));
}

// --- The checks ---

const EVERY_WAY_FAILS = {
  viaFsModule: 'EIO write',
  viaFsPromises: 'EIO write',
  viaNamedFsPromises: 'EIO write',
  viaNamedNodeFs: 'EIO write',
  viaStream: 'EIO write',
};
const EVERY_WAY_WORKS = { viaFsModule: 'ok', viaFsPromises: 'ok', viaNamedFsPromises: 'ok', viaNamedNodeFs: 'ok', viaStream: 'ok' };

describe.each([
  { mode: 'CommonJS', esm: false, store: STORE_CJS, test: testModule(cjsTest, probeStore) },
  { mode: 'ESM', esm: true, store: STORE_ESM, test: testModule(esmTest, probeStore) },
])('file faults in a real Jest run ($mode)', ({ esm, store, test }) => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it('should reach code that imports node:fs, fs/promises and fs, named or not, with the setup entry', async () => {
    const project = createJestProject({
      packageDir,
      esm,
      files: {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', transform: {}, setupFiles: ['@proving-ground/chaos-injectors/setup'] },
          { esm },
        ),
        'store.js': store,
        'store.test.js': test,
      },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.tests.map((outcome) => outcome.failureMessages.join('\n'))).toEqual(['']);
    expect(run.outputs['outcomes.json']).toEqual({ during: EVERY_WAY_FAILS, after: EVERY_WAY_WORKS, originalsBack: true });
  });

  it('should miss functions taken out of fs before the fault without the setup entry (which is why it pins the wrappers)', async () => {
    const project = createJestProject({
      packageDir,
      esm,
      files: {
        'jest.config.js': jestConfigModule({ testEnvironment: 'node', transform: {} }, { esm }),
        'store.js': store,
        'store.test.js': test,
      },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.outputs['outcomes.json']).toEqual({
      during: { ...EVERY_WAY_FAILS, viaNamedNodeFs: 'ok', viaNamedFsPromises: 'ok' },
      after: EVERY_WAY_WORKS,
      originalsBack: true,
    });
  });
});
