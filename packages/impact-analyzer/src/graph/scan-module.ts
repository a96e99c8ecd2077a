import type { ModuleFacts, ModuleReference, ReferenceKind } from '../model.js';
import { tokenize, type Token } from './tokenizer.js';

/**
 * Changes whenever {@link scanModule} finds something different in the same source (part of the cache key).
 *
 * @example
 * openScanCache(file) // entries written by another SCANNER_VERSION are ignored
 */
export const SCANNER_VERSION = '1';

const JEST_MOCK_METHODS = new Set([
  'mock',
  'doMock',
  'unmock',
  'setMock',
  'requireMock',
  'createMockFromModule',
  'genMockFromModule',
  'deepUnmock',
  'dontMock',
]);

interface Specifier {
  specifier: string;
  pattern: boolean;
}

/** What the scan of one declaration found, and the index after it. */
interface Declaration {
  end: number;
  /** The declaration is an import or a re-export only (a barrel may hold it). */
  barrelSafe: boolean;
}

/**
 * The value specifiers of a `{ a, b as c, type T }` list starting after its `{`, as
 * `[name, alias]` pairs (inline `type` ones left out: they are erased), and the index after `}`.
 */
function specifierList(tokens: readonly Token[], start: number): { pairs: [string, string][]; end: number } {
  const pairs: [string, string][] = [];
  let index = start;
  while (index < tokens.length && tokens[index]!.value !== '}') {
    if (tokens[index]!.value === ',') {
      index++;
      continue;
    }
    const next = tokens[index + 1]?.value;
    const inlineType = tokens[index]!.value === 'type' && next !== ',' && next !== '}' && next !== 'as';
    const nameIndex = inlineType ? index + 1 : index;
    const name = tokens[nameIndex]?.value ?? '';
    let alias = name;
    index = nameIndex + 1;
    if (tokens[index]?.value === 'as') {
      alias = tokens[index + 1]?.value ?? name;
      index += 2;
    }
    if (!inlineType) pairs.push([name, alias]);
  }
  return { pairs, end: index + 1 };
}

class ModuleScanner {
  readonly references: ModuleReference[] = [];
  readonly exports = new Set<string>();
  /** Local binding → [reference, imported name], for `import { a } from 'x'; export { a }`. */
  readonly bindings = new Map<string, [ModuleReference, string]>();
  /** `export { local as exported }` without `from`. */
  readonly localExports: [string, string][] = [];
  barrel = true;

  scan(tokens: Token[], topLevel: boolean): void {
    let depth = 0;
    for (let index = 0; index < tokens.length;) {
      const token = tokens[index]!;
      const atTop = topLevel && depth === 0;
      const previous = tokens[index - 1];
      const member = previous?.type === 'punct' && (previous.value === '.' || previous.value === '?.');
      if (token.type === 'punct') {
        if (token.value === '{' || token.value === '(' || token.value === '[') depth++;
        else if (token.value === '}' || token.value === ')' || token.value === ']') depth = Math.max(0, depth - 1);
        else if (token.value === ';' && atTop) {
          index++;
          continue;
        }
      }
      if (token.type === 'tpl') for (const expression of token.expressions ?? []) this.scan(expression, false);
      if (token.type === 'id' && !member) {
        const declaration = this.scanKeyword(tokens, index, atTop);
        if (declaration) {
          if (atTop && !declaration.barrelSafe) this.barrel = false;
          index = Math.max(declaration.end, index + 1);
          continue;
        }
      }
      if (atTop && !(token.type === 'str' && index === 0)) this.barrel = false;
      index++;
    }
  }

  private scanKeyword(tokens: Token[], index: number, atTop: boolean): Declaration | undefined {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    switch (token.value) {
      case 'import':
        if (next?.value === '(') return this.call(tokens, index + 1, 'dynamic-import', '*');
        if (next?.value === '.') return undefined;
        return this.importDeclaration(tokens, index);
      case 'export':
        if (!atTop) return undefined;
        return this.exportDeclaration(tokens, index);
      case 'require':
        if (next?.value === '(') return this.call(tokens, index + 1, 'require', '*');
        if (next?.value === '.' && tokens[index + 2]?.value === 'resolve' && tokens[index + 3]?.value === '(') {
          return this.call(tokens, index + 3, 'require', '*');
        }
        return undefined;
      case 'jest': {
        const method = tokens[index + 2]?.value ?? '';
        if (next?.value !== '.' || tokens[index + 3]?.value !== '(') return undefined;
        if (JEST_MOCK_METHODS.has(method)) return this.call(tokens, index + 3, 'jest-mock', '*');
        if (method === 'requireActual') return this.call(tokens, index + 3, 'require-actual', '*');
        return undefined;
      }
      case 'module':
        if (next?.value === '.' && tokens[index + 2]?.value === 'exports') {
          const after = tokens[index + 3];
          if (after?.value === '=') this.commonJsAssignment(tokens, index + 4);
          else if (after?.value === '.' && tokens[index + 5]?.value === '=') this.exports.add(tokens[index + 4]!.value);
        }
        return undefined;
      case 'exports':
        if (next?.value === '.' && tokens[index + 3]?.value === '=') this.exports.add(tokens[index + 2]!.value);
        return undefined;
      default:
        return undefined;
    }
  }

