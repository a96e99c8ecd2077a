import { describe, expect, it } from '@jest/globals';
import { classifyChange } from './classify-change.js';

const MATH = `import { round } from './round.js';

/** Adds. */
export function add(a: number, b: number): number {
  return round(a + b);
}

export const divide = (a: number, b: number): number => a / b;

export class Calc {
  constructor(private readonly start: number) {}
  total(values: number[]): number {
    return values.reduce((sum, value) => add(sum, value), this.start);
  }
  get size(): number {
    return 1;
  }
}

const LIMIT = 10;
`;

describe('classifyChange', () => {
  it('should narrow a body-only edit of a function declaration to that function', () => {
    const after = MATH.replace('return round(a + b);', 'return round(b + a);');

    expect(classifyChange('src/math.ts', MATH, after)).toEqual({ level: 'functions', functions: ['add'], exports: ['Calc', 'add'] });
  });

  it('should narrow a body-only edit of an arrow function bound to a const', () => {
    const after = MATH.replace('a / b;', 'b === 0 ? NaN : a / b;');

    expect(classifyChange('src/math.ts', MATH, after)).toEqual({ level: 'functions', functions: ['divide'], exports: ['divide'] });
  });

  it('should name a changed method and constructor the way V8 names them', () => {
    const method = MATH.replace('this.start);', 'this.start + 0);');
    const withConstructor = MATH.replace('private readonly start: number) {}', 'private readonly start: number) { void 0; }');

    expect(classifyChange('src/math.ts', MATH, method)).toEqual({ level: 'functions', functions: ['total'], exports: ['Calc'] });
    expect(classifyChange('src/math.ts', MATH, withConstructor)).toEqual({ level: 'functions', functions: ['Calc'], exports: ['Calc'] });
  });

  it('should answer module for a changed class accessor, which V8 names `get` once compiled for an older target', () => {
    expect(classifyChange('src/math.ts', MATH, MATH.replace('return 1;', 'return 2;'))).toEqual({
      level: 'module',
      reason: '`get size` (line 15) changed and the name of a class accessor depends on the compile target',
    });
  });

  it('should report no changed function when only comments and whitespace changed', () => {
    const after = MATH.replace('/** Adds. */', '/** Adds two numbers. */').replace('const LIMIT = 10;', 'const   LIMIT = 10; // the cap');

    expect(classifyChange('src/math.ts', MATH, after)).toEqual({ level: 'functions', functions: [], exports: [] });
  });

  it('should see a line break that changes the tree through automatic semicolon insertion', () => {
    const before = `export function value() {\n  return 1;\n}\nexport const a = 1;\nexport const b = a\n(0);\n`;
    const inBody = before.replace('return 1;', 'return\n1;');
    const atTop = before.replace('a\n(0)', 'a;\n(0)');

    expect(classifyChange('src/asi.js', before, inBody)).toEqual({ level: 'functions', functions: ['value'], exports: ['value'] });
    expect(classifyChange('src/asi.js', before, atTop)).toMatchObject({ level: 'module' });
  });

  it('should answer module for a changed constant, naming its line', () => {
    const result = classifyChange('src/math.ts', MATH, MATH.replace('LIMIT = 10', 'LIMIT = 11'));

    expect(result).toEqual({ level: 'module', reason: expect.stringContaining('line 20 ') });
  });

  it('should answer module for a changed import, a new function and a removed export', () => {
    const newImport = MATH.replace("'./round.js'", "'./rounding.js'");
    const newFunction = `${MATH}\nexport function subtract(a: number, b: number): number {\n  return a - b;\n}\n`;
    const removedExport = MATH.replace('export const divide', 'const divide');

    expect(classifyChange('src/math.ts', MATH, newImport)).toEqual({ level: 'module', reason: expect.stringContaining('line 1 ') });
    expect(classifyChange('src/math.ts', MATH, newFunction)).toMatchObject({ level: 'module' });
    expect(classifyChange('src/math.ts', MATH, removedExport)).toEqual({ level: 'module', reason: expect.stringContaining('line 8 ') });
  });

  it('should answer module for a changed signature or return type', () => {
    const parameter = MATH.replace('add(a: number, b: number)', 'add(a: number, b = 0)');
    const returnType = MATH.replace('(a: number, b: number): number =>', '(a: number, b: number): unknown =>');

    expect(classifyChange('src/math.ts', MATH, parameter)).toMatchObject({ level: 'module' });
    expect(classifyChange('src/math.ts', MATH, returnType)).toMatchObject({ level: 'module' });
  });

  it('should answer module when a changed function runs while the module loads', () => {
    const before = `export function init() {\n  return 1;\n}\nexport const ready = init();\n`;
    const after = before.replace('return 1', 'return 2');

    expect(classifyChange('src/init.ts', before, after)).toEqual({
      level: 'module',
      reason: '`init` changed and can run when the module loads: top-level code at line 4 refers to it',
    });
  });

  it('should answer module when top-level code reaches a changed function through another function', () => {
    const before = `function helper() {\n  return 1;\n}\nfunction setup() {\n  return helper();\n}\nsetup();\nexport { setup };\n`;
    const after = before.replace('return 1', 'return 2');

    expect(classifyChange('src/setup.ts', before, after)).toEqual({
      level: 'module',
      reason: '`helper` changed and can run when the module loads: top-level code at line 7 refers to it through `setup`',
    });
  });

  it('should answer module when a changed function is called by an IIFE, a class field, a decorator or `export default f()`', () => {
    const body = `function make() {\n  return 1;\n}\n`;
    const sites = [
      `(() => make())();\n`,
      `export class A {\n  static value = make();\n}\n`,
      `export class A {\n  @make() method() {}\n}\n`,
      `export default make();\n`,
      `[1].forEach(() => make());\n`,
    ];

    for (const site of sites) {
      const result = classifyChange('src/load.ts', body + site, body.replace('return 1', 'return 2') + site);
      expect(result).toMatchObject({
        level: 'module',
        reason: expect.stringContaining('`make` changed and can run when the module loads'),
      });
    }
  });

  it('should answer module when a class runs its own method while it is defined, through `this`', () => {
    const block = `export class Registry {\n  static init() {\n    return 1;\n  }\n  static {\n    this.init();\n  }\n}\n`;
    const field = `export class Registry {\n  static init() {\n    return 1;\n  }\n  static ready = this.init();\n}\n`;

    for (const before of [block, field]) {
      expect(classifyChange('src/registry.ts', before, before.replace('return 1', 'return 2'))).toMatchObject({
        level: 'module',
        reason: expect.stringContaining('`init` changed and can run when the module loads'),
      });
    }
  });

  it('should reach a function exported inside a default object', () => {
    const before = `function add(a: number, b: number) {\n  return a + b;\n}\nexport default { add };\n`;

    expect(classifyChange('src/default.ts', before, before.replace('a + b', 'b + a'))).toEqual({
      level: 'functions',
      functions: ['add'],
      exports: ['default'],
    });
  });

  it('should list the exports that reach a changed helper through the functions that call it', () => {
    const before = `function helper() {\n  return 1;\n}\nexport function a() {\n  return helper();\n}\nexport function b() {\n  return 2;\n}\nexport { a as alias };\n`;
    const after = before.replace('return 1', 'return 3');

    expect(classifyChange('src/ab.ts', before, after)).toEqual({ level: 'functions', functions: ['helper'], exports: ['a', 'alias'] });
  });

  it('should answer module for an anonymous default export and for a decorated class', () => {
    const anonymous = `export default function () {\n  return 1;\n}\n`;
    const decorated = `function sealed(target: unknown) {\n  return target;\n}\n@sealed\nexport class A {\n  run() {\n    return 1;\n  }\n}\n`;

    expect(classifyChange('src/d.ts', anonymous, anonymous.replace('1', '2'))).toMatchObject({ level: 'module' });
    expect(classifyChange('src/d.ts', decorated, decorated.replace('return 1', 'return 2'))).toEqual({
      level: 'module',
      reason: '`run` (line 6) changed and a decorator receives the class or its member when the module loads',
    });
  });

  it('should answer module for private methods and class fields, whose V8 names depend on the compile target', () => {
    const before = `export class A {\n  handler = () => 1;\n  #secret() {\n    return 1;\n  }\n  run() {\n    return this.#secret() + this.handler();\n  }\n}\n`;

    expect(classifyChange('src/a.ts', before, before.replace('=> 1', '=> 2'))).toMatchObject({ level: 'module' });
    expect(classifyChange('src/a.ts', before, before.replace('return 1', 'return 2'))).toMatchObject({ level: 'module' });
    expect(classifyChange('src/a.ts', before, before.replace('+ this', '- this'))).toEqual({
      level: 'functions',
      functions: ['run'],
      exports: ['A'],
    });
  });

  it('should narrow CommonJS functions and object methods in a .js file', () => {
    const before = `'use strict';\nconst api = {\n  fetch() {\n    return 1;\n  },\n  parse: (text) => JSON.parse(text),\n};\nfunction main() {\n  return api.fetch();\n}\nmodule.exports = { main, helper: main };\n`;
    const fetchChanged = before.replace('return 1', 'return 2');
    const parseChanged = before.replace('JSON.parse(text)', 'JSON.parse(text.trim())');

    expect(classifyChange('lib/api.js', before, fetchChanged)).toEqual({
      level: 'functions',
      functions: ['fetch'],
      exports: ['helper', 'main'],
    });
    expect(classifyChange('lib/api.js', before, parseChanged)).toEqual({
      level: 'functions',
      functions: ['parse'],
      exports: ['helper', 'main'],
    });
  });

  it('should narrow functions written into the CommonJS exports, named as V8 names them', () => {
    const before = `exports.parse = function (text) {\n  return text;\n};\nmodule.exports.format = (value) => String(value);\n`;
    const inline = `module.exports = {\n  add(a, b) {\n    return a + b;\n  },\n  sub: function (a, b) {\n    return a - b;\n  },\n};\n`;

    expect(classifyChange('lib/text.cjs', before, before.replace('return text', 'return text.trim()'))).toEqual({
      level: 'functions',
      functions: ['exports.parse'],
      exports: ['parse'],
    });
    expect(classifyChange('lib/text.cjs', before, before.replace('String(value)', '`${value}`'))).toEqual({
      level: 'functions',
      functions: ['module.exports.format'],
      exports: ['format'],
    });
    expect(classifyChange('lib/math.js', inline, inline.replace('a - b', 'b - a'))).toEqual({
      level: 'functions',
      functions: ['sub'],
      exports: ['sub'],
    });
  });

  it('should answer module when top-level code calls a changed function through the exports object', () => {
    const cases = [
      `function add(a, b) {\n  return a + b;\n}\nexports.add = add;\nexports.sum = exports.add(1, 2);\n`,
      `exports.add = function (a, b) {\n  return a + b;\n};\nconsole.log(module.exports['add'](1, 2));\n`,
      `module.exports = {\n  add(a, b) {\n    return a + b;\n  },\n};\nregister(module.exports);\n`,
    ];

    for (const before of cases) {
      const result = classifyChange('lib/add.js', before, before.replace('a + b', 'b + a'));
      expect(result).toMatchObject({ level: 'module', reason: expect.stringContaining('changed and can run when the module loads') });
    }
  });

  it('should narrow a component body edit in a .tsx file and name a function expression by its own name', () => {
    const before = `export const Button = ({ label }: { label: string }) => {\n  return <button>{label}</button>;\n};\nexport const format = function formatLabel(text: string) {\n  return text;\n};\n`;
    const jsx = before.replace('<button>{label}</button>', '<button className="b">{label}</button>');
    const named = before.replace('return text;', 'return text.trim();');

    expect(classifyChange('src/button.tsx', before, jsx)).toEqual({ level: 'functions', functions: ['Button'], exports: ['Button'] });
    expect(classifyChange('src/button.tsx', before, named)).toEqual({
      level: 'functions',
      functions: ['formatLabel'],
      exports: ['format'],
    });
  });

  it('should count a change inside a nested function as a change of the outermost named function', () => {
    const before = `export function outer() {\n  function inner() {\n    return 1;\n  }\n  return inner;\n}\n`;

    expect(classifyChange('src/n.mjs', before, before.replace('return 1', 'return 2'))).toEqual({
      level: 'functions',
      functions: ['outer'],
      exports: ['outer'],
    });
  });

  it('should answer module for files that do not parse or are not code', () => {
    expect(classifyChange('src/a.ts', 'export const a = 1;', 'export const a = ;')).toMatchObject({
      level: 'module',
      reason: expect.stringContaining('does not parse after the change'),
    });
    expect(classifyChange('data/a.json', '{"a":1}', '{"a":2}')).toEqual({
      level: 'module',
      reason: 'it is not a JavaScript or TypeScript file',
    });
  });

  it('should see a changed method reached through a class that another class extends', () => {
    const before = `class Base {\n  greet() {\n    return 'hi';\n  }\n}\nexport class Child extends Base {\n  run() {\n    return this.greet();\n  }\n}\n`;

    expect(classifyChange('src/c.ts', before, before.replace("'hi'", "'hello'"))).toEqual({
      level: 'functions',
      functions: ['greet'],
      exports: ['Child'],
    });
  });
});
