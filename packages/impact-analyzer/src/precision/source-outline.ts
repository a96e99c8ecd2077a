import type * as TypeScript from 'typescript';
import type { TypeScriptApi } from './typescript-parser.js';

/** A function whose body can change without changing what the module does when it loads. */
export interface NamedFunction {
  /** The name V8 gives the function in coverage (`functionName`): `add`, `total`, `get size`, the class name for a constructor. */
  id: string;
  /** The top-level binding it belongs to: its own name, its class's, or the object's variable (`default` for `export default {...}`). */
  owner: string;
  /** 1-based line where the function starts. */
  line: number;
  /** Why a change of its body cannot stay at function level (its V8 name depends on the compiler, a decorator receives it). */
  caution?: string;
  /** The tokens of its body, comments and whitespace left out. */
  bodyTokens: readonly string[];
}

/** One top-level statement with the bodies of its named functions blanked out. */
export interface OutlineStatement {
  /** 1-based line where the statement starts (after its leading comments). */
  line: number;
  tokens: readonly string[];
}

/** What {@link outlineSource} finds in a file. */
export interface SourceOutline {
  statements: readonly OutlineStatement[];
  /** Named functions in the order they appear. */
  functions: readonly NamedFunction[];
  /** Names that code running at load time (outside every named function's body) refers to, with the first line. */
  loadTimeReferences: ReadonlyMap<string, number>;
  /** For each top-level binding, the names it refers to from inside its functions (and its `extends` clause). */
  ownerReferences: ReadonlyMap<string, ReadonlySet<string>>;
  /** For each top-level binding, the names the module exports it as. */
  exportNames: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Placeholder for a blanked body in a statement's tokens. */
const BODY = '\u27e8body\u27e9';

type FunctionLike =
  | TypeScript.FunctionDeclaration
  | TypeScript.FunctionExpression
  | TypeScript.ArrowFunction
  | TypeScript.MethodDeclaration
  | TypeScript.GetAccessorDeclaration
  | TypeScript.SetAccessorDeclaration
  | TypeScript.ConstructorDeclaration;

interface FoundFunction {
  id: string;
  owner: string;
  node: FunctionLike;
  body: TypeScript.Node;
  caution?: string;
}

/**
 * The outline of a parsed file that a change is judged on: its top-level statements as tokens with
 * the bodies of named functions blanked, those functions with their V8 names and body tokens, and
 * which names the load-time code and each function refer to.
 *
 * @example
 * const outline = outlineSource(ts, ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest, true));
 * outline.functions.map((fn) => fn.id); // ['add', 'divide']
 */
export function outlineSource(ts: TypeScriptApi, file: TypeScript.SourceFile): SourceOutline {
  const found: FoundFunction[] = [];
  const exportNames = new Map<string, Set<string>>();
  const addExport = (owner: string, name: string): void => {
    let names = exportNames.get(owner);
    if (names === undefined) exportNames.set(owner, (names = new Set()));
    names.add(name);
  };
  const isExported = (node: TypeScript.Node): boolean =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (node: TypeScript.Node): boolean =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
  const hasDecorators = (node: TypeScript.Node): boolean => ts.canHaveDecorators(node) && (ts.getDecorators(node)?.length ?? 0) > 0;

  /** The name V8 infers from a property or method name, or undefined when it is computed at run time. */
  const staticName = (name: TypeScript.PropertyName): string | undefined => {
    if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
    if (ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
    return undefined;
  };

  const addFunction = (fn: FunctionLike, id: string, owner: string, caution?: string): void => {
    if (fn.body === undefined) return;
    found.push({ id, owner, node: fn, body: fn.body, ...(caution === undefined ? {} : { caution }) });
  };

  const visitClass = (node: TypeScript.ClassLikeDeclaration, className: string | undefined, owner: string): void => {
    const classDecorated = hasDecorators(node);
    for (const member of node.members) {
      const decorated = classDecorated || hasDecorators(member);
      const caution = decorated ? 'a decorator receives the class or its member when the module loads' : undefined;
      if (ts.isConstructorDeclaration(member)) {
        addFunction(
          member,
          className ?? 'default',
          owner,
          caution ?? (className === undefined ? "an anonymous class's constructor has a compiler-given name" : undefined),
        );
        continue;
      }
      if (!ts.isMethodDeclaration(member) && !ts.isGetAccessorDeclaration(member) && !ts.isSetAccessorDeclaration(member)) {
        if (ts.isPropertyDeclaration(member) && member.initializer !== undefined && isFunctionExpression(member.initializer)) {
          const name = staticName(member.name);
          if (name !== undefined) {
            addFunction(
              member.initializer,
              name,
              owner,
              caution ?? 'the name of a function in a class field depends on the compile target',
            );
          }
        }
        continue;
      }
      const name = staticName(member.name);
      if (name === undefined) continue;
      const prefix = ts.isGetAccessorDeclaration(member) ? 'get ' : ts.isSetAccessorDeclaration(member) ? 'set ' : '';
      // Compiled for older targets, a class accessor becomes `get: function () {}` (V8 calls it `get`)
      // and a private method a function of another name: neither can be matched to coverage.
      const targetCaution = ts.isPrivateIdentifier(member.name)
        ? 'the name of a private method depends on the compile target'
        : prefix !== ''
          ? 'the name of a class accessor depends on the compile target'
          : undefined;
      addFunction(member, `${prefix}${name}`, owner, caution ?? targetCaution);
    }
  };

  const visitProperty = (property: TypeScript.ObjectLiteralElementLike, owner: string): void => {
    if (ts.isMethodDeclaration(property) || ts.isGetAccessorDeclaration(property) || ts.isSetAccessorDeclaration(property)) {
      const name = staticName(property.name);
      if (name === undefined) return;
      const prefix = ts.isGetAccessorDeclaration(property) ? 'get ' : ts.isSetAccessorDeclaration(property) ? 'set ' : '';
      addFunction(property, `${prefix}${name}`, owner);
    } else if (ts.isPropertyAssignment(property)) {
      const name = staticName(property.name);
      if (name !== undefined) visitValue(property.initializer, name, owner);
    }
  };

  const visitObject = (node: TypeScript.ObjectLiteralExpression, owner: string): void => {
    for (const property of node.properties) visitProperty(property, owner);
  };

  /** A value bound to `name` at top level (a variable's initializer, an object property's value). */
  const visitValue = (value: TypeScript.Expression, name: string, owner: string): void => {
    if (isFunctionExpression(value)) {
      const own = ts.isFunctionExpression(value) ? value.name?.text : undefined;
      addFunction(value, own ?? name, owner);
    } else if (ts.isClassExpression(value)) {
      visitClass(value, value.name?.text ?? name, owner);
    } else if (ts.isObjectLiteralExpression(value)) {
      visitObject(value, owner);
    }
  };

  const isFunctionExpression = (node: TypeScript.Node): node is TypeScript.ArrowFunction | TypeScript.FunctionExpression =>
    ts.isArrowFunction(node) || ts.isFunctionExpression(node);

  /** `exports.a = function () {}`, `module.exports = { a() {} }`: functions exported where they are written. */
  const visitCommonJsExport = (expression: TypeScript.Expression): void => {
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = exportTarget(ts, expression.left);
    const value = expression.right;
    if (target === undefined) return;
    const exported = target === '*' ? 'default' : target;
    if (isFunctionExpression(value)) {
      // V8 names an anonymous function by what it is assigned to: `exports.a`, `module.exports`.
      const own = ts.isFunctionExpression(value) ? value.name?.text : undefined;
      addFunction(value, own ?? expression.left.getText(file).replace(/\s+/g, ''), `exports:${exported}`);
      addExport(`exports:${exported}`, exported);
    } else if (target === '*' && ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        const name = property.name === undefined ? undefined : staticName(property.name);
        if (name === undefined) continue;
        visitProperty(property, `exports:${name}`);
        addExport(`exports:${name}`, name);
      }
    }
  };

  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement)) {
      const name = statement.name?.text;
      if (name !== undefined) addFunction(statement, name, name);
      if (isExported(statement)) addExport(name ?? 'default', isDefault(statement) ? 'default' : (name ?? 'default'));
    } else if (ts.isClassDeclaration(statement)) {
      const owner = statement.name?.text ?? 'default';
      visitClass(statement, statement.name?.text, owner);
      if (isExported(statement)) addExport(owner, isDefault(statement) ? 'default' : owner);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        const name = declaration.name.text;
        if (declaration.initializer !== undefined) visitValue(declaration.initializer, name, name);
        if (isExported(statement)) addExport(name, name);
      }
    } else if (ts.isExportAssignment(statement)) {
      if (ts.isIdentifier(statement.expression)) addExport(statement.expression.text, 'default');
      else if (ts.isObjectLiteralExpression(statement.expression)) {
        visitObject(statement.expression, 'default');
        addExport('default', 'default');
        for (const property of statement.expression.properties) {
          if (ts.isShorthandPropertyAssignment(property)) addExport(property.name.text, 'default');
        }
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier === undefined && statement.exportClause !== undefined) {
      if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) {
          addExport((element.propertyName ?? element.name).getText(file), element.name.getText(file));
        }
      }
    } else if (ts.isExpressionStatement(statement)) {
      for (const [local, exported] of commonJsExports(ts, statement.expression)) addExport(local, exported);
      visitCommonJsExport(statement.expression);
    }
  }

  const byBody = new Map<TypeScript.Node, FoundFunction>(found.map((fn) => [fn.body, fn]));
  const byNode = new Map<TypeScript.Node, FoundFunction>(found.map((fn) => [fn.node, fn]));
  const lineOf = (node: TypeScript.Node): number => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;

  const statements = file.statements.map((statement) => ({ line: lineOf(statement), tokens: tokensOf(ts, file, statement, byBody) }));
  const functions: NamedFunction[] = found.map((fn) => ({
    id: fn.id,
    owner: fn.owner,
    line: lineOf(fn.node),
    ...(fn.caution === undefined ? {} : { caution: fn.caution }),
    bodyTokens: tokensOf(ts, file, fn.body, new Map()),
  }));

  const collected = collectReferences(ts, file, byNode, lineOf);
  // Uses through the exports object (`exports.a()`, `module.exports.a`, `this.a` in CommonJS) reach
  // the bindings exported under that name; a use of the whole object reaches all of them.
  const throughExports = (name: string): string[] => {
    const exported =
      name === 'exports' || name === 'module' ? '*' : name.startsWith('exports:') ? name.slice('exports:'.length) : undefined;
    if (exported === undefined) return [];
    return [...exportNames].filter(([, names]) => exported === '*' || names.has(exported)).map(([owner]) => owner);
  };
  const loadTimeReferences = new Map(collected.loadTimeReferences);
  for (const [name, line] of collected.loadTimeReferences) {
    for (const owner of throughExports(name)) if (!loadTimeReferences.has(owner)) loadTimeReferences.set(owner, line);
  }
  const ownerReferences = new Map<string, Set<string>>();
  for (const [owner, names] of collected.ownerReferences) {
    ownerReferences.set(owner, new Set([...names].flatMap((name) => [name, ...throughExports(name)])));
  }
  return { statements, functions, loadTimeReferences, ownerReferences, exportNames };
}