  /** `require(` / `import(` / `jest.mock(` at the `(`: the first argument, when it is a literal. */
  private call(tokens: Token[], open: number, kind: ReferenceKind, names: '*'): Declaration | undefined {
    const argument = tokens[open + 1];
    const after = tokens[open + 2];
    if (!argument) return undefined;
    let specifier = literal(argument);
    // `require('./locale/' + name)`: a prefix and anything after it.
    if (specifier && after?.value === '+' && !specifier.specifier.includes('*'))
      specifier = { specifier: `${specifier.specifier}*`, pattern: true };
    else if (after?.value !== ')' && after?.value !== ',') return undefined;
    if (!specifier) return undefined;
    this.references.push({
      specifier: specifier.specifier,
      kind: specifier.pattern ? 'pattern' : kind,
      names,
      // `typeof import('x')` is a type.
      typeOnly: kind === 'dynamic-import' && tokens[open - 2]?.value === 'typeof',
      line: argument.line,
    });
    return { end: open, barrelSafe: false };
  }

  private importDeclaration(tokens: Token[], start: number): Declaration | undefined {
    let index = start + 1;
    let typeOnly = false;
    const first = tokens[index];
    if (first?.value === 'type') {
      const after = tokens[index + 1];
      const defaultNamedType =
        after?.value === ',' || after?.value === '=' || (after?.value === 'from' && tokens[index + 2]?.type === 'str');
      if (!defaultNamedType) {
        typeOnly = true;
        index++;
      }
    }
    const names: string[] = [];
    const locals: [string, string][] = [];
    let namespace = false;
    let braces = false;
    while (index < tokens.length) {
      const token = tokens[index]!;
      if (token.type === 'str') {
        return this.addImport(tokens, start, index, token, { typeOnly, names, locals, namespace, braces });
      }
      if (token.value === 'from' && tokens[index + 1]?.type === 'str') {
        index++;
        continue;
      }
      if (token.value === ',') {
        index++;
        continue;
      }
      if (token.value === '*' && tokens[index + 1]?.value === 'as') {
        namespace = true;
        locals.push([tokens[index + 2]?.value ?? '', '*']);
        index += 3;
        continue;
      }
      if (token.value === '{') {
        braces = true;
        index = this.importSpecifiers(tokens, index + 1, names, locals);
        continue;
      }
      if (token.type === 'id') {
        if (tokens[index + 1]?.value === '=') return this.importEquals(tokens, index + 2, typeOnly);
        names.push('default');
        locals.push([token.value, 'default']);
        index++;
        continue;
      }
      return undefined;
    }
    return undefined;
  }

  private importSpecifiers(tokens: Token[], start: number, names: string[], locals: [string, string][]): number {
    const { pairs, end } = specifierList(tokens, start);
    for (const [imported, local] of pairs) {
      names.push(imported);
      locals.push([local, imported]);
    }
    return end;
  }

  private addImport(
    tokens: Token[],
    start: number,
    index: number,
    token: Token,
    clause: { typeOnly: boolean; names: string[]; locals: [string, string][]; namespace: boolean; braces: boolean },
  ): Declaration {
    const bare = index === start + 1;
    // `import { type A } from 'x'` is erased entirely by TypeScript.
    const onlyInlineTypes = clause.braces && clause.names.length === 0 && !clause.namespace;
    const reference: ModuleReference = {
      specifier: token.value,
      kind: 'import',
      typeOnly: clause.typeOnly || onlyInlineTypes,
      line: token.line,
    };
    if (!bare) reference.names = clause.namespace ? '*' : [...new Set(clause.names)];
    this.references.push(reference);
    if (!reference.typeOnly) for (const [local, imported] of clause.locals) this.bindings.set(local, [reference, imported]);
    return { end: skipAssertions(tokens, index + 1), barrelSafe: true };
  }

