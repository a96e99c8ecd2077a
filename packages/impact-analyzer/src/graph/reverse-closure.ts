import type { GraphEdge } from '../model.js';
import type { StaticGraph } from './static-graph.js';

/** Options of {@link reverseClosure}. */
export interface ReverseClosureOptions {
  /** For a changed file whose change is only inside the bodies of some exports: those export names. */
  precise?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** How much of a reached file is affected: all of it, or only these exports. */
type Affected = 'all' | Set<string>;

/**
 * Every file reached backwards from the changed files, each with the shortest edge chain that
 * reaches it (the changed file's importer first, the reached file's own edge last; changed files
 * have an empty chain). With `precise`, a body-only change of some exports follows only edges that
 * use those names, through barrels by the names they re-export; an importer reached that way is
 * affected as a whole from there on.
 *
 * @example
 * reverseClosure(graph, ['src/a.ts']).get('src/a.test.ts') // [{ from: 'src/a.test.ts', to: 'src/a.ts', … }]
 */
export function reverseClosure(
  graph: StaticGraph,
  changed: readonly string[],
  options: ReverseClosureOptions = {},
): Map<string, readonly GraphEdge[]> {
  const chains = new Map<string, readonly GraphEdge[]>();
  const affected = new Map<string, Affected>();
  let queue: string[] = [];
  for (const file of changed) {
    const names = options.precise?.get(file);
    const state: Affected = names ? new Set(names) : 'all';
    const previous = affected.get(file);
    affected.set(file, previous === undefined ? state : merge(previous, state));
    if (!chains.has(file)) {
      chains.set(file, []);
      queue.push(file);
    }
  }
  while (queue.length > 0) {
    const next: string[] = [];
    for (const file of queue) {
      const state = affected.get(file)!;
      for (const edge of graph.edgesTo(file)) {
        const reached = propagate(graph, edge, state);
        if (reached === undefined) continue;
        const importer = edge.from;
        const previous = affected.get(importer);
        const merged = previous === undefined ? reached : merge(previous, reached);
        if (previous !== undefined && !grew(previous, merged)) continue;
        affected.set(importer, merged);
        if (!chains.has(importer)) chains.set(importer, [...chains.get(file)!, edge]);
        next.push(importer);
      }
    }
    queue = next;
  }
  return chains;
}

/** What an edge into a file affected by `state` makes of the importer, or undefined when nothing. */
function propagate(graph: StaticGraph, edge: GraphEdge, state: Affected): Affected | undefined {
  if (state === 'all') return 'all';
  // A side-effect import uses no name: a body-only change cannot reach through it.
  if (edge.names === undefined) return undefined;
  const barrel = graph.facts(edge.from)?.barrel === true && (edge.kind === 'import' || edge.kind === 'export-from');
  if (!barrel) return edge.names === '*' || edge.names.some((name) => state.has(name)) ? 'all' : undefined;
  const names = new Set<string>();
  if (edge.kind === 'export-from' && edge.names === '*' && edge.reexports === undefined) {
    for (const name of state) if (name !== 'default') names.add(name);
  }
  for (const [exported, source] of Object.entries(edge.reexports ?? {})) if (source === '*' || state.has(source)) names.add(exported);
  return names.size > 0 ? names : undefined;
}

function merge(a: Affected, b: Affected): Affected {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

function grew(before: Affected, after: Affected): boolean {
  if (before === 'all') return false;
  if (after === 'all') return true;
  return after.size > before.size;
}