/**
 * The tokens of `node` (comments and whitespace left out) with the kind of each inner node, so equal
 * lists mean equal trees; each body in `blank` is replaced by one placeholder token.
 */
function tokensOf(
  ts: TypeScriptApi,
  file: TypeScript.SourceFile,
  node: TypeScript.Node,
  blank: ReadonlyMap<TypeScript.Node, unknown>,
): string[] {
  const tokens: string[] = [];
  const visit = (current: TypeScript.Node): void => {
    if (blank.has(current)) {
      tokens.push(BODY);
      return;
    }
    const children = current.getChildren(file);
    if (children.length === 0) {
      const text = current.getText(file);
      if (text !== '') tokens.push(text);
      return;
    }
    // The node's kind as a token too: `return\nx` and `return x` have the same words and another tree.
    tokens.push(`#${current.kind}`);
    for (const child of children) {
      if (child.kind >= ts.SyntaxKind.FirstJSDocNode && child.kind <= ts.SyntaxKind.LastJSDocNode) continue;
      visit(child);
    }
  };
  visit(node);
  return tokens;
}

/** `module.exports = x`, `module.exports = { a, b: c }`, `exports.a = b`, `module.exports.a = b`: pairs of local name and export name. */
function commonJsExports(ts: TypeScriptApi, expression: TypeScript.Expression): Array<[string, string]> {
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return [];
  const target = exportTarget(ts, expression.left);
  if (target === undefined) return [];
  const value = expression.right;
  if (ts.isIdentifier(value)) return [[value.text, target === '*' ? 'default' : target]];
  if (target !== '*' || !ts.isObjectLiteralExpression(value)) return [];
  const pairs: Array<[string, string]> = [];
  for (const property of value.properties) {
    if (ts.isShorthandPropertyAssignment(property)) pairs.push([property.name.text, property.name.text]);
    else if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.initializer) && ts.isIdentifier(property.name)) {
      pairs.push([property.initializer.text, property.name.text]);
    }
  }
  return pairs;
}

