import { outlineSource, type NamedFunction, type SourceOutline } from './source-outline.js';
import { loadTypeScript, parseSource, syntaxError } from './typescript-parser.js';

/**
 * How far a change to one source file reaches: only into the bodies of some named functions, or
 * into the module as a whole.
 */
export type ChangeClass =
  | {
      level: 'functions';
      /** The changed functions, by the name V8 gives them in coverage (empty when only comments or whitespace changed). */
      functions: readonly string[];
      /** The export names through which a changed function can be reached (`default` for the default export). */
      exports: readonly string[];
    }
  | {
      level: 'module';
      /** Why the change cannot be narrowed to function bodies, as a sentence fragment. */
      reason: string;
    };

/** Options of {@link classifyChange}. */
export interface ClassifyChangeOptions {
  /** Where the analyzed project is: `typescript` is looked up from there first. Default: the working directory. */
  cwd?: string;
}

/**
 * Whether a change to the file at `path` is confined to the bodies of named functions (so only
 * code that calls them can notice it) or touches the module as a whole. The answer is `module`
 * whenever there is doubt: a changed signature, import, constant or top-level statement, a new or
 * removed function, a changed function that runs while the module loads, a file that does not
 * parse, or no `typescript` installed to parse it with.
 *
 * @example
 * classifyChange('src/math.ts', 'export function add(a, b) { return a + b; }', 'export function add(a, b) { return b + a; }');
 * // { level: 'functions', functions: ['add'], exports: ['add'] }
 */
export function classifyChange(path: string, before: string, after: string, options: ClassifyChangeOptions = {}): ChangeClass {
  if (before === after) return { level: 'functions', functions: [], exports: [] };
  const ts = loadTypeScript(options.cwd);
  if (ts === undefined)
    return { level: 'module', reason: 'typescript is not installed, so the change cannot be narrowed to function bodies' };
  const beforeFile = parseSource(ts, path, before);
  const afterFile = parseSource(ts, path, after);
  if (beforeFile === undefined || afterFile === undefined) {
    return { level: 'module', reason: 'it is not a JavaScript or TypeScript file' };
  }
  for (const [file, revision] of [
    [beforeFile, 'before'],
    [afterFile, 'after'],
  ] as const) {
    const problem = syntaxError(ts, file);
    if (problem !== undefined) return { level: 'module', reason: `the file does not parse ${revision} the change (${problem})` };
  }
  const old = outlineSource(ts, beforeFile);
  const next = outlineSource(ts, afterFile);

  const differing = firstDifferingStatement(old, next);
  if (differing !== undefined) return { level: 'module', reason: differing };
  if (old.functions.length !== next.functions.length || old.functions.some((fn, index) => fn.id !== next.functions[index]?.id)) {
    return { level: 'module', reason: 'the named functions of the file do not line up before and after the change' };
  }

  const changed = next.functions.filter((fn, index) => !sameTokens(fn.bodyTokens, old.functions[index]?.bodyTokens ?? []));
  for (const fn of changed) {
    if (fn.caution !== undefined) return { level: 'module', reason: `\`${fn.id}\` (line ${fn.line}) changed and ${fn.caution}` };
  }
  for (const outline of [old, next]) {
    const atLoad = runsAtLoad(outline, changed);
    if (atLoad !== undefined) return { level: 'module', reason: atLoad };
  }
  return {
    level: 'functions',
    functions: [...new Set(changed.map((fn) => fn.id))],
    exports: exportsReaching(next, new Set(changed.map((fn) => fn.owner))),
  };
}

/** A reason naming the first top-level statement that differs once function bodies are blanked, or undefined. */
function firstDifferingStatement(old: SourceOutline, next: SourceOutline): string | undefined {
  const count = Math.max(old.statements.length, next.statements.length);
  for (let index = 0; index < count; index++) {
    const before = old.statements[index];
    const after = next.statements[index];
    if (before !== undefined && after !== undefined && sameTokens(before.tokens, after.tokens)) continue;
    if (after === undefined) return `the top-level statement at line ${before?.line ?? 0} (before the change) was removed`;
    return `the top-level statement at line ${after.line} changed outside the bodies of named functions`;
  }
  return undefined;
}

function sameTokens(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((token, index) => token === right[index]);
}

/**
 * A reason when a changed function can run while the module loads: its binding is referred to by
 * top-level code, directly or through the functions that code refers to.
 */
function runsAtLoad(outline: SourceOutline, changed: readonly NamedFunction[]): string | undefined {
  const changedOwners = new Map(changed.map((fn) => [fn.owner, fn]));
  // Breadth first from the load-time references, remembering the root each binding was reached from.
  const rootOf = new Map<string, string>();
  const queue: string[] = [];
  for (const name of outline.loadTimeReferences.keys()) {
    rootOf.set(name, name);
    queue.push(name);
  }
  while (queue.length > 0) {
    const name = queue.shift() as string;
    const fn = changedOwners.get(name);
    if (fn !== undefined) {
      const root = rootOf.get(name) as string;
      const line = outline.loadTimeReferences.get(root) ?? 0;
      const via = root === name ? '' : ` through \`${root}\``;
      return `\`${fn.id}\` changed and can run when the module loads: top-level code at line ${line} refers to it${via}`;
    }
    for (const reached of outline.ownerReferences.get(name) ?? []) {
      if (rootOf.has(reached)) continue;
      rootOf.set(reached, rootOf.get(name) as string);
      queue.push(reached);
    }
  }
  return undefined;
}

/** The export names whose bindings reach one of `owners` through the functions they refer to. */
function exportsReaching(outline: SourceOutline, owners: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const [binding, exported] of outline.exportNames) {
    const seen = new Set([binding]);
    const queue = [binding];
    let reaches = false;
    while (queue.length > 0 && !reaches) {
      const name = queue.shift() as string;
      if (owners.has(name)) reaches = true;
      for (const next of outline.ownerReferences.get(name) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    if (reaches) for (const name of exported) names.add(name);
  }
  return [...names].sort();
}
