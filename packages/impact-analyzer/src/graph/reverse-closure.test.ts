import { describe, expect, it } from '@jest/globals';
import { buildStaticGraph } from './static-graph.js';
import { reverseClosure } from './reverse-closure.js';

function graphOf(sources: Record<string, string>) {
  return buildStaticGraph({ root: '/virtual', files: Object.keys(sources), readFile: (path) => sources[path] });
}

const barrelWorkspace = {
  'src/a.ts': 'export function a() { return 1; }',
  'src/b.ts': 'export function b() { return 2; }',
  'src/index.ts': "export { a } from './a';\nexport * from './b';",
  'src/outer.ts': "import { a as renamed } from './index';\nexport { renamed as outerA };",
  'test/b.test.ts': "import { b } from '../src/index';",
  'test/a.test.ts': "import { a } from '../src/index';",
  'test/outer.test.ts': "import { outerA } from '../src/outer';",
  'test/side.test.ts': "import '../src/a';",
  'test/ns.test.ts': "import * as all from '../src/index';",
  'src/uses-a.ts': "import { a } from './a';\nexport const v = a();",
  'test/uses.test.ts': "import { v } from '../src/uses-a';",
};

describe('reverseClosure', () => {
  it('should reach every importer with the shortest chain, changed files with an empty one', () => {
    const graph = graphOf({ 'a.ts': '', 'b.ts': "import './a';", 'c.ts': "import './b';\nimport './a';", 'c.test.ts': "import './c';" });
    const closure = reverseClosure(graph, ['a.ts']);
    expect([...closure.keys()].sort()).toEqual(['a.ts', 'b.ts', 'c.test.ts', 'c.ts']);
    expect(closure.get('a.ts')).toEqual([]);
    expect(closure.get('c.test.ts')!.map((edge) => `${edge.from}->${edge.to}`)).toEqual(['c.ts->a.ts', 'c.test.ts->c.ts']);
  });

  it('should terminate on a cycle', () => {
    const graph = graphOf({ 'a.ts': "import './b';", 'b.ts': "import './a';", 'a.test.ts': "import './a';" });
    expect([...reverseClosure(graph, ['b.ts']).keys()].sort()).toEqual(['a.test.ts', 'a.ts', 'b.ts']);
  });

  it('should reach every importer of a barrel without precise names', () => {
    const closure = reverseClosure(graphOf(barrelWorkspace), ['src/a.ts']);
    expect(closure.has('test/b.test.ts')).toBe(true);
    expect(closure.has('test/side.test.ts')).toBe(true);
  });

  it('should follow only the changed names through barrels under precise names', () => {
    const closure = reverseClosure(graphOf(barrelWorkspace), ['src/a.ts'], { precise: new Map([['src/a.ts', new Set(['a'])]]) });
    expect([...closure.keys()].sort()).toEqual([
      'src/a.ts',
      'src/index.ts',
      'src/outer.ts',
      'src/uses-a.ts',
      'test/a.test.ts',
      'test/ns.test.ts',
      'test/outer.test.ts',
      'test/uses.test.ts',
    ]);
    expect(closure.get('test/outer.test.ts')!.map((edge) => edge.from)).toEqual(['src/index.ts', 'src/outer.ts', 'test/outer.test.ts']);
  });

  it('should follow export-star barrels by name under precise names', () => {
    const closure = reverseClosure(graphOf(barrelWorkspace), ['src/b.ts'], { precise: new Map([['src/b.ts', new Set(['b'])]]) });
    expect(closure.has('test/b.test.ts')).toBe(true);
    expect(closure.has('test/a.test.ts')).toBe(false);
  });

  it('should reach nothing through names no importer uses', () => {
    const closure = reverseClosure(graphOf(barrelWorkspace), ['src/a.ts'], { precise: new Map([['src/a.ts', new Set(['unused'])]]) });
    expect([...closure.keys()]).toEqual(['src/a.ts']);
  });
});
