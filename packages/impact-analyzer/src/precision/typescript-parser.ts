import type * as TypeScript from 'typescript';
import { isModuleNotFound, nativeRequireFromProject } from '@proving-ground/kit';

/** The TypeScript compiler API, as the analyzed project (or this package) has it installed. */
export type TypeScriptApi = typeof TypeScript;

const loaded = new Map<string, TypeScriptApi | undefined>();

/**
 * The `typescript` package installed in the project at `cwd` (or beside this package), loaded on
 * first use with Node's own loader; `undefined` when it is not installed (it is an optional peer).
 *
 * @example
 * const ts = loadTypeScript(process.cwd());
 * if (ts === undefined) return { level: 'module', reason: 'typescript is not installed' };
 */
export function loadTypeScript(cwd: string = process.cwd()): TypeScriptApi | undefined {
  if (loaded.has(cwd)) return loaded.get(cwd);
  let api: TypeScriptApi | undefined;
  try {
    api = nativeRequireFromProject('typescript', cwd) as TypeScriptApi;
  } catch (error) {
    if (!isModuleNotFound(error, 'typescript')) throw error;
    api = undefined;
  }
  loaded.set(cwd, api);
  return api;
}

/** The script kind TypeScript parses a file with, by its extension; `undefined` for other files. */
const SCRIPT_KINDS: Readonly<Record<string, 'TS' | 'TSX' | 'JS' | 'JSX'>> = {
  '.ts': 'TS',
  '.mts': 'TS',
  '.cts': 'TS',
  '.tsx': 'TSX',
  '.js': 'JS',
  '.mjs': 'JS',
  '.cjs': 'JS',
  '.jsx': 'JSX',
};

/**
 * Parse `text` as the file at `path` (its extension picks TypeScript, TSX, JavaScript or JSX);
 * `undefined` for a file of another kind. The tree carries parent links.
 *
 * @example
 * const file = parseSource(ts, 'src/math.ts', 'export const add = (a: number, b: number) => a + b;');
 */
export function parseSource(ts: TypeScriptApi, path: string, text: string): TypeScript.SourceFile | undefined {
  const extension = /\.[^./]+$/.exec(path)?.[0].toLowerCase() ?? '';
  const kind = SCRIPT_KINDS[extension];
  if (kind === undefined) return undefined;
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind[kind]);
}

/**
 * The first syntax error the parser found in `file`, as `line N: message`, or `undefined`.
 *
 * @example
 * const problem = syntaxError(ts, file); // 'line 3: '}' expected.'
 */
export function syntaxError(ts: TypeScriptApi, file: TypeScript.SourceFile): string | undefined {
  // Not in the public typings, but every TypeScript since 2.x fills it while parsing.
  const diagnostics = (file as unknown as { parseDiagnostics?: readonly TypeScript.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (first === undefined) return undefined;
  const line = file.getLineAndCharacterOfPosition(first.start).line + 1;
  return `line ${line}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
}
