import { describe, expect, it } from '@jest/globals';
import { scanModule } from './scan-module.js';

function specifiers(source: string): string[] {
  return scanModule(source, 'src/x.ts').references.map((reference) => reference.specifier);
}

describe('scanModule', () => {
  it('should find every static import form with its names', () => {
    const facts = scanModule(
      [
        "import x from 'default-only';",
        "import { a as b, type c, d } from './named';",
        "import * as n from './namespace';",
        "import './side-effect';",
        "import type { T } from './types';",
        "import y, { z } from './mixed';",
        "import json from './data.json' with { type: 'json' };",
      ].join('\n'),
      'src/x.ts',
    );
    expect(facts.references).toEqual([
      { specifier: 'default-only', kind: 'import', names: ['default'], typeOnly: false, line: 1 },
      { specifier: './named', kind: 'import', names: ['a', 'd'], typeOnly: false, line: 2 },
      { specifier: './namespace', kind: 'import', names: '*', typeOnly: false, line: 3 },
      { specifier: './side-effect', kind: 'import', typeOnly: false, line: 4 },
      { specifier: './types', kind: 'import', names: ['T'], typeOnly: true, line: 5 },
      { specifier: './mixed', kind: 'import', names: ['default', 'z'], typeOnly: false, line: 6 },
      { specifier: './data.json', kind: 'import', names: ['default'], typeOnly: false, line: 7 },
    ]);
  });

  it('should treat an import of inline types only as type-only', () => {
    expect(scanModule("import { type A, type B } from './t';", 'x.ts').references[0]!.typeOnly).toBe(true);
  });

  it('should find re-exports with the source names and their aliases', () => {
    const facts = scanModule(
      ["export { a, b as c } from './ab';", "export * from './all';", "export * as ns from './ns';", "export type { T } from './t';"].join(
        '\n',
      ),
      'src/index.ts',
    );
    expect(facts.references).toEqual([
      { specifier: './ab', kind: 'export-from', names: ['a', 'b'], typeOnly: false, line: 1, reexports: { a: 'a', c: 'b' } },
      { specifier: './all', kind: 'export-from', names: '*', typeOnly: false, line: 2 },
      { specifier: './ns', kind: 'export-from', names: '*', typeOnly: false, line: 3, reexports: { ns: '*' } },
      { specifier: './t', kind: 'export-from', names: ['T'], typeOnly: true, line: 4, reexports: { T: 'T' } },
    ]);
    expect(facts.barrel).toBe(true);
  });

  it('should find require, require.resolve, dynamic import, jest mocks and import-equals', () => {
    const facts = scanModule(
      [
        "const a = require('./a');",
        "const p = require.resolve('./p');",
        "const l = await import('./lazy');",
        "jest.mock('./mocked', () => ({}));",
        "jest.doMock('./do');",
        "const real = jest.requireActual('./real');",
        "import fs = require('node:fs');",
        'const t = require(`./plain`);',
      ].join('\n'),
      'src/x.test.ts',
    );
    expect(facts.references.map((r) => [r.specifier, r.kind, r.line])).toEqual([
      ['./a', 'require', 1],
      ['./p', 'require', 2],
      ['./lazy', 'dynamic-import', 3],
      ['./mocked', 'jest-mock', 4],
      ['./do', 'jest-mock', 5],
      ['./real', 'require-actual', 6],
      ['node:fs', 'require', 7],
      ['./plain', 'require', 8],
    ]);
  });

  it('should turn template literals with expressions into pattern globs', () => {
    const facts = scanModule('const m = require(`./locale/${name}.js`);\nawait import(`./pages/${a}/${b}.tsx`);', 'x.js');
    expect(facts.references).toEqual([
      { specifier: './locale/*.js', kind: 'pattern', names: '*', typeOnly: false, line: 1 },
      { specifier: './pages/*/*.tsx', kind: 'pattern', names: '*', typeOnly: false, line: 2 },
    ]);
  });

  it('should turn string concatenation into a prefix pattern', () => {
    expect(scanModule("require('./locale/' + name);", 'x.js').references).toEqual([
      { specifier: './locale/*', kind: 'pattern', names: '*', typeOnly: false, line: 1 },
    ]);
  });

  it('should treat typeof import() as a type', () => {
    expect(
      scanModule("const a = require('./a') as typeof import('./a');", 'x.ts').references.map((r) => [r.specifier, r.kind, r.typeOnly]),
    ).toEqual([
      ['./a', 'require', false],
      ['./a', 'dynamic-import', true],
    ]);
  });

  it('should find requires nested inside template expressions', () => {
    expect(specifiers('const s = `a ${require(`./inner`).x + `${require("./deeper")}`} b`;')).toEqual(['./inner', './deeper']);
  });

  it('should not find references inside comments, strings and regular expressions', () => {
    const source = [
      "// import a from './commented';",
      "/* require('./block') */",
      'const s = "import(\'./in-string\')";',
      'const t = \'require("./single")\';',
      'const r = /["\']require\\(/g;',
      "const u = `text import('./in-template') text`;",
      "const d = a / 2; const e = b / 3; require('./after-division');",
      "const re = /[/]import('x')/;",
      "obj.require('./method');",
      "const o = { require: 1 }; o.jest.mock('./not-jest');",
    ].join('\n');
    expect(specifiers(source)).toEqual(['./after-division']);
  });

  it('should handle TypeScript generics and JSX without false edges', () => {
    const source = [
      "import React from 'react';",
      'function f<T extends Record<string, unknown>>(x: Array<T>): Map<string, T> { return new Map(); }',
      'const el = <div className="a">{cond ? <span>b</span> : null}</div>;',
      "const Lazy = React.lazy(() => import('./Page'));",
      'const x = a < b && c > /re/.test(s);',
    ].join('\n');
    expect(specifiers(source)).toEqual(['react', './Page']);
  });

  it('should count lines across comments and multi-line templates', () => {
    const facts = scanModule("/*\n\n*/\nconst t = `\n${x}\n`;\nrequire('./late');", 'x.js');
    expect(facts.references[0]!.line).toBe(7);
  });

  it('should record own exports', () => {
    const facts = scanModule(
      [
        'export const a = 1, b = 2;',
        'export function f() {}',
        'export async function g() {}',
        'export class C {}',
        'export enum E { A }',
        'export const { d, e: f2 } = obj;',
        'const local = 1;',
        'export { local, local as renamed };',
        'export default 42;',
        'export type T = string;',
        'export interface I {}',
      ].join('\n'),
      'x.ts',
    );
    expect([...facts.exports].sort()).toEqual(['C', 'E', 'a', 'b', 'd', 'default', 'f', 'f2', 'g', 'local', 'renamed'].sort());
    expect(facts.barrel).toBe(false);
  });

  it('should record CommonJS exports', () => {
    expect([...scanModule('module.exports = { a, b: 1, c() {} };\nexports.d = 1;', 'x.js').exports].sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
      'default',
    ]);
  });

  it('should see a barrel of imports re-exported locally, and map the names', () => {
    const facts = scanModule("'use strict';\nimport { a as x } from './a';\nimport b from './b';\nexport { x as y, b };", 'i.ts');
    expect(facts.barrel).toBe(true);
    expect(facts.references[0]!.reexports).toEqual({ y: 'a' });
    expect(facts.references[1]!.reexports).toEqual({ b: 'default' });
  });

  it('should not call a file with code of its own a barrel', () => {
    expect(scanModule("export * from './a';\nconsole.log('x');", 'i.ts').barrel).toBe(false);
    expect(scanModule("export * from './a';\nexport const v = 1;", 'i.ts').barrel).toBe(false);
    expect(scanModule('const z = 1;\nexport { z };', 'i.ts').barrel).toBe(false);
    expect(scanModule('', 'i.ts').barrel).toBe(false);
    expect(scanModule("import { a } from './a';\nimport './b';", 'a.test.ts').barrel).toBe(false);
  });

  it('should read @impact unskippable from the leading docblock only', () => {
    expect(scanModule("/**\n * @impact unskippable\n */\nimport './a';", 'a.test.ts').unskippable).toBe(true);
    expect(scanModule("// @impact unskippable\ntest('x', () => {});", 'a.test.ts').unskippable).toBe(true);
    expect(scanModule("import './a';\n// @impact unskippable", 'a.test.ts').unskippable).toBe(false);
  });

  it('should ignore import.meta and a hashbang', () => {
    expect(specifiers("#!/usr/bin/env node\nconst u = import.meta.url;\nimport('./x');")).toEqual(['./x']);
  });
});