/** `*` for `module.exports`, the export name for `exports.x` / `module.exports.x`, undefined otherwise. */
function exportTarget(ts: TypeScriptApi, node: TypeScript.Expression): string | undefined {
  const isModuleExports = (value: TypeScript.Expression): boolean =>
    ts.isPropertyAccessExpression(value) &&
    ts.isIdentifier(value.expression) &&
    value.expression.text === 'module' &&
    value.name.text === 'exports';
  if (isModuleExports(node)) return '*';
  if (!ts.isPropertyAccessExpression(node)) return undefined;
  const base = node.expression;
  if ((ts.isIdentifier(base) && base.text === 'exports') || isModuleExports(base)) return node.name.text;
  return undefined;
}

/**
 * Which names the code that runs at load time refers to, and which each top-level binding's
 * functions refer to. Declarations, property names, types and the plain export of a binding
 * (`export { f }`, `export default f`, `module.exports = { f }`) are no references: they run nothing.
 */
function collectReferences(
  ts: TypeScriptApi,
  file: TypeScript.SourceFile,
  functions: ReadonlyMap<TypeScript.Node, FoundFunction>,
  lineOf: (node: TypeScript.Node) => number,
): { loadTimeReferences: Map<string, number>; ownerReferences: Map<string, Set<string>> } {
  const loadTimeReferences = new Map<string, number>();
  const ownerReferences = new Map<string, Set<string>>();
  const referencesOf = (owner: string): Set<string> => {
    let names = ownerReferences.get(owner);
    if (names === undefined) ownerReferences.set(owner, (names = new Set()));
    return names;
  };
  const exportedOnly = new Set<TypeScript.Node>();
  type Recorder = (name: string, node: TypeScript.Node) => void;

  /** `thisOwner`: the binding `this` stands for (a class in its static parts, a function's own binding). */
  const visit = (node: TypeScript.Node, record: Recorder, thisOwner?: string): void => {
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (exportedOnly.has(node)) return;
    const fn = functions.get(node);
    if (fn !== undefined) {
      // Decorators run when the class is defined; the rest of the function only when it is called.
      const decorators = [node, ...((node as FunctionLike).parameters ?? [])].flatMap((part) =>
        ts.canHaveDecorators(part) ? [...(ts.getDecorators(part) ?? [])] : [],
      );
      for (const decorator of decorators) visit(decorator, record, thisOwner);
      const owned = referencesOf(fn.owner);
      ts.forEachChild(node, (child) => {
        if (!decorators.includes(child as TypeScript.Decorator)) visit(child, (name) => owned.add(name), fn.owner);
      });
      return;
    }
    if (ts.isClassLike(node)) {
      const owner = ts.isClassDeclaration(node) ? (node.name?.text ?? 'default') : ownerOfClassExpression(ts, node);
      const owned = owner === undefined ? undefined : referencesOf(owner);
      for (const clause of node.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
        for (const type of clause.types) {
          // `extends Base` evaluates Base, not its methods: the class's own functions reach Base's.
          // `extends mixin(Base)` calls `mixin` at load time.
          const evaluated = !isEntityName(ts, type.expression);
          visit(
            type.expression,
            (name, at) => {
              owned?.add(name);
              if (evaluated || owned === undefined) record(name, at);
            },
            thisOwner,
          );
        }
      }
      // Static blocks, field initializers and computed names: `this` there is the class (or its instance).
      for (const child of [...(ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []), ...node.members]) {
        visit(child, record, owner ?? thisOwner);
      }
      return;
    }
    if (node.kind === ts.SyntaxKind.ThisKeyword) {
      if (thisOwner !== undefined) record(thisOwner, node);
      return;
    }
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && isExportsObject(ts, node.expression)) {
      if (node.expression.kind === ts.SyntaxKind.ThisKeyword && thisOwner !== undefined) record(thisOwner, node);
      if (ts.isPropertyAccessExpression(node)) record(`exports:${node.name.text}`, node);
      else if (ts.isStringLiteralLike(node.argumentExpression)) record(`exports:${node.argumentExpression.text}`, node);
      else {
        record('exports:*', node);
        visit(node.argumentExpression, record, thisOwner);
      }
      return;
    }
    if (ts.isIdentifier(node)) {
      if (isReference(ts, node)) record(node.text, node);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, record, thisOwner));
  };

  for (const statement of file.statements) {
    if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) exportedOnly.add(statement.expression);
    if (ts.isExportAssignment(statement) && ts.isObjectLiteralExpression(statement.expression)) {
      for (const property of statement.expression.properties) if (ts.isShorthandPropertyAssignment(property)) exportedOnly.add(property);
    }
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)) {
      const assignment = statement.expression;
      if (assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken && exportTarget(ts, assignment.left) !== undefined) {
        exportedOnly.add(assignment.left);
        if (ts.isIdentifier(assignment.right)) exportedOnly.add(assignment.right);
        else if (ts.isObjectLiteralExpression(assignment.right)) {
          for (const property of assignment.right.properties) {
            if (ts.isShorthandPropertyAssignment(property)) exportedOnly.add(property);
            else if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.initializer)) exportedOnly.add(property);
          }
        }
      }
    }
    visit(statement, (name, node) => {
      if (!loadTimeReferences.has(name)) loadTimeReferences.set(name, lineOf(node));
    });
  }
  return { loadTimeReferences, ownerReferences };
}

