import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { JestProjectSettings } from '../model.js';
import { buildStaticGraph, type StaticGraph } from './static-graph.js';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Writes `files` to a temporary folder; node_modules entries are written but not listed as workspace files. */
function workspace(files: Record<string, string>): { root: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'impact-graph-'));
  folders.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, files: Object.keys(files).filter((path) => !path.includes('node_modules/')) };
}

function project(overrides: Partial<JestProjectSettings> = {}): JestProjectSettings {
  return {
    name: 'root',
    rootDir: '.',
    roots: ['.'],
    testMatch: [],
    testRegex: [],
    testPathIgnorePatterns: [],
    moduleFileExtensions: ['js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'json', 'node'],
    moduleNameMapper: [],
    moduleDirectories: ['node_modules'],
    modulePaths: [],
    configFiles: [],
    ...overrides,
  };
}

function targets(graph: StaticGraph, file: string): [string, string, string][] {
  return graph.edgesFrom(file).map((edge) => [edge.to, edge.kind, edge.via]);
}

describe('buildStaticGraph', () => {
  it('should resolve relative specifiers with extension probing, TS ESM .js, folder index and package.json main', () => {
    const { root, files } = workspace({
      'src/a.ts': "import './b';\nimport './c.js';\nimport './d.mjs';\nimport './dir';\nimport './lib';\nimport '../data.json';",
      'src/b.tsx': '',
      'src/c.ts': '',
      'src/d.mts': '',
      'src/dir/index.ts': '',
      'src/lib/package.json': '{ "main": "./entry.js" }',
      'src/lib/entry.js': '',
      'data.json': '{}',
    });
    const graph = buildStaticGraph({ root, files });
    expect(targets(graph, 'src/a.ts')).toEqual([
      ['src/b.tsx', 'import', 'relative'],
      ['src/c.ts', 'import', 'relative'],
      ['src/d.mts', 'import', 'relative'],
      ['src/dir/index.ts', 'import', 'relative'],
      ['src/lib/entry.js', 'import', 'relative'],
      ['data.json', 'import', 'relative'],
    ]);
    expect(graph.edgesTo('src/c.ts').map((edge) => edge.from)).toEqual(['src/a.ts']);
    expect(graph.unresolved).toEqual([]);
  });

  it('should probe extensions in the project moduleFileExtensions order', () => {
    const { root, files } = workspace({ 'a.ts': "import './b';", 'b.js': '', 'b.ts': '' });
    const jest = { configFiles: [], projects: [project({ moduleFileExtensions: ['ts', 'js'] })] };
    expect(targets(buildStaticGraph({ root, files, jest }), 'a.ts')).toEqual([['b.ts', 'import', 'relative']]);
    expect(targets(buildStaticGraph({ root, files }), 'a.ts')).toEqual([['b.js', 'import', 'relative']]);
  });

  it('should never make an edge of a type-only reference, and none to a Node builtin', () => {
    const { root, files } = workspace({
      'a.ts': "import type { T } from './t';\nimport fs from 'node:fs';\nimport path from 'path';",
      't.ts': '',
    });
    const graph = buildStaticGraph({ root, files });
    expect(graph.edgesFrom('a.ts')).toEqual([]);
    expect(graph.unresolved).toEqual([]);
  });

  it('should resolve a deleted file through the base revision files', () => {
    const { root, files } = workspace({ 'a.test.ts': "import { x } from './gone';" });
    const graph = buildStaticGraph({ root, files, baseFiles: new Set(['a.test.ts', 'gone.ts']) });
    expect(graph.edgesFrom('a.test.ts')).toEqual([
      { from: 'a.test.ts', to: 'gone.ts', kind: 'import', specifier: './gone', line: 1, names: ['x'], via: 'base-revision' },
    ]);
  });

  it('should list a specifier no rule resolves as unresolved', () => {
    const { root, files } = workspace({ 'a.ts': "\nimport './missing';\nimport 'not-installed';" });
    expect(buildStaticGraph({ root, files }).unresolved).toEqual([
      { from: 'a.ts', specifier: './missing', line: 2 },
      { from: 'a.ts', specifier: 'not-installed', line: 3 },
    ]);
  });

  it('should make installed packages npm targets, scoped names kept whole', () => {
    const { root, files } = workspace({
      'a.ts': "import 'lodash/fp';\nimport '@scope/pkg/sub';",
      'node_modules/lodash/package.json': '{}',
      'node_modules/@scope/pkg/package.json': '{}',
    });
    expect(targets(buildStaticGraph({ root, files }), 'a.ts')).toEqual([
      ['npm:lodash', 'import', 'node_modules'],
      ['npm:@scope/pkg', 'import', 'node_modules'],
    ]);
  });

  it('should resolve tsconfig paths and baseUrl through an extends chain of relative files and packages', () => {
    const { root, files } = workspace({
      'tsconfig.json': '{\n  // comment\n  "extends": "./config/tsconfig.paths.json",\n  "compilerOptions": { "strict": true, },\n}',
      'config/tsconfig.paths.json':
        '{ "extends": "@org/tsconfig/base.json", "compilerOptions": { "paths": { "@app/*": ["../src/app/*"], "exact": ["../src/exact.ts"] } } }',
      'node_modules/@org/tsconfig/base.json': '{ "compilerOptions": { "baseUrl": "../../../src" } }',
      'src/app/x.ts': '',
      'src/exact.ts': '',
      'src/from-base.ts': '',
      'test/a.test.ts': "import '@app/x';\nimport 'exact';\nimport 'from-base';",
    });
    expect(targets(buildStaticGraph({ root, files }), 'test/a.test.ts')).toEqual([
      ['src/app/x.ts', 'import', 'tsconfig-paths'],
      ['src/exact.ts', 'import', 'tsconfig-paths'],
      ['src/from-base.ts', 'import', 'tsconfig-paths'],
    ]);
  });

  it('should use the nearest tsconfig above the importing file', () => {
    const { root, files } = workspace({
      'tsconfig.json': '{ "compilerOptions": { "paths": { "~/*": ["root/*"] } } }',
      'packages/p/tsconfig.json': '{ "compilerOptions": { "paths": { "~/*": ["src/*"] } } }',
      'packages/p/src/y.ts': '',
      'packages/p/test/a.ts': "import '~/y';",
      'root/y.ts': '',
      'b.ts': "import '~/y';",
    });
    const graph = buildStaticGraph({ root, files });
    expect(targets(graph, 'packages/p/test/a.ts')).toEqual([['packages/p/src/y.ts', 'import', 'tsconfig-paths']]);
    expect(targets(graph, 'b.ts')).toEqual([['root/y.ts', 'import', 'tsconfig-paths']]);
  });

  it('should apply the moduleNameMapper of the project holding the file, first existing replacement', () => {
    const { root, files } = workspace({
      'packages/p/src/a.ts': "import './b.js';\nimport '#shared/c';\nimport './style.css';",
      'packages/p/src/b.ts': '',
      'packages/p/fallback/c.ts': '',
      'packages/p/src/style.css': '',
      'node_modules/identity-obj-proxy/package.json': '{}',
    });
    const mapper: JestProjectSettings['moduleNameMapper'] = [
      ['^(\\.{1,2}/.*)\\.js$', '$1'],
      ['^#shared/(.*)$', ['packages/p/nope/$1', 'packages/p/fallback/$1']],
      ['\\.css$', 'identity-obj-proxy'],
    ];
    const jest = {
      configFiles: [],
      projects: [project({ name: 'p', rootDir: 'packages/p', roots: ['packages/p'], moduleNameMapper: mapper })],
    };
    expect(targets(buildStaticGraph({ root, files, jest }), 'packages/p/src/a.ts')).toEqual([
      ['packages/p/src/b.ts', 'import', 'moduleNameMapper'],
      ['packages/p/fallback/c.ts', 'import', 'moduleNameMapper'],
      ['npm:identity-obj-proxy', 'import', 'node_modules'],
    ]);
  });

  it('should read a mapper replacement starting with ./ (from <rootDir>) as repository-relative', () => {
    const { root, files } = workspace({
      'test/a.test.js': "require('@money/vat.js');",
      'src/money/vat.js': '',
      'test/src/money/vat.js': '',
    });
    const jest = { configFiles: [], projects: [project({ moduleNameMapper: [['^@money/(.*)$', './src/money/$1']] })] };
    expect(targets(buildStaticGraph({ root, files, jest }), 'test/a.test.js')).toEqual([
      ['src/money/vat.js', 'require', 'moduleNameMapper'],
    ]);
  });

  it('should map a workspace package import of its dist output back to source, through exports conditions and subpath patterns', () => {
    const { root, files } = workspace({
      'package.json': '{ "workspaces": { "packages": ["packages/*"] } }',
      'packages/lib/package.json': JSON.stringify({
        name: '@ws/lib',
        exports: {
          '.': { import: { types: './dist/index.d.mts', default: './dist/index.mjs' } },
          './feature/*': { require: './dist/feature/*.cjs' },
        },
      }),
      'packages/lib/src/index.ts': '',
      'packages/lib/src/feature/x.ts': '',
      'packages/old/package.json': '{ "name": "old", "main": "lib/main.js" }',
      'packages/old/tsconfig.json': '{ "compilerOptions": { "outDir": "lib", "rootDir": "source" } }',
      'packages/old/source/main.ts': '',
      'packages/app/package.json': '{ "name": "app" }',
      'packages/app/src/a.ts': "import '@ws/lib';\nimport '@ws/lib/feature/x';\nimport 'old';",
    });
    expect(targets(buildStaticGraph({ root, files }), 'packages/app/src/a.ts')).toEqual([
      ['packages/lib/src/index.ts', 'import', 'workspace-package'],
      ['packages/lib/src/feature/x.ts', 'import', 'workspace-package'],
      ['packages/old/source/main.ts', 'import', 'workspace-package'],
    ]);
  });

  it('should map a relative import of a package build output back to its source', () => {
    const { root, files } = workspace({
      'package.json': '{ "workspaces": ["packages/*"] }',
      'packages/p/package.json': '{ "name": "p" }',
      'packages/p/src/index.ts': '',
      'packages/p/scripts/run.mjs': "import '../dist/index.mjs';\nimport '../lib/missing.js';",
    });
    const graph = buildStaticGraph({ root, files });
    expect(targets(graph, 'packages/p/scripts/run.mjs')).toEqual([['packages/p/src/index.ts', 'import', 'relative']]);
    expect(graph.unresolved.map((entry) => entry.specifier)).toEqual(['../lib/missing.js']);
  });

  it('should resolve through Jest moduleDirectories and modulePaths', () => {
    const { root, files } = workspace({
      'app/src/utils/x.ts': '',
      'shared/y.ts': '',
      'app/src/deep/a.ts': "import 'utils/x';\nimport 'y';",
    });
    const jest = { configFiles: [], projects: [project({ moduleDirectories: ['node_modules', 'src'], modulePaths: ['shared'] })] };
    expect(targets(buildStaticGraph({ root, files, jest }), 'app/src/deep/a.ts')).toEqual([
      ['app/src/utils/x.ts', 'import', 'jest'],
      ['shared/y.ts', 'import', 'jest'],
    ]);
  });

  it('should fall back to every non-test source file of a workspace package whose source cannot be found', () => {
    const { root, files } = workspace({
      'package.json': '{ "workspaces": ["packages/*"] }',
      'packages/odd/package.json': '{ "name": "odd", "main": "build-output/odd.js" }',
      'packages/odd/src/one.ts': '',
      'packages/odd/src/two.ts': '',
      'packages/odd/src/one.test.ts': '',
      'packages/odd/README.md': '',
      'a.ts': "import 'odd';",
    });
    const edges = buildStaticGraph({ root, files }).edgesFrom('a.ts');
    expect(edges.map((edge) => edge.to).sort()).toEqual(['packages/odd/src/one.ts', 'packages/odd/src/two.ts']);
    expect(edges[0]!.specifier).toBe('odd (no source file found: every source file of odd)');
  });

  it('should make pattern edges to every file a template literal can name, deleted ones included', () => {
    const { root, files } = workspace({
      'src/i18n.ts': 'export const load = (n: string) => import(`./locale/${n}.js`);',
      'src/locale/en.js': '',
      'src/locale/fr.js': '',
      'src/other.js': '',
    });
    const graph = buildStaticGraph({ root, files, baseFiles: new Set(['src/locale/de.js']) });
    expect(targets(graph, 'src/i18n.ts').sort()).toEqual([
      ['src/locale/de.js', 'pattern', 'base-revision'],
      ['src/locale/en.js', 'pattern', 'relative'],
      ['src/locale/fr.js', 'pattern', 'relative'],
    ]);
  });

  it('should add sibling __mocks__, root __mocks__ of packages and snapshots', () => {
    const { root, files } = workspace({
      'src/api.ts': '',
      'src/__mocks__/api.ts': '',
      'src/api.test.ts': "import { get } from './api';\nimport axios from 'axios';\nimport '@scope/pkg';\njest.mock('fs');",
      'src/__snapshots__/api.test.ts.snap': '',
      '__mocks__/axios.js': '',
      '__mocks__/@scope/pkg.ts': '',
      '__mocks__/fs.js': '',
      'node_modules/axios/package.json': '{}',
      'node_modules/@scope/pkg/package.json': '{}',
    });
    const jest = { configFiles: [], projects: [project()] };
    expect(targets(buildStaticGraph({ root, files, jest }), 'src/api.test.ts')).toEqual([
      ['src/__snapshots__/api.test.ts.snap', 'snapshot', 'jest'],
      ['src/api.ts', 'import', 'relative'],
      ['src/__mocks__/api.ts', 'mocks-folder', 'jest'],
      ['npm:axios', 'import', 'node_modules'],
      ['__mocks__/axios.js', 'mocks-folder', 'jest'],
      ['npm:@scope/pkg', 'import', 'node_modules'],
      ['__mocks__/@scope/pkg.ts', 'mocks-folder', 'jest'],
      ['__mocks__/fs.js', 'mocks-folder', 'jest'],
    ]);
  });

  it('should read through the given readFile and use the scan cache', () => {
    const sources: Record<string, string> = { 'a.ts': "import './b';", 'b.ts': '' };
    const stored = new Map<string, unknown>();
    const cache = {
      get: (hash: string) => stored.get(hash) as never,
      set: (hash: string, facts: unknown) => void stored.set(hash, facts),
      save: () => undefined,
    };
    const graph = buildStaticGraph({ root: '/nowhere', files: Object.keys(sources), readFile: (path) => sources[path], cache });
    expect(targets(graph, 'a.ts')).toEqual([['b.ts', 'import', 'relative']]);
    expect(stored.size).toBe(2);
  });
});
