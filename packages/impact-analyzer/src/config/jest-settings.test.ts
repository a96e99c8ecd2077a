import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findJestConfigFiles, jestSettingsFromConfigs, testFileMatcher, type JestProjectConfig } from './jest-settings.js';
import type { JestProjectSettings } from '../model.js';

const ROOT = '/home/dev/repo';

function projectConfig(overrides: Partial<JestProjectConfig> = {}): JestProjectConfig {
  return {
    rootDir: ROOT,
    roots: [ROOT],
    testMatch: ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'],
    testRegex: [],
    testPathIgnorePatterns: ['/node_modules/'],
    moduleFileExtensions: ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'json', 'node'],
    moduleNameMapper: [],
    moduleDirectories: ['node_modules'],
    modulePaths: [],
    setupFiles: [],
    setupFilesAfterEnv: [],
    snapshotSerializers: [],
    testEnvironment: `${ROOT}/node_modules/jest-environment-node/build/index.js`,
    transform: [['\\.[jt]sx?$', `${ROOT}/node_modules/babel-jest/build/index.js`, {}]],
    runner: `${ROOT}/node_modules/jest-runner/build/index.js`,
    testRunner: `${ROOT}/node_modules/jest-circus/build/runner.js`,
    ...overrides,
  };
}

function project(overrides: Partial<JestProjectConfig> = {}): JestProjectSettings {
  return jestSettingsFromConfigs([projectConfig(overrides)], ROOT).projects[0]!;
}

describe('jestSettingsFromConfigs', () => {
  it('should make paths repository-relative and name a project by its display name or folder', () => {
    const settings = jestSettingsFromConfigs(
      [
        projectConfig({ displayName: { name: 'web', color: 'blue' }, rootDir: `${ROOT}/apps/web`, roots: [`${ROOT}/apps/web/src`] }),
        projectConfig({ rootDir: `${ROOT}/packages/core`, roots: [`${ROOT}/packages/core`], modulePaths: [`${ROOT}/shared`] }),
      ],
      ROOT,
    );

    expect(settings.projects.map(({ name, rootDir, roots, modulePaths }) => ({ name, rootDir, roots, modulePaths }))).toEqual([
      { name: 'web', rootDir: 'apps/web', roots: ['apps/web/src'], modulePaths: [] },
      { name: 'packages/core', rootDir: 'packages/core', roots: ['packages/core'], modulePaths: ['shared'] },
    ]);
    expect(project().rootDir).toBe('.');
  });

  it('should turn absolute testMatch globs into repository-relative ones and keep relative ones', () => {
    const settings = project({ testMatch: [`${ROOT}/src/**/*.test.ts`, `!${ROOT}/src/fixtures/**`, '**/*.spec.ts'] });

    expect(settings.testMatch).toEqual(['src/**/*.test.ts', '!src/fixtures/**', '**/*.spec.ts']);
  });

  it('should write the repository root as / in path regexes, plain or escaped', () => {
    const settings = project({
      testPathIgnorePatterns: ['/node_modules/', `${ROOT}/dist/`, '\\/home\\/dev\\/repo\\/build\\/'],
      testRegex: [`^${ROOT}/e2e/.*\\.e2e\\.js$`],
    });

    expect(settings.testPathIgnorePatterns).toEqual(['/node_modules/', '/dist/', '\\/build\\/']);
    expect(settings.testRegex).toEqual(['^/e2e/.*\\.e2e\\.js$']);
  });

  it('should replace <rootDir> and absolute paths in moduleNameMapper replacements by repository-relative ones', () => {
    const nested = jestSettingsFromConfigs(
      [
        projectConfig({
          rootDir: `${ROOT}/packages/app`,
          moduleNameMapper: [
            ['^@/(.*)$', '<rootDir>/src/$1'],
            ['^~/(.*)$', `${ROOT}/packages/app/lib/$1`],
            ['^(\\.{1,2}/.*)\\.js$', '$1'],
          ],
        }),
      ],
      ROOT,
    ).projects[0]!;
    const atRoot = project({ moduleNameMapper: [['^@/(.*)$', '<rootDir>/src/$1']] });

    expect(nested.moduleNameMapper).toEqual([
      ['^@/(.*)$', 'packages/app/src/$1'],
      ['^~/(.*)$', 'packages/app/lib/$1'],
      ['^(\\.{1,2}/.*)\\.js$', '$1'],
    ]);
    expect(atRoot.moduleNameMapper).toEqual([['^@/(.*)$', './src/$1']]);
  });

  it('should list the configuration modules inside the repository, not the installed ones', () => {
    const settings = jestSettingsFromConfigs(
      [
        projectConfig({
          setupFiles: [`${ROOT}/test/env.js`],
          setupFilesAfterEnv: [`${ROOT}/test/setup.ts`, `${ROOT}/node_modules/jest-extended/all.js`],
          globalSetup: `${ROOT}/test/global-setup.ts`,
          globalTeardown: `${ROOT}/test/global-teardown.ts`,
          testEnvironment: `${ROOT}/test/environment.js`,
          transform: [
            ['\\.ts$', `${ROOT}/tools/transform.cjs`, {}],
            ['\\.js$', `${ROOT}/node_modules/babel-jest/build/index.js`, {}],
          ],
          resolver: `${ROOT}/tools/resolver.js`,
          snapshotResolver: `${ROOT}/tools/snapshot-resolver.js`,
          snapshotSerializers: [`${ROOT}/tools/serializer.js`],
          dependencyExtractor: `${ROOT}/tools/extractor.js`,
          runner: `${ROOT}/tools/runner.js`,
        }),
      ],
      ROOT,
      { testSequencer: `${ROOT}/tools/sequencer.js` },
    );

    expect(settings.projects[0]!.configFiles).toEqual([
      'test/env.js',
      'test/environment.js',
      'test/global-setup.ts',
      'test/global-teardown.ts',
      'test/setup.ts',
      'tools/extractor.js',
      'tools/resolver.js',
      'tools/runner.js',
      'tools/sequencer.js',
      'tools/serializer.js',
      'tools/snapshot-resolver.js',
      'tools/transform.cjs',
    ]);
  });
});