  private importEquals(tokens: Token[], index: number, typeOnly: boolean): Declaration | undefined {
    if (tokens[index]?.value !== 'require' || tokens[index + 1]?.value !== '(') return { end: index, barrelSafe: false };
    const argument = tokens[index + 2];
    const specifier = argument && literal(argument);
    if (!specifier) return { end: index, barrelSafe: false };
    this.references.push({ specifier: specifier.specifier, kind: 'require', names: '*', typeOnly, line: argument.line });
    return { end: index + 4, barrelSafe: false };
  }

  private exportDeclaration(tokens: Token[], start: number): Declaration {
    let index = start + 1;
    let typeOnly = false;
    if (tokens[index]?.value === 'type' && (tokens[index + 1]?.value === '{' || tokens[index + 1]?.value === '*')) {
      typeOnly = true;
      index++;
    }
    const token = tokens[index];
    if (!token) return { end: index, barrelSafe: false };
    if (token.value === '*') {
      let alias: string | undefined;
      if (tokens[index + 1]?.value === 'as') {
        alias = tokens[index + 2]?.value;
        index += 2;
      }
      const source = tokens[index + 2];
      if (tokens[index + 1]?.value !== 'from' || source?.type !== 'str') return { end: index + 1, barrelSafe: false };
      const reference: ModuleReference = { specifier: source.value, kind: 'export-from', names: '*', typeOnly, line: source.line };
      if (alias !== undefined) reference.reexports = { [alias]: '*' };
      this.references.push(reference);
      return { end: skipAssertions(tokens, index + 3), barrelSafe: true };
    }
    if (token.value === '{') return this.exportSpecifiers(tokens, index + 1, typeOnly);
    return this.exportedDeclaration(tokens, index);
  }

  private exportSpecifiers(tokens: Token[], start: number, typeOnly: boolean): Declaration {
    const { pairs, end } = specifierList(tokens, start);
    const index = end;
    const source = tokens[index + 1];
    if (tokens[index]?.value === 'from' && source?.type === 'str') {
      const reexports: Record<string, string> = {};
      for (const [local, exported] of pairs) reexports[exported] = local;
      this.references.push({
        specifier: source.value,
        kind: 'export-from',
        names: [...new Set(pairs.map(([local]) => local))],
        typeOnly: typeOnly || pairs.length === 0,
        line: source.line,
        reexports,
      });
      return { end: skipAssertions(tokens, index + 2), barrelSafe: true };
    }
    if (!typeOnly) {
      for (const [local, exported] of pairs) {
        this.exports.add(exported);
        this.localExports.push([local, exported]);
      }
    }
    return { end: index, barrelSafe: true };
  }

  private exportedDeclaration(tokens: Token[], index: number): Declaration {
    let position = index;
    const token = tokens[position]!;
    const notBarrel = { end: position, barrelSafe: false };
    if (token.value === 'default' || token.value === '=') {
      this.exports.add('default');
      return { end: position + 1, barrelSafe: false };
    }
    if (token.value === 'declare' || token.value === 'interface' || token.value === 'type') return notBarrel;
    if (token.value === 'async' || token.value === 'abstract') position++;
    const keyword = tokens[position]?.value;
    if (keyword === 'function') {
      const name = tokens[position + 1]?.value === '*' ? tokens[position + 2] : tokens[position + 1];
      if (name?.type === 'id') this.exports.add(name.value);
      return { end: position + 1, barrelSafe: false };
    }
    if (keyword === 'class' || keyword === 'enum' || keyword === 'namespace' || keyword === 'module') {
      const name = tokens[position + 1];
      if (name?.type === 'id') this.exports.add(name.value);
      return { end: position + 1, barrelSafe: false };
    }
    if (keyword === 'const' || keyword === 'let' || keyword === 'var' || keyword === 'using') {
      if (tokens[position + 1]?.value === 'enum') {
        const name = tokens[position + 2];
        if (name?.type === 'id') this.exports.add(name.value);
        return { end: position + 1, barrelSafe: false };
      }
      this.declaredNames(tokens, position + 1);
      return { end: position + 1, barrelSafe: false };
    }
    return notBarrel;
  }

