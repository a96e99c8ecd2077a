import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outlineSource } from './source-outline.js';
import { loadTypeScript, parseSource, type TypeScriptApi } from './typescript-parser.js';

const COMMONJS = `function add(a, b) { return a + b; }
const divide = (a, b) => a / b;
const expr = function (a) { return a; };
const named = function inner(a) { return a; };
let later = async () => 1;
var gen = function* () { yield 1; };
class Calc {
  constructor(x) { this.x = x; }
  total() { return this.x; }
  get size() { return 1; }
  set size(value) { this.x = value; }
  static make() { return new Calc(1); }
  'quoted name'() { return 2; }
  async later() { return 1; }
  *steps() { yield 1; }
}
const Expr = class { constructor() { this.y = 1; } run() { return 1; } };
const api = { m() { return 1; }, p: function () { return 2; }, a: () => 3, get g() { return 4; }, nested: { deep() { return 5; } } };
exports.parse = function (text) { return text; };
module.exports.format = (value) => String(value);
module.exports.all = { add, divide, expr, named, later, gen, Calc, Expr, api };
`;

const ESM = `export function add(a, b) { return a + b; }
export const divide = (a, b) => a / b;
export default class Shape { constructor() { this.k = 1; } area() { return 1; } static get unit() { return 1; } }
export const table = { row() { return 1; } };
`;

/** Loads the fixtures with V8 precise coverage on, calls each function once, prints the names V8 reports. */
const DRIVER = `import inspector from 'node:inspector';
import { createRequire } from 'node:module';
const session = new inspector.Session();
session.connect();
const post = (method, params = {}) => new Promise((done, fail) => session.post(method, params, (error, result) => (error ? fail(error) : done(result))));
await post('Profiler.enable');
await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
const cjs = createRequire(import.meta.url)('./fixture.cjs');
const { add, divide, expr, named, later, gen, Calc, Expr, api } = cjs.all;
add(1, 2); divide(1, 2); expr(1); named(1); await later(); gen().next();
const calc = Calc.make(); calc.total(); calc.size; calc.size = 2; calc['quoted name'](); await calc.later(); calc.steps().next();
new Expr().run(); api.m(); api.p(); api.a(); api.g; api.nested.deep(); cjs.parse('x'); cjs.format(1);
const esm = await import('./fixture.mjs');
esm.add(1, 2); esm.divide(1, 2); new esm.default().area(); esm.default.unit; esm.table.row();
const { result } = await post('Profiler.takePreciseCoverage');
const names = {};
for (const script of result) {
  const file = script.url.split('/').pop();
  if (!file.startsWith('fixture.')) continue;
  names[file] = script.functions.filter((fn) => fn.ranges[0].count > 0).map((fn) => fn.functionName);
}
process.stdout.write(JSON.stringify(names));
`;

function outlineIds(ts: TypeScriptApi, path: string, text: string): string[] {
  const file = parseSource(ts, path, text);
  if (file === undefined) throw new Error(`cannot parse ${path}`);
  return outlineSource(ts, file)
    .functions.filter((fn) => fn.caution === undefined)
    .map((fn) => fn.id);
}

describe('outlineSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'impact-v8-names-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should give every named function the id V8 reports as its coverage functionName, in CommonJS and ESM', () => {
    const ts = loadTypeScript() as TypeScriptApi;
    writeFileSync(join(dir, 'fixture.cjs'), COMMONJS);
    writeFileSync(join(dir, 'fixture.mjs'), ESM);
    writeFileSync(join(dir, 'driver.mjs'), DRIVER);

    const reported = JSON.parse(execFileSync(process.execPath, [join(dir, 'driver.mjs')], { cwd: dir, encoding: 'utf8' })) as Record<
      string,
      string[]
    >;
    const commonJsIds = outlineIds(ts, 'fixture.cjs', COMMONJS);
    const esmIds = outlineIds(ts, 'fixture.mjs', ESM);

    expect(commonJsIds).toEqual([
      'add',
      'divide',
      'expr',
      'inner',
      'later',
      'gen',
      'Calc',
      'total',
      'make',
      'quoted name',
      'later',
      'steps',
      'Expr',
      'run',
      'm',
      'p',
      'a',
      'get g',
      'deep',
      'exports.parse',
      'module.exports.format',
    ]);
    expect(esmIds).toEqual(['add', 'divide', 'Shape', 'area', 'row']);
    for (const id of commonJsIds) expect(reported['fixture.cjs']).toContain(id);
    for (const id of esmIds) expect(reported['fixture.mjs']).toContain(id);
    // Left to module level (their names depend on the compile target), though V8 names them this way when not compiled.
    expect(reported['fixture.cjs']).toEqual(expect.arrayContaining(['get size', 'set size']));
    expect(reported['fixture.mjs']).toContain('get unit');
  });
});