describe('testFileMatcher', () => {
  it('should match Jest default testMatch globs, extglobs included', () => {
    const isTest = testFileMatcher({ configFiles: [], projects: [project()] });

    expect(['src/a.test.ts', 'src/__tests__/b.js', 'c.spec.tsx', 'src/d.test.mjs'].filter(isTest)).toHaveLength(4);
    expect(['src/a.ts', 'src/a.test.ts.snap', 'src/test-utils.ts', 'src/__tests__/data.json'].filter(isTest)).toEqual([]);
  });

  it('should leave out files outside the roots, under node_modules, or without a module extension', () => {
    const isTest = testFileMatcher({
      configFiles: [],
      projects: [project({ roots: [`${ROOT}/src`], moduleFileExtensions: ['js', 'ts'] })],
    });

    expect(isTest('src/a.test.ts')).toBe(true);
    expect(isTest('test/a.test.ts')).toBe(false);
    expect(isTest('srcs/a.test.ts')).toBe(false);
    expect(isTest('src/node_modules/x/a.test.ts')).toBe(false);
    expect(isTest('src/a.test.tsx')).toBe(false);
  });

  it('should apply testPathIgnorePatterns and testRegex over the path from the repository root', () => {
    const isTest = testFileMatcher({
      configFiles: [],
      projects: [project({ testMatch: [], testRegex: ['/e2e/.*\\.e2e\\.js$'], testPathIgnorePatterns: [`${ROOT}/e2e/skip/`, '^/tmp'] })],
    });

    expect(isTest('e2e/login.e2e.js')).toBe(true);
    expect(isTest('e2e/skip/login.e2e.js')).toBe(false);
    expect(isTest('login.e2e.js')).toBe(false);
  });

  it('should let negated globs only drop paths, and keep what an all-negated set does not drop', () => {
    const mixed = testFileMatcher({ configFiles: [], projects: [project({ testMatch: ['**/*.test.ts', '!**/fixtures/**'] })] });
    const negatedOnly = testFileMatcher({ configFiles: [], projects: [project({ testMatch: ['!**/fixtures/**'] })] });

    expect(mixed('src/a.test.ts')).toBe(true);
    expect(mixed('src/fixtures/a.test.ts')).toBe(false);
    expect(negatedOnly('src/anything.ts')).toBe(true);
    expect(negatedOnly('src/fixtures/a.ts')).toBe(false);
  });

  it('should take a path any project claims', () => {
    const isTest = testFileMatcher({
      configFiles: [],
      projects: [
        project({ rootDir: `${ROOT}/a`, roots: [`${ROOT}/a`] }),
        project({ rootDir: `${ROOT}/b`, roots: [`${ROOT}/b`], testMatch: [`${ROOT}/b/**/*.check.js`] }),
      ],
    });

    expect(['a/x.test.js', 'b/x.check.js'].filter(isTest)).toHaveLength(2);
    expect(isTest('b/x.test.js')).toBe(false);
  });
});

describe('findJestConfigFiles', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('should find jest.config files and package.json with a jest key at the root and in each project', () => {
    const root = mkdtempSync(join(tmpdir(), 'impact-jest-config-'));
    folders.push(root);
    const files: Record<string, string> = {
      'jest.config.mjs': 'export default {}',
      'package.json': JSON.stringify({ name: 'root' }),
      'packages/a/jest.config.ts': 'export default {}',
      'packages/b/package.json': JSON.stringify({ name: 'b', jest: { testEnvironment: 'node' } }),
      'packages/c/jest.config.js': 'module.exports = {}',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const projects = ['packages/a', 'packages/b'].map((rootDir) => ({ ...project(), rootDir }));

    expect(findJestConfigFiles(root, { projects }).sort()).toEqual([
      'jest.config.mjs',
      'packages/a/jest.config.ts',
      'packages/b/package.json',
    ]);
  });
});
