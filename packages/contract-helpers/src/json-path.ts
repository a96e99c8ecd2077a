/** One step into a JSON value: a property name or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Format path segments as a JSONPath (`$.orders[0].customer['e-mail']`).
 *
 * @param segments - property names and array indexes from the root
 * @example
 * formatJsonPath(['lines', 0, 'sku']) // "$.lines[0].sku"
 */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return path;
}

/**
 * Path segments of a JSON Pointer (`/lines/0/sku`, RFC 6901); digits become indexes.
 *
 * @param pointer - a JSON Pointer, `''` for the root
 * @example
 * pointerToSegments('/lines/0/sku') // ['lines', 0, 'sku']
 */
export function pointerToSegments(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
    });
}

type PatternToken = { kind: 'name'; name: string } | { kind: 'any' } | { kind: 'deep' };

function tokenizePattern(pattern: string): PatternToken[] | undefined {
  if (!pattern.startsWith('$')) return undefined;
  const tokens: PatternToken[] = [];
  let rest = pattern.slice(1);
  while (rest.length > 0) {
    let match: RegExpExecArray | null;
    if ((match = /^\.\.([A-Za-z_$][A-Za-z0-9_$-]*|\*)/.exec(rest)) !== null) {
      tokens.push({ kind: 'deep' }, match[1] === '*' ? { kind: 'any' } : { kind: 'name', name: match[1]! });
    } else if ((match = /^\.(\*|[A-Za-z_$][A-Za-z0-9_$-]*)/.exec(rest)) !== null) {
      tokens.push(match[1] === '*' ? { kind: 'any' } : { kind: 'name', name: match[1]! });
    } else if ((match = /^\[(\*|[0-9]+)\]/.exec(rest)) !== null) {
      tokens.push(match[1] === '*' ? { kind: 'any' } : { kind: 'name', name: match[1]! });
    } else if ((match = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest)) !== null) {
      tokens.push({ kind: 'name', name: match[1]!.replace(/\\(.)/g, '$1') });
    } else {
      return undefined;
    }
    rest = rest.slice(match[0].length);
  }
  return tokens;
}

function matchTokens(tokens: readonly PatternToken[], segments: readonly string[]): boolean {
  if (tokens.length === 0) return segments.length === 0;
  const [token, ...restTokens] = tokens;
  if (token!.kind === 'deep') {
    for (let skip = 0; skip <= segments.length; skip++) if (matchTokens(restTokens, segments.slice(skip))) return true;
    return false;
  }
  if (segments.length === 0) return false;
  if (token!.kind === 'name' && token!.name !== segments[0]) return false;
  return matchTokens(restTokens, segments.slice(1));
}

/** A compiled JSONPath pattern: `$.meta.*`, `$.items[*].debug`, `$..trace`. */
export interface JsonPathPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the value at `segments` is selected by the pattern. */
  matches(segments: readonly PathSegment[]): boolean;
}

/**
 * Compile a JSONPath pattern. `.name` and `['name']` select a property, `[2]` an index, `*` any
 * one step, `..name` that name at any depth. A pattern also selects everything below what it
 * selects (`$.meta` covers `$.meta.build.sha`).
 *
 * @param pattern - a pattern starting with `$`
 * @returns the compiled pattern, or undefined when it is not valid
 * @example
 * compileJsonPathPattern('$.items[*].debug')?.matches(['items', 3, 'debug']) // true
 */
export function compileJsonPathPattern(pattern: string): JsonPathPattern | undefined {
  const tokens = tokenizePattern(pattern);
  if (tokens === undefined) return undefined;
  return {
    source: pattern,
    matches(segments) {
      const names = segments.map(String);
      for (let length = names.length; length >= 0; length--) if (matchTokens(tokens, names.slice(0, length))) return true;
      return false;
    },
  };
}
