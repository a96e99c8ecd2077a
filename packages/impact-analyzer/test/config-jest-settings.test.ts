import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { createJestProject, jestConfigModule, type JestProject } from '@proving-ground/test-kit';
import { readJestSettings, testFileMatcher } from '../src/config/jest-settings.js';
import { isImpactError } from '../src/errors.js';

const packageDir = resolve(import.meta.dirname, '..');
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
const projects: JestProject[] = [];

function project(files: Record<string, string>): JestProject {
  const created = createJestProject({ packageDir, files });
  projects.push(created);
  return created;
}

function allFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? allFiles(join(dir, entry.name), base) : [relative(base, join(dir, entry.name)).split('\\').join('/')],
  );
}

/** The test files real Jest finds, repository-relative. */
function jestListTests(dir: string): string[] {
  const output = execFileSync(process.execPath, [jestBin, '--listTests', '--json'], { cwd: dir, encoding: 'utf8' });
  return (JSON.parse(output) as string[]).map((path) => relative(dir, path).split('\\').join('/')).sort();
}

/** The same question asked of the analyzer's matcher, over every file of the project. */
function matcherTests(dir: string): string[] {
  const isTest = testFileMatcher(readJestSettings(dir));
  return allFiles(dir).filter(isTest).sort();
}

const EMPTY_TEST = "test('ok', () => {});\n";

afterEach(() => {
  for (const created of projects.splice(0)) created.remove();
});

describe('readJestSettings', () => {
  it('should read a single project and find the same test files as Jest', () => {
    const { dir } = project({
      'jest.config.js': jestConfigModule({
        setupFilesAfterEnv: ['<rootDir>/test/setup.js'],
        moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
      }),
      'test/setup.js': '',
      'src/a.test.js': EMPTY_TEST,
      'src/__tests__/b.js': EMPTY_TEST,
      'src/c.js': '',
      'test.js': EMPTY_TEST,
      'src/d.spec.mjs': EMPTY_TEST,
    });

    const settings = readJestSettings(dir);

    expect(settings.configFiles).toEqual(['jest.config.js']);
    expect(settings.projects).toHaveLength(1);
    expect(settings.projects[0]).toMatchObject({ rootDir: '.', roots: ['.'], configFiles: ['test/setup.js'] });
    expect(settings.projects[0]!.moduleNameMapper).toEqual([['^@/(.*)$', 'src/$1']]);
    expect(matcherTests(dir)).toEqual(jestListTests(dir));
    expect(matcherTests(dir)).toContain('src/a.test.js');
  });

  it('should read every project of a multi-project config', () => {
    const { dir } = project({
      'jest.config.js': jestConfigModule({ projects: ['<rootDir>/packages/a', '<rootDir>/packages/b'] }),
      'packages/a/jest.config.js': jestConfigModule({ displayName: 'a', testMatch: ['<rootDir>/checks/**/*.check.js'] }),
      'packages/a/checks/x.check.js': EMPTY_TEST,
      'packages/a/x.test.js': EMPTY_TEST,
      'packages/b/package.json': JSON.stringify({ name: 'b', jest: { testRegex: '/tests/.*\\.js$' } }),
      'packages/b/tests/y.js': EMPTY_TEST,
      'packages/b/y.test.js': EMPTY_TEST,
    });

    const settings = readJestSettings(dir);

    expect(settings.projects.map((p) => [p.name, p.rootDir])).toEqual([
      ['a', 'packages/a'],
      ['packages/b', 'packages/b'],
    ]);
    expect([...settings.configFiles].sort()).toEqual(['jest.config.js', 'packages/a/jest.config.js', 'packages/b/package.json']);
    expect(settings.projects[0]!.testMatch).toEqual(['packages/a/checks/**/*.check.js']);
    expect(matcherTests(dir)).toEqual(jestListTests(dir));
    expect(matcherTests(dir)).toEqual(['packages/a/checks/x.check.js', 'packages/b/tests/y.js']);
  });

  it('should leave out files outside roots and ignored paths, as Jest does', () => {
    const { dir } = project({
      'jest.config.js': jestConfigModule({
        roots: ['<rootDir>/test'],
        testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/fixtures/'],
      }),
      'src/a.test.js': EMPTY_TEST,
      'test/b.test.js': EMPTY_TEST,
      'test/fixtures/c.test.js': EMPTY_TEST,
    });

    expect(matcherTests(dir)).toEqual(jestListTests(dir));
    expect(matcherTests(dir)).toEqual(['test/b.test.js']);
  });

  it('should read the config named with --config', () => {
    const { dir } = project({
      'jest.ci.config.js': jestConfigModule({ testMatch: ['**/*.ci.js'] }),
      'a.ci.js': EMPTY_TEST,
    });

    const settings = readJestSettings(dir, { config: 'jest.ci.config.js' });

    expect(settings.configFiles).toEqual(['jest.ci.config.js']);
    expect(settings.projects[0]!.testMatch).toEqual(['**/*.ci.js']);
  });

  it('should report a broken config with IMPACT_JEST_CONFIG and what Jest said', () => {
    const { dir } = project({ 'jest.config.js': 'throw new Error("config exploded");\n' });

    let caught: unknown;
    try {
      readJestSettings(dir);
    } catch (error) {
      caught = error;
    }

    expect(isImpactError(caught) && caught.code).toBe('IMPACT_JEST_CONFIG');
    expect((caught as Error).message).toContain('config exploded');
  });
});