/** `exports`, `module.exports` or `this` (which is `exports` at the top of a CommonJS module). */
function isExportsObject(ts: TypeScriptApi, node: TypeScript.Expression): boolean {
  if (node.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isIdentifier(node)) return node.text === 'exports';
  return exportTarget(ts, node) === '*';
}

/** Whether `node` is a name or a chain of property accesses on a name (`Base`, `models.Base`). */
function isEntityName(ts: TypeScriptApi, node: TypeScript.Expression): boolean {
  if (ts.isIdentifier(node)) return true;
  return ts.isPropertyAccessExpression(node) && isEntityName(ts, node.expression);
}

/** The variable a class expression is the value of (`const C = class {}`), if any. */
function ownerOfClassExpression(ts: TypeScriptApi, node: TypeScript.ClassLikeDeclaration): string | undefined {
  let current: TypeScript.Node = node.parent;
  while (ts.isParenthesizedExpression(current)) current = current.parent;
  return ts.isVariableDeclaration(current) && ts.isIdentifier(current.name) ? current.name.text : undefined;
}

/** Whether an identifier names a value in use, rather than declaring a name or naming a property. */
function isReference(ts: TypeScriptApi, node: TypeScript.Identifier): boolean {
  const parent = node.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  const named = parent as unknown as { name?: TypeScript.Node; propertyName?: TypeScript.Node; label?: TypeScript.Node };
  return named.name !== node && named.propertyName !== node && named.label !== node;
}
