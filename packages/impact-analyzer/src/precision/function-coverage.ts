import type * as Inspector from 'node:inspector';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of {@link startFunctionCoverage}. */
export interface FunctionCoverageOptions {
  /**
   * Jest collects V8 coverage itself in this run (`collectCoverage` with `coverageProvider: 'v8'`):
   * function coverage then stays off, because both would reset the same counters of the process.
   */
  jestV8Coverage?: boolean;
}

/** The part of `node:inspector`'s `Session` used here. */
interface InspectorSession {
  connect(): void;
  post(method: string, params: object, callback: (error: Error | null, result?: unknown) => void): void;
}

interface ScriptCoverage {
  url: string;
  functions: Array<{ functionName: string; ranges: Array<{ count: number }> }>;
}

/** One session per process: Jest gives each test file a fresh copy of this module, the process keeps one profiler. */
interface ProcessState {
  session?: InspectorSession;
  /** Why function coverage is off in this process, once known. */
  off?: string;
  warned?: boolean;
}

const STATE_KEY = Symbol.for('@proving-ground/impact-analyzer:function-coverage');

/** The process-wide state, kept on `node:inspector` itself: Jest shares core modules across test files. */
function processState(): { state: ProcessState; inspector?: typeof Inspector } {
  let inspector: typeof Inspector | undefined;
  try {
    inspector = process.getBuiltinModule('node:inspector');
  } catch {
    inspector = undefined;
  }
  const holder = (inspector ?? process) as unknown as Record<symbol, ProcessState | undefined>;
  let state = holder[STATE_KEY];
  if (state === undefined) {
    state = {};
    try {
      Object.defineProperty(holder, STATE_KEY, { value: state, enumerable: false });
    } catch {
      // A frozen module namespace: the state then lives as long as this copy of the module.
    }
  }
  return inspector === undefined ? { state } : { state, inspector };
}

/** What {@link post} returns when the inspector did not answer within the call. */
const UNANSWERED = Symbol('unanswered');

function post(session: InspectorSession, method: string, params: object = {}): unknown {
  // Posts to a session in the same thread are answered before `post` returns.
  let outcome: { error: Error | null; result?: unknown } | undefined;
  session.post(method, params, (error, result) => (outcome = { error, result }));
  if (outcome === undefined) return UNANSWERED;
  if (outcome.error !== null) throw outcome.error;
  return outcome.result;
}

function turnOff(state: ProcessState, reason: string): void {
  state.off = reason;
  state.session = undefined;
  if (state.warned === true) return;
  state.warned = true;
  process.emitWarning(`[impact-analyzer] Function coverage is off in this test worker: ${reason}. Tests are selected by module instead.`);
}

/**
 * Start counting which functions run, for {@link takeFunctionCoverage}: V8 precise coverage with
 * call counts through an inspector session of this process. Call it in the test worker before the
 * test file loads; calling it again is harmless. When the inspector is missing or already used for
 * coverage or debugging (`--inspect`, `NODE_V8_COVERAGE`, Jest's V8 coverage), it warns once and
 * function coverage stays empty; it never throws.
 *
 * @example
 * startFunctionCoverage({ jestV8Coverage: false });
 */
export function startFunctionCoverage(options: FunctionCoverageOptions = {}): void {
  const { state, inspector } = processState();
  if (state.session !== undefined || state.off !== undefined) return;
  if (inspector === undefined) return turnOff(state, 'this Node.js has no inspector');
  if (options.jestV8Coverage === true) return turnOff(state, "Jest collects V8 coverage in this run (coverageProvider 'v8')");
  if (process.env['NODE_V8_COVERAGE'] !== undefined) return turnOff(state, 'NODE_V8_COVERAGE is set, so V8 coverage is already collected');
  if (inspector.url() !== undefined) return turnOff(state, 'the inspector is open for a debugger (--inspect)');
  try {
    const session = new inspector.Session() as unknown as InspectorSession;
    session.connect();
    if (
      post(session, 'Profiler.enable') === UNANSWERED ||
      post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: false }) === UNANSWERED
    ) {
      return turnOff(state, 'the inspector did not answer within the call');
    }
    state.session = session;
  } catch (error) {
    turnOff(state, `the inspector refused a session (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * The functions that ran since the previous take (or since {@link startFunctionCoverage}), by
 * source file relative to `root` with `/` separators; files outside `root` and in `node_modules`
 * are left out. Names are V8's `functionName` (`add`, `total`, `get size`, a class name for its
 * constructor), without duplicates, and for a dotted name (`Calc.total`, `exports.parse`) also its
 * last part; `{}` when function coverage is off.
 *
 * @example
 * const functions = takeFunctionCoverage(rootDir); // { 'src/math.ts': ['add'] }
 */
export function takeFunctionCoverage(root: string): Record<string, string[]> {
  const { state } = processState();
  const session = state.session;
  if (session === undefined) return {};
  let scripts: ScriptCoverage[];
  try {
    const answer = post(session, 'Profiler.takePreciseCoverage');
    if (answer === UNANSWERED) {
      turnOff(state, 'the inspector did not answer within the call');
      return {};
    }
    scripts = (answer as { result: ScriptCoverage[] }).result;
  } catch (error) {
    turnOff(state, `the inspector stopped answering (${error instanceof Error ? error.message : String(error)})`);
    return {};
  }
  const byFile = new Map<string, Set<string>>();
  for (const script of scripts) {
    const path = repositoryPath(script.url, root);
    if (path === undefined) continue;
    for (const fn of script.functions) {
      if (fn.functionName === '' || (fn.ranges[0]?.count ?? 0) === 0) continue;
      let names = byFile.get(path);
      if (names === undefined) byFile.set(path, (names = new Set()));
      names.add(fn.functionName);
      // Compiled for older targets a method becomes `Calc.prototype.total = function () {}`, which V8
      // calls `Calc.total`: the last part is the method's own name.
      const dot = fn.functionName.lastIndexOf('.');
      if (dot > 0 && dot < fn.functionName.length - 1) names.add(fn.functionName.slice(dot + 1));
    }
  }
  const coverage: Record<string, string[]> = {};
  for (const path of [...byFile.keys()].sort()) coverage[path] = [...(byFile.get(path) ?? [])].sort();
  return coverage;
}

/** The path of a script relative to `root`, or undefined for scripts outside it, in node_modules or without a file. */
function repositoryPath(url: string, root: string): string | undefined {
  let file: string;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return undefined;
    }
  } else if (isAbsolute(url)) {
    file = url;
  } else {
    return undefined;
  }
  const path = relative(root, file);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return undefined;
  const parts = path.split(sep);
  if (parts.includes('node_modules')) return undefined;
  return parts.join('/');
}