  /** Names bound by `const a = 1, b = 2` or `const { a, b: c, ...d } = x`, at the declaration's own depth. */
  private declaredNames(tokens: Token[], start: number): void {
    let depth = 0;
    let expectBinding = true;
    for (let index = start; index < tokens.length; index++) {
      const token = tokens[index]!;
      const next = tokens[index + 1];
      if (token.value === '{' || token.value === '[' || token.value === '(') {
        depth++;
        continue;
      }
      if (token.value === '}' || token.value === ']' || token.value === ')') {
        depth--;
        if (depth < 0) return;
        continue;
      }
      if (depth === 0) {
        if (token.value === ';') return;
        if (token.value === '=') expectBinding = false;
        else if (token.value === ',') expectBinding = true;
        else if (expectBinding && token.type === 'id') {
          this.exports.add(token.value);
          expectBinding = false;
        } else if (!expectBinding && next && next.line > token.line && token.type !== 'punct') return;
        continue;
      }
      if (expectBinding && token.type === 'id' && next?.value !== ':' && tokens[index - 1]?.value !== '=') this.exports.add(token.value);
    }
  }

  private commonJsAssignment(tokens: Token[], index: number): void {
    this.exports.add('default');
    if (tokens[index]?.value !== '{') return;
    let depth = 0;
    for (let position = index; position < tokens.length; position++) {
      const token = tokens[position]!;
      if (token.value === '{' || token.value === '(' || token.value === '[') depth++;
      else if (token.value === '}' || token.value === ')' || token.value === ']') {
        depth--;
        if (depth === 0) return;
      } else if (depth === 1 && (token.type === 'id' || token.type === 'str')) {
        const previous = tokens[position - 1]?.value;
        const next = tokens[position + 1]?.value;
        if ((previous === '{' || previous === ',') && (next === ':' || next === ',' || next === '}' || next === '('))
          this.exports.add(token.value);
      }
    }
  }

  facts(leadingComments: readonly string[]): ModuleFacts {
    for (const [local] of this.localExports) if (!this.bindings.has(local)) this.barrel = false;
    // `import { a } from './a'; export { a as b }`: the import re-exports `a` as `b`.
    for (const [local, exported] of this.localExports) {
      const binding = this.bindings.get(local);
      if (!binding) continue;
      const [reference, imported] = binding;
      reference.reexports = { ...reference.reexports, [exported]: imported };
    }
    const runtime = this.references.filter((reference) => !reference.typeOnly);
    return {
      references: this.references,
      exports: [...this.exports],
      barrel:
        this.barrel &&
        runtime.length > 0 &&
        (this.localExports.length > 0 || runtime.some((reference) => reference.kind === 'export-from')),
      unskippable: leadingComments.some((comment) => /@impact\s+unskippable\b/.test(comment)),
    };
  }
}

/** `with { type: 'json' }` / `assert { … }` after an import's specifier. */
function skipAssertions(tokens: Token[], index: number): number {
  const keyword = tokens[index]?.value;
  if ((keyword === 'with' || keyword === 'assert') && tokens[index + 1]?.value === '{') {
    let position = index + 2;
    while (position < tokens.length && tokens[position]!.value !== '}') position++;
    return position + 1;
  }
  return index;
}

function literal(token: Token): Specifier | undefined {
  if (token.type === 'str') return { specifier: token.value, pattern: false };
  if (token.type !== 'tpl') return undefined;
  const quasis = token.quasis ?? [token.value];
  if (quasis.length === 1) return { specifier: quasis[0]!, pattern: false };
  return { specifier: quasis.join('*').replace(/\*{2,}/g, '*'), pattern: true };
}

/**
 * Finds the module references, exports, barrel shape and `@impact unskippable` docblock of a
 * JavaScript or TypeScript source with a tokenizer: references inside comments, strings and regular
 * expressions are never found; template literals with expressions become `pattern` references.
 *
 * @example
 * scanModule("import { a as b } from './a.js';\nrequire(`./locale/${n}.js`);", 'src/x.ts').references
 * // [{ specifier: './a.js', kind: 'import', names: ['a'], typeOnly: false, line: 1 },
 * //  { specifier: './locale/*.js', kind: 'pattern', names: '*', typeOnly: false, line: 2 }]
 */
export function scanModule(source: string, path: string): ModuleFacts {
  void path;
  const { tokens, leadingComments } = tokenize(source);
  const scanner = new ModuleScanner();
  scanner.scan(tokens, true);
  return scanner.facts(leadingComments);
}
