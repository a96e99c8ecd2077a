import type { StaticGraph } from '../graph/static-graph.js';

/**
 * Every file the Jest configuration loads, with the chain that loads it: the config files, setup
 * files, environments and transforms themselves and whatever they import (a helper a setup file
 * imports changes every test as much as the setup file does). Test files and installed packages
 * are not followed.
 *
 * @example
 * configClosure(graph, new Set(['test/setup.ts']), tests).get('test/helpers/db.ts') // ['test/setup.ts', 'test/helpers/db.ts']
 */
export function configClosure(
  graph: StaticGraph,
  configFiles: ReadonlySet<string>,
  tests: ReadonlySet<string>,
): Map<string, readonly string[]> {
  const reached = new Map<string, readonly string[]>();
  const queue: string[] = [];
  for (const file of configFiles) {
    reached.set(file, [file]);
    queue.push(file);
  }
  while (queue.length > 0) {
    const file = queue.shift()!;
    const chain = reached.get(file)!;
    for (const edge of graph.edgesFrom(file)) {
      if (edge.to.startsWith('npm:') || reached.has(edge.to) || tests.has(edge.to)) continue;
      reached.set(edge.to, [...chain, edge.to]);
      queue.push(edge.to);
    }
  }
  return reached;
}

/**
 * A chain of files in words, changed file first: `src/a.ts → src/index.ts → test/a.test.ts`.
 *
 * @example
 * describeChain(['src/a.ts', 'test/a.test.ts']) // 'src/a.ts → test/a.test.ts'
 */
export function describeChain(chain: readonly string[]): string {
  return chain.join(' → ');
}
